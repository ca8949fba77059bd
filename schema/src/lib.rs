//! The Cvety.kz models: the flower shop's database (`flower_shop`): the 13
//! tables and 6 enum types of the shop's specification, with money in
//! `numeric` and the `users` table its later migrations add. The petal CLI
//! reads these files with its scanner; the derives make the same schema
//! available to the application (`petal::Table::table()`)
//! together with sea-query identifiers (`OrderIden::CustomerPhone`).

// The README's Rust examples compile as doc tests, here rather than in the
// published `petal` crate (whose package holds no README of the repository):
// what a user copies from the README builds.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

pub mod customer;
pub mod order;
pub mod product;
pub mod production;
pub mod settings;
pub mod user;
pub mod warehouse;

use petal::ir;
use petal::{DbEnum, Table};

/// Every table's IR, as the derives give it.
pub fn tables() -> Vec<ir::Table> {
    vec![
        order::Order::table(),
        order::OrderItem::table(),
        customer::Customer::table(),
        customer::CustomerAddress::table(),
        customer::CustomerImportantDate::table(),
        warehouse::WarehouseItem::table(),
        warehouse::Delivery::table(),
        warehouse::DeliveryPosition::table(),
        production::FloristTask::table(),
        production::TaskItem::table(),
        product::Product::table(),
        product::ProductImage::table(),
        settings::CompanySettings::table(),
        user::User::table(),
    ]
}

/// Every enum type's IR, as the derives give it.
pub fn enums() -> Vec<ir::EnumType> {
    vec![
        order::OrderStatus::enum_type(),
        order::DeliveryMethod::enum_type(),
        order::IssueType::enum_type(),
        production::TaskStatus::enum_type(),
        production::TaskPriority::enum_type(),
        product::ProductCategory::enum_type(),
    ]
}

/// The whole schema, normalized.
pub fn database() -> ir::Database {
    petal::database(tables(), enums())
}
