use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(skip, default = "0")]
    pub cached_total: f64,
}

fn main() {}
