//! The SQL files written from a database: everything the models do not
//! hold (schemas, extensions, types other than enums, sequences, functions,
//! views, triggers, partitions, policies, grants), as the statements that
//! create it from the models' tables.
//!
//! They are the up of the diff from the models' part of the database to
//! the whole of it, rendered as any migration is: one renderer, so what a
//! SQL file says is what a migration would say. Each statement is then
//! read back by the SQL files' own reader, which names its kind (and so
//! its file) and proves it is a statement the SQL files accept.

use std::collections::BTreeMap;
use std::path::PathBuf;

use petal_ir::Database;
use petal_sql::Kind;

/// SQL files written from a database: names (in the `sql` directory) and
/// text, in order.
#[derive(Debug, Default)]
pub struct WrittenSql {
    pub files: BTreeMap<String, String>,
    /// Statements the SQL files would refuse, with why: the database holds
    /// something petal cannot declare there.
    pub unwritten: Vec<String>,
}

/// The part of `db` the models hold: its enum types and its tables but
/// partitions and inheritance children, with every table's default privileges (grants are the SQL
/// files').
pub fn models_part(db: &Database) -> Database {
    Database {
        // Always there: never created.
        schemas: db
            .schemas
            .iter()
            .filter(|s| s.as_str() == petal_diff::ALWAYS_PRESENT)
            .cloned()
            .collect(),
        enums: db.enums.clone(),
        tables: db
            .tables
            .iter()
            .filter(|(_, t)| !t.is_declared_in_sql())
            .map(|(k, t)| (k.clone(), t.clone()))
            .collect(),
        dependencies: db.dependencies.clone(),
        privileges: db.privileges.as_ref().map(|acls| petal_ir::Acls {
            objects: BTreeMap::new(),
            creator: acls.creator.clone(),
        }),
        ..Database::default()
    }
}

/// `db` as the models and SQL files written from it declare it, and so as
/// their canonical form reads once they are loaded: what they leave unsaid
/// is unset here too.
pub fn declared(db: &Database) -> Database {
    let mut declared = db.clone();
    // An extension is declared without its version: the dev server
    // installs the one it ships, and an unpinned version is not compared.
    for extension in declared.extensions.values_mut() {
        extension.version = None;
    }
    // Views' and functions' grants are read with them, and compared only
    // with the rest of the privileges: without those, no `GRANT` is
    // written (the SQL files refuse one then).
    // The SQL files cannot name a partition's copies of its parent's
    // indexes: PostgreSQL names them as it creates them.
    declared.clear_index_copies();
    if db.privileges.is_none() {
        for view in declared.views.values_mut() {
            view.privileges = None;
        }
        for function in declared.functions.values_mut() {
            function.privileges = None;
        }
    }
    declared
}

/// The file a statement of `kind` goes in: one file per family of kinds,
/// as a reader looks for them (the order inside and across files does not
/// matter to petal).
fn file_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Schema | Kind::Extension | Kind::Collation => "schemas.sql",
        Kind::Domain | Kind::CompositeType | Kind::RangeType => "types.sql",
        Kind::Sequence | Kind::SequenceOwner => "sequences.sql",
        Kind::Function | Kind::Procedure | Kind::Aggregate => "functions.sql",
        Kind::View | Kind::MaterializedView | Kind::Index => "views.sql",
        Kind::Trigger | Kind::TriggerState => "triggers.sql",
        Kind::Partition | Kind::RowSecurity | Kind::ColumnDefault => "partitions.sql",
        Kind::InheritanceChild => "inheritance.sql",
        Kind::Policy => "policies.sql",
        Kind::Grant => "grants.sql",
        // A comment sits with what it is on: see `comment_file`.
        Kind::Comment => "comments.sql",
    }
}

/// Writes the SQL files that, loaded beside the models written from `db`,
/// give `db` back.
pub fn write_sql_files(db: &Database) -> WrittenSql {
    let models = models_part(db);
    let diff = petal_diff::diff(&models, &declared(db));
    let mut written = WrittenSql::default();
    // The file each statement goes in, and the last file written to, where
    // a comment follows the object it is on.
    let mut last = "schemas.sql";
    for step in petal_diff::render(&diff.changes) {
        for statement in step.statements {
            // The step's setting, not a declaration: the SQL files hold
            // none, and the migrations made from them set it again.
            if statement.sql == petal_diff::UNCHECKED_BODIES {
                continue;
            }
            let sql = statement.sql.trim();
            let place = PathBuf::from("adopted.sql");
            let read = petal_sql::read_sql(&[(place, format!("{sql}\n"))]);
            let kind = match read {
                Ok(files) if files.statements.len() == 1 => files.statements[0].kind,
                Ok(_) => {
                    written
                        .unwritten
                        .push(format!("{sql}\n  (not one statement the SQL files accept)"));
                    continue;
                }
                Err(reports) => {
                    let why: Vec<String> =
                        reports.iter().map(|r| r.message().to_string()).collect();
                    written
                        .unwritten
                        .push(format!("{sql}\n  ({})", why.join("; ")));
                    continue;
                }
            };
            let file = if kind == Kind::Comment {
                last
            } else {
                file_of(kind)
            };
            last = file;
            let text = written.files.entry(file.to_string()).or_default();
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(sql);
            text.push('\n');
        }
    }
    for (name, text) in &mut written.files {
        *text = format!("{}\n\n{text}", header(name));
    }
    written
}

fn header(name: &str) -> String {
    let what = name.trim_end_matches(".sql");
    format!(
        "-- The {what} of the database petal was pointed at (`petal init --from-database`),\n\
         -- as PostgreSQL prints them. Edit them here: petal loads these files beside the\n\
         -- models, in any order, and migrations carry what changes."
    )
}
