//! Extractors whose rejections are the API's own errors: malformed JSON is a
//! 400, JSON of the wrong shape a 422 naming the field, a bad path id a
//! 400 — never axum's plain-text rejections, never a 500.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !is_json {
            return Err(ApiError::BadRequest(
                "expected a JSON body with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(format!("the body is too large: {}", e.body_text()))
            } else {
                ApiError::BadRequest(format!("cannot read the body: {}", e.body_text()))
            }
        })?;
        parse_json(&bytes).map(Body)
    }
}

/// Syntax errors are 400; type errors are 422 on the path of the value
/// that did not fit (`items[0].quantity`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de);
    let value = match value {
        Ok(v) => de
            .end()
            .map(|()| v)
            .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            return Err(if inner.is_data() {
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                ApiError::field(field, strip_position(&inner.to_string()))
            } else {
                ApiError::BadRequest(format!("malformed JSON: {inner}"))
            });
        }
    };
    Ok(value)
}

/// serde_json appends ` at line 1 column 12` to its messages; the field
/// path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Query parameters; a value that does not fit its type is a 400.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|e| ApiError::BadRequest(format!("invalid query parameters: {e}")))
    }
}

/// A path id: a positive 32-bit integer, else 400 (`abc`) — or 404 for a
/// well-formed number no row can have (`0`, `99999999999`).
pub fn parse_id(text: &str, resource: &'static str) -> Result<i32, ApiError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BadRequest(format!(
            "invalid {resource} id {text:?}: expected a positive integer"
        )));
    }
    match text.parse::<i32>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ApiError::NotFound {
            resource,
            id: text.parse::<i64>().unwrap_or(i64::MAX),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        quantity: i32,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Order {
        #[allow(dead_code)]
        items: Vec<Item>,
    }

    #[test]
    fn type_errors_name_the_field() {
        let err = parse_json::<Order>(br#"{"items": [{"quantity": "x"}]}"#).err();
        match err {
            Some(ApiError::Validation(fields)) => {
                assert!(fields.contains_key("items[0].quantity"), "{fields:?}")
            }
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        assert!(matches!(
            parse_json::<Order>(b"{\"items\": ["),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse_json::<Order>(br#"{"items": []} trailing"#),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id("42", "order").ok(), Some(42));
        assert!(matches!(
            parse_id("abc", "order"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse_id("-1", "order"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse_id("0", "order"),
            Err(ApiError::NotFound { .. })
        ));
        assert!(matches!(
            parse_id("99999999999", "order"),
            Err(ApiError::NotFound { .. })
        ));
    }
}
