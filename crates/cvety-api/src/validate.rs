//! Field validation that reports every problem of a request at once.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// Collects field errors; [`Check::finish`] turns them into a 422.
#[derive(Debug, Default)]
pub struct Check {
    fields: BTreeMap<String, Vec<String>>,
}

impl Check {
    pub fn new() -> Self {
        Check::default()
    }

    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    pub fn ensure(&mut self, ok: bool, field: &str, message: &str) {
        if !ok {
            self.fail(field, message);
        }
    }

    /// A required, non-blank text of at most `max` characters; returns it
    /// trimmed.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> String {
        match value.map(str::trim) {
            None => {
                self.fail(field, "is required");
                String::new()
            }
            Some("") => {
                self.fail(field, "must not be blank");
                String::new()
            }
            Some(v) => {
                self.max_len(field, v, max);
                v.to_string()
            }
        }
    }

    /// An optional text: blank becomes `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.max_len(field, v, max);
        Some(v.to_string())
    }

    fn max_len(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        }
    }

    /// A required value: "is required" when absent, and then the default
    /// stands in so the other fields are still checked.
    pub fn required<T: Copy + Default>(&mut self, field: &str, value: Option<T>) -> T {
        if value.is_none() {
            self.fail(field, "is required");
        }
        value.unwrap_or_default()
    }

    /// A label of one of the schema's enums, or "is required".
    pub fn required_enum<E: petal::DbEnum>(
        &mut self,
        field: &str,
        label: Option<&str>,
    ) -> Option<E> {
        match label {
            Some(label) => enum_label(self, field, label),
            None => {
                self.fail(field, "is required");
                None
            }
        }
    }

    /// An optional label of one of the schema's enums (a list filter).
    pub fn opt_enum<E: petal::DbEnum>(&mut self, field: &str, label: Option<&str>) -> Option<E> {
        label.and_then(|label| enum_label(self, field, label))
    }

    /// A phone number: digits with optional `+`, spaces, dashes and
    /// parentheses, 10 to 15 digits.
    pub fn phone(&mut self, field: &str, value: Option<&str>) -> String {
        let phone = self.text(field, value, 32);
        if !phone.is_empty() {
            self.phone_format(field, &phone);
        }
        phone
    }

    /// [`is_phone`], or the field error that says what a phone is.
    pub fn phone_format(&mut self, field: &str, phone: &str) {
        self.ensure(
            is_phone(phone),
            field,
            "must be a phone number of 10 to 15 digits",
        );
    }

    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let email = self.opt_text(field, value, 254)?;
        let valid = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !valid {
            self.fail(field, "must be an email address");
        }
        Some(email)
    }

    /// A money amount: finite, not negative, at most 9,999,999,999.99 (what
    /// `numeric(12,2)` holds).
    pub fn money(&mut self, field: &str, value: f64) {
        if !value.is_finite() || value < 0.0 {
            self.fail(field, "must be a non-negative amount");
        } else if value >= 1e10 {
            self.fail(field, "must be less than 10,000,000,000");
        }
    }

    pub fn positive(&mut self, field: &str, value: i32) {
        if value <= 0 {
            self.fail(field, "must be a positive integer");
        }
    }

    /// A required positive integer (an id, a quantity): "is required" when
    /// absent, else [`Check::positive`].
    pub fn required_positive(&mut self, field: &str, value: Option<i32>) -> i32 {
        if let Some(value) = value {
            self.positive(field, value);
        }
        self.required(field, value)
    }

    /// One of `allowed`.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.fail(field, format!("must be one of: {}", allowed.join(", ")));
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.fields))
        }
    }
}

pub fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    allowed && (10..=15).contains(&digits)
}

/// A label of one of the schema's enums, through its `DbEnum`.
pub fn enum_label<E: petal::DbEnum>(check: &mut Check, field: &str, label: &str) -> Option<E> {
    let parsed = E::from_label(label);
    if parsed.is_none() {
        let labels: Vec<&str> = E::LABELS.to_vec();
        check.fail(field, format!("must be one of: {}", labels.join(", ")));
    }
    parsed
}

/// Double-option deserializer for PATCH bodies: an absent field is `None`
/// (unchanged), `null` is `Some(None)` (cleared).
pub fn nullable<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(is_phone("+7 (700) 123-45-67"));
        assert!(is_phone("87001234567"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("7+7001234567"));
        assert!(!is_phone("+7 700 abc 45 67"));
    }

    #[test]
    fn required_fields_say_so_once() {
        use cvety_schema::order::OrderStatus;
        let mut check = Check::new();
        assert_eq!(check.required_positive("quantity", None), 0);
        assert_eq!(check.required_positive("product_id", Some(-2)), -2);
        assert_eq!(check.required_positive("warehouse_item_id", Some(3)), 3);
        assert_eq!(check.required_enum::<OrderStatus>("status", None), None);
        assert_eq!(
            check.required_enum("other_status", Some("paid")),
            Some(OrderStatus::Paid)
        );
        assert_eq!(check.opt_enum::<OrderStatus>("filter", None), None);
        assert_eq!(check.opt_enum::<OrderStatus>("bad", Some("lost")), None);
        match check.finish() {
            Err(ApiError::Validation(fields)) => {
                let listed: Vec<(&str, &[String])> = fields
                    .iter()
                    .map(|(field, messages)| (field.as_str(), messages.as_slice()))
                    .collect();
                assert_eq!(
                    listed,
                    [
                        ("bad", &["must be one of: new, paid, assembled, delivery, self_pickup, issue".to_string()][..]),
                        ("product_id", &["must be a positive integer".to_string()][..]),
                        ("quantity", &["is required".to_string()][..]),
                        ("status", &["is required".to_string()][..]),
                    ]
                );
            }
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn collects_every_field() {
        let mut check = Check::new();
        check.text("name", None, 10);
        check.text("address", Some("  "), 10);
        check.money("price", -1.0);
        check.money("total", f64::NAN);
        match check.finish() {
            Err(ApiError::Validation(fields)) => {
                let names: Vec<&str> = fields.keys().map(String::as_str).collect();
                assert_eq!(names, ["address", "name", "price", "total"]);
            }
            other => panic!("expected a 422, got {other:?}"),
        }
    }
}
