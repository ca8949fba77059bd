//! The product catalogue: products and their images.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cvety_schema::product::{ProductCategory, ProductIden, ProductImageIden};
use petal::sea_query::{Expr, ExprTrait, Order as SortOrder, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use super::crud::{
    fetch_one_or_404, fetch_page, insert_returning_id, insert_rows, select_columns, update_or_404,
};
use super::{Page, Paged, round_money};
use crate::AppState;
use crate::db::{self, enum_value, money, money_opt};
use crate::error::ApiError;
use crate::extract::{Body, Params, parse_id};
use crate::validate::Check;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products/", get(list).post(create))
        .route("/products/{id}", get(read).put(replace))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProductOut {
    pub id: i32,
    pub name: String,
    pub category: String,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub cost_price: f64,
    pub retail_price: f64,
    pub sale_price: Option<f64>,
    pub is_active: Option<bool>,
    pub is_popular: Option<bool>,
    pub is_new: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ImageOut {
    pub id: i32,
    pub product_id: i32,
    pub image_url: String,
    pub is_primary: Option<bool>,
    pub sort_order: Option<i32>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct ProductDetail {
    #[serde(flatten)]
    pub product: ProductOut,
    pub images: Vec<ImageOut>,
}

fn select() -> SelectStatement {
    use ProductIden as P;
    let columns = [
        P::Id,
        P::Name,
        P::Category,
        P::Description,
        P::ImageUrl,
        P::IsActive,
        P::IsPopular,
        P::IsNew,
        P::CreatedAt,
        P::UpdatedAt,
    ];
    select_columns(
        P::table_ref(),
        &columns,
        &[P::CostPrice, P::RetailPrice, P::SalePrice],
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    category: Option<String>,
    is_active: Option<bool>,
}

async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
    Params(page): Params<Page>,
) -> Result<Json<Paged<ProductOut>>, ApiError> {
    let mut check = Check::new();
    let category: Option<ProductCategory> = check.opt_enum("category", query.category.as_deref());
    check.finish()?;
    let mut q = select();
    if let Some(category) = category {
        q.and_where(Expr::col(ProductIden::Category).eq(enum_value(&category)));
    }
    if let Some(active) = query.is_active {
        // Nullable with a true default: NULL reads as active.
        q.and_where(Expr::col(ProductIden::IsActive).if_null(true).eq(active));
    }
    let client = state.pool.get().await?;
    let order = [(ProductIden::Id, SortOrder::Asc)];
    Ok(Json(fetch_page(&*client, q, order, page).await?))
}

async fn fetch_detail<C: GenericClient>(client: &C, id: i32) -> Result<ProductDetail, ApiError> {
    let product = fetch_one_or_404(client, select(), ProductIden::Id, id, "product").await?;
    use ProductImageIden as I;
    let columns = [
        I::Id,
        I::ProductId,
        I::ImageUrl,
        I::IsPrimary,
        I::SortOrder,
        I::CreatedAt,
    ];
    let images = select_columns(I::table_ref(), &columns, &[])
        .and_where(Expr::col(I::ProductId).eq(id))
        .order_by(I::SortOrder, SortOrder::Asc)
        .order_by(I::Id, SortOrder::Asc)
        .to_owned();
    Ok(ProductDetail {
        product,
        images: db::fetch_all(client, &images).await?,
    })
}

async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProductDetail>, ApiError> {
    let id = parse_id(&id, "product")?;
    let client = state.pool.get().await?;
    Ok(Json(fetch_detail(&*client, id).await?))
}

/// `POST` and `PUT` body; `PUT` replaces the product's fields (its images
/// are kept unless `images` is given, which replaces them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductIn {
    name: Option<String>,
    category: Option<String>,
    description: Option<String>,
    image_url: Option<String>,
    cost_price: Option<f64>,
    retail_price: Option<f64>,
    sale_price: Option<f64>,
    is_active: Option<bool>,
    is_popular: Option<bool>,
    is_new: Option<bool>,
    images: Option<Vec<ImageIn>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageIn {
    image_url: Option<String>,
    is_primary: Option<bool>,
    sort_order: Option<i32>,
}

/// A checked body: the product's columns and their values, and the images
/// that replace the product's when given.
struct Checked {
    fields: [(ProductIden, Expr); 10],
    images: Option<Vec<(String, bool, i32)>>,
}

impl ProductIn {
    fn checked(&self) -> Result<Checked, ApiError> {
        let mut check = Check::new();
        let name = check.text("name", self.name.as_deref(), 200);
        let category = check.required_enum::<ProductCategory>("category", self.category.as_deref());
        let description = check.opt_text("description", self.description.as_deref(), 4000);
        let image_url = check.opt_text("image_url", self.image_url.as_deref(), 2000);
        let mut price = |field: &str, value: Option<f64>| match value {
            None => {
                check.fail(field, "is required");
                0.0
            }
            Some(v) => {
                check.money(field, v);
                round_money(v)
            }
        };
        let cost = price("cost_price", self.cost_price);
        let retail = price("retail_price", self.retail_price);
        if let Some(sale) = self.sale_price {
            check.money("sale_price", sale);
            check.ensure(sale <= retail, "sale_price", "must not exceed retail_price");
        }
        let images = self.images.as_ref().map(|images| {
            let primaries = images.iter().filter(|i| i.is_primary == Some(true)).count();
            check.ensure(primaries <= 1, "images", "at most one image can be primary");
            images
                .iter()
                .enumerate()
                .map(|(i, image)| {
                    let url = check.text(
                        &format!("images[{i}].image_url"),
                        image.image_url.as_deref(),
                        2000,
                    );
                    (
                        url,
                        image.is_primary.unwrap_or(false),
                        image
                            .sort_order
                            .unwrap_or(i32::try_from(i).unwrap_or(i32::MAX)),
                    )
                })
                .collect()
        });
        check.finish()?;
        let category = category.ok_or_else(|| ApiError::internal("category validated"))?;
        use ProductIden as P;
        let fields = [
            (P::Name, name.into()),
            (P::Category, enum_value(&category)),
            (P::Description, description.into()),
            (P::ImageUrl, image_url.into()),
            (P::CostPrice, money(cost)),
            (P::RetailPrice, money(retail)),
            (P::SalePrice, money_opt(self.sale_price.map(round_money))),
            (P::IsActive, self.is_active.unwrap_or(true).into()),
            (P::IsPopular, self.is_popular.unwrap_or(false).into()),
            (P::IsNew, self.is_new.unwrap_or(false).into()),
        ];
        Ok(Checked { fields, images })
    }
}

async fn replace_images<C: GenericClient>(
    client: &C,
    product: i32,
    images: &[(String, bool, i32)],
) -> Result<(), ApiError> {
    use ProductImageIden as I;
    let delete = Query::delete()
        .from_table(I::table_ref())
        .and_where(Expr::col(I::ProductId).eq(product))
        .to_owned();
    db::execute(client, &delete).await?;
    let columns = [I::ProductId, I::ImageUrl, I::IsPrimary, I::SortOrder];
    let rows = images.iter().map(|(url, primary, order)| {
        [
            product.into(),
            url.clone().into(),
            (*primary).into(),
            (*order).into(),
        ]
    });
    insert_rows(client, I::table_ref(), columns, rows).await
}

async fn create(
    State(state): State<AppState>,
    Body(body): Body<ProductIn>,
) -> Result<(StatusCode, Json<ProductDetail>), ApiError> {
    let p = body.checked()?;
    use ProductIden as P;
    let out = db::in_transaction(&state.pool, async |tx| {
        let id = insert_returning_id(tx, P::table_ref(), p.fields, P::Id).await?;
        if let Some(images) = &p.images {
            replace_images(tx, id, images).await?;
        }
        fetch_detail(tx, id).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<ProductIn>,
) -> Result<Json<ProductDetail>, ApiError> {
    let id = parse_id(&id, "product")?;
    let p = body.checked()?;
    use ProductIden as P;
    let update = Query::update()
        .table(P::table_ref())
        .values(p.fields)
        .value(P::UpdatedAt, Expr::current_timestamp())
        .and_where(Expr::col(P::Id).eq(id))
        .to_owned();
    let out = db::in_transaction(&state.pool, async |tx| {
        update_or_404(tx, &update, id, "product").await?;
        if let Some(images) = &p.images {
            replace_images(tx, id, images).await?;
        }
        fetch_detail(tx, id).await
    })
    .await?;
    Ok(Json(out))
}
