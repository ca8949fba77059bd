use petal::Table;

#[derive(Table)]
#[petal(table = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(references = "customers")]
    pub customer_id: i32,
    #[petal(references = "a.b.c.d")]
    pub other_id: i32,
}

fn main() {}
