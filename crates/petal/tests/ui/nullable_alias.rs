use petal::Table;

type MaybeName = Option<String>;

#[derive(Table)]
#[petal(table = "customers")]
pub struct Customer {
    #[petal(primary_key)]
    pub id: i32,
    pub name: MaybeName,
}

fn main() {
    let _ = <Customer as Table>::table();
}
