use petal::Table;

#[derive(Table)]
#[petal(table = "orders", frobnicate)]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
}

fn main() {}
