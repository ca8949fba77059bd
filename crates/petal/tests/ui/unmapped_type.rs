use petal::Table;

pub struct Money(i64);

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    pub total: Money,
    #[petal(sql_type = "numeric(12,2)")]
    pub total_with_type: Money,
}

fn main() {}
