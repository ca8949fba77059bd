use petal::DbEnum;

#[derive(DbEnum)]
pub enum OrderStatus {
    New,
    #[petal(rename = "new")]
    Fresh,
    Paid,
}

fn main() {}
