//! The labels of statements on inheritance parents and of their children's
//! DDL, measured as the others are (`labels.rs`): PostgreSQL takes a
//! parent's lock on each child a statement reaches (a column added,
//! dropped, retyped, made NOT NULL; a check), and reads or rewrites the
//! children's rows with the parent's.

use super::*;

// A parent with rows, and a child with rows of its own.
const SALES: &str = "
    CREATE TABLE sales (id bigint NOT NULL, note text, qty integer);
    CREATE TABLE sales_archive (archived_on date) INHERITS (sales);
    INSERT INTO sales SELECT g, 'n', g FROM generate_series(1, 200) g;
    INSERT INTO sales_archive SELECT g, 'a', g, date '2024-01-01' FROM generate_series(201, 300) g;";

// A table the parent's rows may reference, and the keys added to the
// parent: from 18, adding either locks the children too.
const UNITS: &str = "
    CREATE TABLE units (qty integer PRIMARY KEY);
    INSERT INTO units SELECT g FROM generate_series(1, 300) g;";
/// An index and a check on the parent.
const INDEX_AND_CHECK: &str = "
CREATE INDEX orders_qty_idx ON sales (qty);
ALTER TABLE sales ADD CONSTRAINT orders_qty_check CHECK (qty > 0);
";
const KEYS: &str = "
    ALTER TABLE sales ADD CONSTRAINT sales_id_key UNIQUE (id);
    ALTER TABLE sales ADD CONSTRAINT sales_qty_fkey FOREIGN KEY (qty) REFERENCES units;";

label_case!(
    label_create_inheritance_child,
    SALES,
    &format!("{SALES} CREATE TABLE orders_old (closed_on date) INHERITS (sales);")
);
// A table with rows of its own that declares every column of the parent
// joins it, and leaves it (the down).
label_case!(
    label_table_joins_an_inheritance_parent,
    &format!(
        "{SALES} CREATE TABLE sales_2020 (id bigint NOT NULL, note text, qty integer);
         INSERT INTO sales_2020 SELECT g, 'o', g FROM generate_series(301, 400) g;"
    ),
    &format!(
        "{SALES} CREATE TABLE sales_2020 (id bigint NOT NULL, note text, qty integer);
         ALTER TABLE sales_2020 INHERIT sales;"
    )
);
label_case!(
    label_add_column_to_inheritance_parent,
    SALES,
    &SALES.replace("qty integer)", "qty integer, memo text DEFAULT 'x')")
);
label_case!(
    label_retype_column_of_inheritance_parent,
    SALES,
    &SALES.replace("qty integer)", "qty bigint)")
);
label_case!(
    label_not_null_on_inheritance_parent,
    SALES,
    &SALES.replace("note text,", "note text NOT NULL,")
);
label_case!(
    label_index_and_check_on_inheritance_parent,
    SALES,
    &format!("{SALES} {INDEX_AND_CHECK}")
);
label_case!(
    label_rename_column_of_inheritance_parent,
    SALES,
    &SALES.replace("note text,", "remark text,"),
    |to: &mut petal_ir::Database| {
        if let Some(t) = to.tables.get_mut(&name("public", "sales"))
            && let Some(c) = t.columns.iter_mut().find(|c| c.name == "remark")
        {
            c.renamed_from = Some("note".into());
        }
    }
);
label_case!(
    label_drop_column_and_default_of_inheritance_parent,
    SALES,
    &SALES
        .replace("note text, qty integer)", "qty integer DEFAULT 1)")
        .replace("'n', g", "g")
        .replace("'a', g", "g")
);

// The online recipes on a parent: a check added NOT VALID and validated
// reaches the children (it is inherited); an index does not (each table
// of a tree has its own).
online_case!(
    online_not_null_on_inheritance_parent,
    SALES,
    &SALES.replace("note text,", "note text NOT NULL,")
);
online_case!(
    online_index_and_check_on_inheritance_parent,
    SALES,
    &format!("{SALES} {INDEX_AND_CHECK}")
);
online_case!(
    online_unique_and_foreign_key_on_inheritance_parent,
    &format!("{SALES} {UNITS}"),
    &format!("{SALES} {UNITS} {KEYS}")
);
label_case!(
    label_unique_and_foreign_key_on_inheritance_parent,
    &format!("{SALES} {UNITS}"),
    &format!("{SALES} {UNITS} {KEYS}")
);
label_case!(
    label_primary_key_on_inheritance_parent,
    SALES,
    &format!("{SALES} ALTER TABLE sales ADD PRIMARY KEY (id);")
);
