use petal::Table;

#[derive(Table)]
#[petal(tabel = "orders")]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(defualt = "0")]
    pub total: f64,
}

fn main() {}
