//! A table's `CREATE TABLE`: its columns, or for a partition its own
//! column defaults (`Table::own_defaults`), its constraints, and what
//! it is (`UNLOGGED`, `PARTITION OF`, `INHERITS`, `PARTITION BY`,
//! storage parameters).

use petal_ir::{ObjectKey, Origin, QualifiedName, quote_ident};

use super::{Sql, ddl};

/// The `CREATE TABLE` statement alone, with `foreign_keys` inline after
/// the checks, every column and constraint traced to its origin.
pub(crate) fn create_table_sql(
    table: &petal_ir::Table,
    foreign_keys: &[&petal_ir::ForeignKey],
) -> Sql {
    let name = &table.name;
    let mut lines: Vec<Sql> = table
        .columns
        .iter()
        .map(|c| ddl::column_definition(name, c))
        .collect();
    // A partition's own defaults; its own "none" is dropped after
    // (`table_extras`).
    let own_defaults = table.partition_of.iter().flat_map(|_| &table.own_defaults);
    lines.extend(own_defaults.filter_map(|(column, default)| {
        let default = default.as_deref()?;
        let sql = Sql::from(format!("{} DEFAULT {default}", quote_ident(column)));
        Some(sql.within(Origin::whole(ObjectKey::column(name, column))))
    }));
    lines.extend(
        table
            .primary_key
            .iter()
            .map(|pk| ddl::primary_key_clause(name, pk)),
    );
    lines.extend(table.uniques.iter().map(|u| ddl::unique_clause(name, u)));
    lines.extend(
        table
            .checks
            .iter()
            .filter(|c| !c.not_valid)
            .map(|c| ddl::check_clause(name, c)),
    );
    lines.extend(
        table
            .exclusions
            .iter()
            .map(|x| ddl::exclusion_clause(name, x)),
    );
    lines.extend(
        foreign_keys
            .iter()
            .map(|fk| ddl::foreign_key_clause(name, fk)),
    );
    let mut sql = Sql::new();
    let unlogged = if table.options.unlogged {
        "UNLOGGED "
    } else {
        ""
    };
    sql.push(&format!("CREATE {unlogged}TABLE {}", name.quoted()));
    // A partition takes its parent's columns: it lists its own defaults
    // and constraints alone, and none when it has none.
    if let Some(of) = &table.partition_of {
        sql.push(&format!(" PARTITION OF {}", of.parent.quoted()));
    }
    if table.partition_of.is_none() || !lines.is_empty() {
        sql.push(" (");
        if !lines.is_empty() {
            sql.push("\n    ");
            for (i, line) in lines.into_iter().enumerate() {
                if i > 0 {
                    sql.push(",\n    ");
                }
                sql.append(line);
            }
            sql.push("\n");
        }
        sql.push(")");
    }
    if !table.inherits.is_empty() {
        let parents: Vec<String> = table.inherits.iter().map(QualifiedName::quoted).collect();
        sql.push(&format!(" INHERITS ({})", parents.join(", ")));
    }
    if let Some(of) = &table.partition_of {
        sql.push(&format!(" {}", of.bound));
    }
    if let Some(key) = &table.partition_by {
        sql.push(&format!(" PARTITION BY {key}"));
    }
    if !table.options.storage.is_empty() {
        let parameters = ddl::storage_parameters(&table.options.storage);
        sql.push(&format!(" WITH ({parameters})"));
    }
    sql.push(";");
    sql
}
