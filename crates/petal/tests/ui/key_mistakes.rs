use petal::Table;

#[derive(Table)]
#[petal(table = "lines")]
#[petal(foreign_key(columns(order_id, line), references = "order_lines(order_id)"))]
#[petal(foreign_key(columns(order_id), references = "order_lines.order_id"))]
#[petal(foreign_key(columns(order_id), references = "orders(id)", on_delete = "explode"))]
#[petal(foreign_key(columns(order_id, nope), references = r#""Order Lines"(a, "B c")"#))]
#[petal(index(columns(line), nulls_not_distinct))]
#[petal(index(columns(note), method = "gin", order = "desc"))]
#[petal(index(columns(line), order(line = "downwards")))]
#[petal(check(name = "same", expr = "line > 0"), unique(name = "same", columns(line)))]
pub struct Line {
    #[petal(primary_key(name = ""))]
    pub order_id: i32,
    pub line: i16,
    pub note: String,
}

fn main() {}
