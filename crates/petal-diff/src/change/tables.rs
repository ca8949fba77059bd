//! What creating and dropping tables, columns, constraints, indexes and
//! enum types means for a live database.

use petal_ir::{
    Check, Column, EnumType, Exclusion, ForeignKey, Index, PrimaryKey, QualifiedName, Table, Unique,
};

use crate::classify::{Review, Safety, column_summary, labels, rewrites_on_add};

pub(super) fn create_enum(enum_type: &EnumType) -> Review {
    Review::safe(format!(
        "create enum type {} ({})",
        enum_type.name,
        labels(&enum_type.labels)
    ))
}

pub(super) fn create_table(table: &Table, default_partition: Option<&QualifiedName>) -> Review {
    let partitioned = table
        .partition_by
        .as_ref()
        .map_or(String::new(), |key| format!(", partitioned by {key}"));
    match &table.partition_of {
        Some(of) => {
            let what = format!(
                "create partition {} of {} {}{partitioned}",
                table.name, of.parent, of.bound
            );
            match default_partition {
                Some(default) => Review::new(what, Safety::Locks).note(format!(
                    "reads every row of the default partition {default} under an ACCESS \
                     EXCLUSIVE lock, to prove none belongs in the new one (fails if one does)"
                )),
                None => Review::safe(what),
            }
        }
        None => Review::safe(format!(
            "create table {} ({} columns{partitioned})",
            table.name,
            table.columns.len()
        )),
    }
}

/// `rows_copied`: the table its rows were copied into above (a table
/// recreated with its rows), when they were.
pub(super) fn drop_table(table: &Table, rows_copied: Option<&QualifiedName>) -> Review {
    let what = match &table.partition_of {
        Some(of) => format!("partition {} of {}", table.name, of.parent),
        None => format!("table {}", table.name),
    };
    match rows_copied {
        Some(into) => Review::safe(format!(
            "drop {what}, whose rows were copied into {into} above"
        )),
        None => Review::new(format!("drop {what} and all its rows"), Safety::Destructive),
    }
}

pub(super) fn add_column(table: &QualifiedName, column: &Column) -> Review {
    let rewrites = rewrites_on_add(column);
    let mut review = Review::new(
        format!(
            "add column {table}.{} {}",
            column.name,
            column_summary(column)
        ),
        if rewrites {
            Safety::Locks
        } else {
            Safety::Safe
        },
    );
    let filled = column.default.is_some()
        || column.serial
        || column.identity.is_some()
        || column.generated.is_some();
    if !column.nullable && !filled {
        review = review.note("NOT NULL without a default: fails unless the table is empty");
    }
    if rewrites {
        review = review.note("fills every existing row: rewrites the table");
    }
    review
}

pub(super) fn drop_column(table: &QualifiedName, column: &Column) -> Review {
    Review::new(
        format!(
            "drop column {table}.{} ({}) and its data",
            column.name, column.ty
        ),
        Safety::Destructive,
    )
}

pub(super) fn add_primary_key(table: &QualifiedName, primary_key: &PrimaryKey) -> Review {
    Review::new(
        format!(
            "add primary key {} on {table} ({})",
            primary_key.name,
            primary_key.columns.join(", ")
        ),
        Safety::Locks,
    )
    .note("fails if the columns hold duplicates or NULLs")
}

pub(super) fn add_unique(table: &QualifiedName, unique: &Unique) -> Review {
    Review::new(
        format!(
            "add unique constraint {} on {table} ({})",
            unique.name,
            unique.columns.join(", ")
        ),
        Safety::Locks,
    )
    .note("fails if the columns hold duplicates")
}

pub(super) fn add_check(table: &QualifiedName, check: &Check) -> Review {
    let no_inherit = if check.no_inherit { " NO INHERIT" } else { "" };
    if check.not_valid {
        return Review::new(
            format!(
                "add check constraint {} on {table} NOT VALID: {}{no_inherit}",
                check.name, check.expr
            ),
            Safety::Safe,
        )
        .note("the rows present are not checked; new and updated rows are");
    }
    Review::new(
        format!(
            "add check constraint {} on {table}: {}{no_inherit}",
            check.name, check.expr
        ),
        Safety::Locks,
    )
    .note("fails if any row violates the check")
}

pub(super) fn add_exclusion(table: &QualifiedName, exclusion: &Exclusion) -> Review {
    Review::new(
        format!(
            "add exclusion constraint {} on {table}: {}",
            exclusion.name, exclusion.definition
        ),
        Safety::Locks,
    )
    .note("builds its index under an ACCESS EXCLUSIVE lock; fails if two rows conflict")
}

pub(super) fn add_foreign_key(
    table: &QualifiedName,
    foreign_key: &ForeignKey,
    new_table: bool,
) -> Review {
    let description = format!(
        "add foreign key {} on {table} ({}) -> {} ({})",
        foreign_key.name,
        foreign_key.columns.join(", "),
        foreign_key.ref_table,
        foreign_key.ref_columns.join(", ")
    );
    if foreign_key.not_valid {
        return Review::safe(format!("{description} NOT VALID"))
            .note("the rows present are not checked; new and updated rows are");
    }
    if new_table {
        return Review::safe(description);
    }
    Review::new(description, Safety::Locks).note(
        "fails if any row references a missing key; blocks writes on both tables while it \
         validates",
    )
}

pub(super) fn create_index(table: &QualifiedName, index: &Index) -> Review {
    let review = Review::new(
        format!(
            "create {}index {} on {table}",
            if index.unique { "unique " } else { "" },
            index.name
        ),
        Safety::Locks,
    );
    let review = if index.unique {
        review.note("fails if the keys hold duplicates")
    } else {
        review
    };
    if index.only {
        // Nothing to build: the partitions' indexes come later.
        return review.note(
            "for the partitioned table alone (ON ONLY): no partition is read, and the index \
             stays invalid until each partition has an index attached to it",
        );
    }
    review.note("blocks writes while the index builds")
}
