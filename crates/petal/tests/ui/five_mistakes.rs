use petal::Table;

// Five independent mistakes give five errors, and nothing else: the
// fallback impl keeps the use below from adding follow-up errors.
#[derive(Table)]
#[petal(table = "orders", index(columns(customer_phon)))]
pub struct Order {
    #[petal(primary_key)]
    pub id: i32,
    #[petal(primary_key)]
    pub other_id: i32,
    #[petal(references = "customers.id", on_delete = "cascad")]
    pub customer_id: i32,
    #[petal(uniqe)]
    pub customer_phone: String,
    #[petal(identity = "sometimes")]
    pub number: i64,
}

fn main() {
    let _ = OrderIden::CustomerPhone;
    let _ = <Order as petal::Table>::NAME;
}
