//! Table equality that ignores column order: PostgreSQL cannot reorder
//! columns, so two tables that differ only there are the same schema.

use crate::{Column, Table};

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && same_columns(&self.columns, &other.columns)
            && self.primary_key == other.primary_key
            && self.uniques == other.uniques
            && self.checks == other.checks
            && self.foreign_keys == other.foreign_keys
            && self.exclusions == other.exclusions
            && self.indexes == other.indexes
            && self.comment == other.comment
            && self.options == other.options
            && self.partition_by == other.partition_by
            && self.partition_of == other.partition_of
            && self.own_defaults == other.own_defaults
            && self.index_copies == other.index_copies
            && self.inherits == other.inherits
            && self.renamed_from == other.renamed_from
    }
}

impl Eq for Table {}

fn same_columns(a: &[Column], b: &[Column]) -> bool {
    a.len() == b.len() && a.iter().all(|col| b.iter().any(|other| other == col))
}

#[cfg(test)]
mod tests {
    use crate::{Column, QualifiedName, SqlType, Table};

    #[test]
    fn column_order_does_not_matter() {
        let mut a = Table::new(QualifiedName::new("public", "t"));
        a.columns.push(Column::new("x", SqlType::canonical("int")));
        a.columns.push(Column::new("y", SqlType::canonical("text")));
        let mut b = a.clone();
        b.columns.reverse();
        assert_eq!(a, b);
        b.columns[0].nullable = false;
        assert_ne!(a, b);
    }
}
