use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    pub total: f64,
    #[petal(column = "total")]
    pub total_again: f64,
}

fn main() {}
