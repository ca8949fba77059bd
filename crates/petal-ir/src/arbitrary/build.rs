//! Building a random valid database.

use super::Rng;
use crate::naming::{Namespace, make_object_name};
use crate::{
    Check, Column, Database, Deferrable, EnumType, FkAction, ForeignKey, Identity, Index, IndexKey,
    PrimaryKey, QualifiedName, SqlType, Table, Unique, quote_ident, quote_literal,
};

pub(super) const EXTRA_SCHEMAS: &[&str] = &["crm", "Склад"];
pub(super) const ENUM_NAMES: &[&str] = &["order_status", "Priority Level", "статус", "kind"];
pub(super) const LABELS: &[&str] = &[
    "new",
    "paid",
    "in progress",
    "done",
    "Отменён",
    "it's",
    "archived",
];
pub(super) const TABLE_NAMES: &[&str] = &[
    "orders",
    "customers",
    "Order Items",
    "товары",
    "audit_log",
    "tags",
    "user",
    "events",
];
pub(super) const COLUMN_NAMES: &[&str] = &[
    "name",
    "total",
    "status",
    "created_at",
    "Note Text",
    "цена",
    "tags",
    "qty",
    "flag",
    "payload",
    "code",
    "order",
    "rating",
];
pub(super) const TYPES: &[&str] = &[
    "integer",
    "bigint",
    "smallint",
    "text",
    "character varying(20)",
    "numeric(12,2)",
    "double precision",
    "boolean",
    "timestamp with time zone",
    "date",
    "jsonb",
    "uuid",
    "text[]",
    "integer[]",
];
pub(super) const COMMENTS: &[&str] = &[
    "it's the main one",
    "Цена товара",
    "plain",
    "a \"quoted\" word",
];

/// Keywords among the generated names that `quote_identifier` quotes.
const KEYWORDS: &[&str] = &["order", "user", "check", "default", "table"];

/// An identifier as `quote_identifier` prints it inside expressions.
pub(super) fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !KEYWORDS.contains(&name) {
        name.to_string()
    } else {
        quote_ident(name)
    }
}

/// A user type as `format_type` prints it: `public.order_status`.
pub(super) fn spelling(name: &QualifiedName) -> String {
    format!("{}.{}", ident(&name.schema), ident(&name.name))
}

/// Every name taken in a schema: relations, constraints, indexes, and the
/// sequences of identity and serial columns.
pub(super) fn namespace(db: &Database, schema: &str) -> Namespace {
    let mut ns = Namespace::new();
    for t in db.tables.values().filter(|t| t.name.schema == schema) {
        ns.take(&t.name.name);
        for name in t.object_names() {
            ns.take(name);
        }
        for c in &t.columns {
            if c.serial || c.identity.is_some() {
                ns.take(&make_object_name(&t.name.name, Some(&c.name), Some("seq")));
            }
        }
    }
    for e in db.enums.values().filter(|e| e.name.schema == schema) {
        // Types share no namespace with relations, but each has an array
        // type `_name` that does clash with a relation's row type name.
        ns.take(&e.name.name);
    }
    // The other kinds: relations (views, their indexes, sequences) and
    // types (a composite type is a relation too; a range type brings its
    // multirange), all kept apart from each other and from the tables.
    for v in db.views.values().filter(|v| v.name.schema == schema) {
        ns.take(&v.name.name);
        v.indexes.iter().for_each(|i| ns.take(&i.name));
    }
    let types = (db.sequences.keys())
        .chain(db.domains.keys())
        .chain(db.composite_types.keys())
        .chain(db.range_types.keys());
    for name in types.filter(|n| n.schema == schema) {
        ns.take(&name.name);
    }
    for r in db.range_types.values().filter(|r| r.name.schema == schema) {
        ns.take(&super::types::multirange_name(&r.name.name));
    }
    ns
}

pub(super) fn labels(rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(4) {
        if let Some(l) = rng.pick(LABELS)
            && !out.iter().any(|o| o == l)
        {
            out.push(l.to_string());
        }
    }
    out
}

/// A default PostgreSQL prints back as written, for a column type.
pub(super) fn default_for(rng: &mut Rng, ty: &SqlType, db: &Database) -> Option<String> {
    let options: &[&str] = match ty.as_str() {
        "integer" => &["0", "42", "'-1'::integer"],
        "bigint" | "smallint" => &["0", "42"],
        "text" => &["'x'::text", "'привет'::text", "'it''s'::text"],
        "character varying(20)" => &["'y'::character varying"],
        "numeric(12,2)" => &["0", "1.5"],
        "double precision" => &["0", "1.5"],
        "boolean" => &["true", "false"],
        "timestamp with time zone" => &["now()", "CURRENT_TIMESTAMP"],
        "date" => &["CURRENT_DATE"],
        "jsonb" => &["'{}'::jsonb"],
        "uuid" => &["gen_random_uuid()"],
        "text[]" => &["'{}'::text[]"],
        "integer[]" => &["'{}'::integer[]"],
        other => {
            let e = db.enums.values().find(|e| spelling(&e.name) == other)?;
            let label = rng.pick(&e.labels)?;
            return Some(format!("{}::{other}", quote_literal(label)));
        }
    };
    rng.pick(options).map(|s| s.to_string())
}

/// A column type: a built-in one, or an enum (or array of one) of `db`.
pub(super) fn column_type(rng: &mut Rng, db: &Database) -> SqlType {
    let enums: Vec<&EnumType> = db.enums.values().collect();
    if !enums.is_empty()
        && rng.chance(25)
        && let Some(e) = rng.pick(&enums)
    {
        let base = spelling(&e.name);
        return if rng.chance(20) {
            SqlType::from_canonical(format!("{base}[]"))
        } else {
            SqlType::from_canonical(base)
        };
    }
    SqlType::from_canonical(*rng.pick(TYPES).unwrap_or(&"text"))
}

pub(super) fn new_column(rng: &mut Rng, db: &Database, name: &str) -> Column {
    let mut c = Column::new(name, column_type(rng, db));
    c.nullable = rng.chance(60);
    if rng.chance(40) && !c.ty.as_str().ends_with("[]") || !c.nullable && rng.chance(50) {
        c.default = default_for(rng, &c.ty, db);
    }
    if rng.chance(20) {
        c.comment = rng.pick(COMMENTS).map(|s| s.to_string());
    }
    c
}

/// A check expression PostgreSQL prints back as is, when the type has one.
pub(super) fn check_expr(column: &Column) -> Option<String> {
    let q = ident(&column.name);
    match column.ty.as_str() {
        "integer" | "bigint" | "smallint" => Some(format!("({q} > 0)")),
        "numeric(12,2)" => Some(format!("({q} >= (0)::numeric)")),
        "double precision" => Some(format!("({q} >= (0)::double precision)")),
        "text" => Some(format!("({q} <> ''::text)")),
        _ => None,
    }
}

/// The default of an enum-typed column (a label cast to the type), which
/// names the type the way PostgreSQL prints it.
fn enum_constant(column: &Column) -> Option<String> {
    let ty = column.ty.as_str();
    let default = column.default.as_deref()?;
    (ty.contains('.') && default.ends_with(&format!("::{ty}"))).then(|| default.to_string())
}

fn plain_key_type(column: &Column) -> bool {
    !column.ty.is_array() && column.ty.as_str() != "jsonb"
}

pub(super) fn build_table(rng: &mut Rng, db: &Database, name: QualifiedName) -> Table {
    let mut ns = namespace(db, &name.schema);
    ns.take(&name.name);
    let mut t = Table::new(name.clone());
    let tn = name.name.clone();
    if rng.chance(80) {
        let ty = if rng.chance(70) { "integer" } else { "bigint" };
        let mut id = Column::new("id", SqlType::from_canonical(ty));
        id.nullable = false;
        match rng.below(100) {
            0..45 => id.identity = Some(Identity::ByDefault),
            45..60 => id.identity = Some(Identity::Always),
            60..85 => id.serial = true,
            _ => {}
        }
        if id.serial || id.identity.is_some() {
            ns.choose(&tn, Some("id"), "seq");
        }
        t.columns.push(id);
        t.primary_key = Some(PrimaryKey {
            deferrable: Default::default(),
            comment: None,
            name: ns.primary_key(&tn),
            columns: vec!["id".into()],
        });
    }
    for _ in 0..1 + rng.below(5) {
        let Some(cname) = rng.pick(COLUMN_NAMES) else {
            continue;
        };
        if t.column(cname).is_none() {
            t.columns.push(new_column(rng, db, cname));
        }
    }
    if rng.chance(25) {
        t.comment = rng.pick(COMMENTS).map(|s| s.to_string());
    }
    add_unique(rng, &mut t, &mut ns);
    add_check(rng, &mut t, &mut ns);
    add_index(rng, &mut t, &mut ns);
    let mut side = rng.side();
    if side.chance(15) {
        super::exclusions::add_exclusion(&mut side, &mut t, &mut ns);
    }
    super::table_options::random_options(&mut side, &mut t);
    t
}

pub(super) fn add_unique(rng: &mut Rng, t: &mut Table, ns: &mut Namespace) -> bool {
    let keys: Vec<String> = t
        .columns
        .iter()
        .filter(|c| plain_key_type(c) && c.name != "id")
        .map(|c| c.name.clone())
        .collect();
    let Some(first) = rng.pick(&keys).cloned() else {
        return false;
    };
    let columns = if t.column("id").is_some() && rng.chance(30) {
        vec!["id".to_string(), first]
    } else {
        vec![first]
    };
    // CREATE TABLE would drop a unique that repeats another or the primary key.
    let is_pk = t.primary_key.as_ref().is_some_and(|p| p.columns == columns);
    if is_pk || t.uniques.iter().any(|u| u.columns == columns) {
        return false;
    }
    let deferrable = if rng.chance(20) {
        Deferrable::InitiallyDeferred
    } else {
        Deferrable::NotDeferrable
    };
    t.uniques.push(Unique {
        comment: None,
        name: ns.unique(&t.name.name, &columns),
        columns,
        nulls_not_distinct: false,
        deferrable,
    });
    t.normalize();
    true
}

pub(super) fn add_check(rng: &mut Rng, t: &mut Table, ns: &mut Namespace) -> bool {
    let candidates: Vec<(String, String)> = t
        .columns
        .iter()
        .filter_map(|c| check_expr(c).map(|e| (c.name.clone(), e)))
        .collect();
    let Some((column, expr)) = rng.pick(&candidates).cloned() else {
        return false;
    };
    if t.checks.iter().any(|c| c.expr == expr) {
        return false;
    }
    t.checks.push(Check {
        not_valid: rng.chance(10),
        no_inherit: rng.side().chance(10),
        comment: None,
        name: ns.check(&t.name.name, Some(&column)),
        expr,
    });
    t.normalize();
    true
}

pub(super) fn add_index(rng: &mut Rng, t: &mut Table, ns: &mut Namespace) -> bool {
    let plain: Vec<&Column> = t.columns.iter().filter(|c| plain_key_type(c)).collect();
    // Enum columns often: their partial indexes are what a type's
    // recreation has to move out of its way.
    let enums: Vec<&Column> = t
        .columns
        .iter()
        .filter(|c| enum_constant(c).is_some())
        .collect();
    let on_enum = !enums.is_empty() && rng.chance(40);
    let pool = if on_enum { enums } else { plain };
    let Some(column) = rng.pick(&pool).map(|c| (*c).clone()) else {
        return false;
    };
    let tn = t.name.name.clone();
    let mut index = Index {
        name: String::new(),
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column(column.name.clone())],
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        storage: Vec::new(),
        concurrently: false,
        only: false,
    };
    let choice = if on_enum && rng.chance(70) {
        4
    } else {
        rng.below(5)
    };
    match choice {
        0 if column.ty.as_str() == "text" => {
            index.keys = vec![IndexKey::expression(format!(
                "lower({})",
                ident(&column.name)
            ))];
            index.name = ns.choose(&tn, Some("lower"), "idx");
        }
        1 if matches!(column.ty.as_str(), "integer" | "bigint") => {
            index.predicate = Some(format!("({} > 0)", ident(&column.name)));
        }
        2 => {
            index.keys[0].descending = true;
            index.keys[0].nulls_first = rng.chance(70);
        }
        3 => {
            if let Some(other) = t.columns.iter().find(|c| c.name != column.name) {
                index.include.push(other.name.clone());
            }
        }
        4 if enum_constant(&column).is_some() => {
            // A constant of an enum type: recreating the type (a label
            // removed, or the down of one added) must move the index out
            // of its way and back.
            let constant = enum_constant(&column).unwrap_or_default();
            index.predicate = Some(format!("({} <> {constant})", ident(&column.name)));
        }
        _ => index.unique = rng.chance(30),
    }
    if index.name.is_empty() {
        index.name = ns.index(&tn, &index.keys, &index.include);
    }
    if rng.chance(20) {
        index.comment = rng.pick(COMMENTS).map(|s| s.to_string());
    }
    if rng.chance(15) {
        index.storage = vec!["fillfactor=90".into()];
    }
    let mut same = t.indexes.iter().map(|i| Index {
        name: String::new(),
        comment: None,
        ..i.clone()
    });
    let probe = Index {
        name: String::new(),
        comment: None,
        ..index.clone()
    };
    if same.any(|i| i == probe) {
        return false;
    }
    t.indexes.push(index);
    t.normalize();
    true
}

/// Adds a foreign key (and the columns it needs) from `table` to some
/// table with a key, possibly itself or one that points back.
pub(super) fn add_foreign_key(rng: &mut Rng, db: &mut Database, table: &QualifiedName) -> bool {
    let targets: Vec<(QualifiedName, Vec<Column>)> = db
        .tables
        .values()
        .flat_map(|t| {
            // PostgreSQL refuses a deferrable key as a foreign key's target.
            let mut keys: Vec<Vec<String>> = t
                .primary_key
                .iter()
                .filter(|p| p.deferrable.is_not())
                .map(|p| p.columns.clone())
                .collect();
            let usable = t.uniques.iter().filter(|u| u.deferrable.is_not());
            keys.extend(usable.map(|u| u.columns.clone()));
            keys.into_iter().filter_map(move |cols| {
                let columns: Option<Vec<Column>> =
                    cols.iter().map(|c| t.column(c).cloned()).collect();
                columns.map(|c| (t.name.clone(), c))
            })
        })
        .collect();
    let Some((target, ref_columns)) = rng.pick(&targets).cloned() else {
        return false;
    };
    let mut ns = namespace(db, &table.schema);
    let Some(t) = db.tables.get_mut(table) else {
        return false;
    };
    let mut columns = Vec::new();
    for rc in &ref_columns {
        let name = format!("{}_{}", target.name, rc.name);
        if t.column(&name).is_some() {
            return false;
        }
        t.columns.push(Column::new(name.clone(), rc.ty.clone()));
        columns.push(name);
    }
    let on_delete = *rng
        .pick(&[
            FkAction::NoAction,
            FkAction::Cascade,
            FkAction::SetNull,
            FkAction::Restrict,
        ])
        .unwrap_or(&FkAction::NoAction);
    let deferrable = if rng.chance(15) {
        Deferrable::InitiallyDeferred
    } else {
        Deferrable::NotDeferrable
    };
    t.foreign_keys.push(ForeignKey {
        not_valid: rng.chance(10),
        comment: None,
        name: ns.foreign_key(&table.name, &columns),
        columns,
        ref_table: target,
        ref_columns: ref_columns.iter().map(|c| c.name.clone()).collect(),
        on_delete,
        on_update: FkAction::NoAction,
        deferrable,
    });
    t.normalize();
    true
}

/// Tables and enum types only: what the models carry.
pub fn build_tables_and_enums(rng: &mut Rng) -> Database {
    let mut db = Database::default();
    db.schemas.insert("public".into());
    for s in EXTRA_SCHEMAS {
        if rng.chance(35) {
            db.schemas.insert(s.to_string());
        }
    }
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    for _ in 0..rng.below(3) {
        add_enum(rng, &mut db, &schemas);
    }
    for _ in 0..1 + rng.below(5) {
        add_table(rng, &mut db, &schemas);
    }
    let names: Vec<QualifiedName> = db.tables.keys().cloned().collect();
    for name in names {
        if rng.chance(45) {
            add_foreign_key(rng, &mut db, &name);
        }
    }
    super::table_options::keep_valid(&mut db);
    db.normalize();
    db
}

pub(super) fn add_enum(rng: &mut Rng, db: &mut Database, schemas: &[String]) -> bool {
    let (Some(schema), Some(name)) = (rng.pick(schemas), rng.pick(ENUM_NAMES)) else {
        return false;
    };
    let name = QualifiedName::new(schema.clone(), *name);
    if db.enums.contains_key(&name) {
        return false;
    }
    let comment = if rng.chance(20) {
        rng.pick(COMMENTS).map(|s| s.to_string())
    } else {
        None
    };
    db.add_enum(EnumType {
        name,
        labels: labels(rng),
        comment,
        renamed_from: None,
        renamed_labels: Default::default(),
    });
    true
}

pub(super) fn add_table(
    rng: &mut Rng,
    db: &mut Database,
    schemas: &[String],
) -> Option<QualifiedName> {
    let (schema, name) = (rng.pick(schemas)?, rng.pick(TABLE_NAMES)?);
    let name = QualifiedName::new(schema.clone(), *name);
    if db.tables.contains_key(&name) || namespace(db, schema).is_taken(&name.name) {
        return None;
    }
    let table = build_table(rng, db, name.clone());
    db.add_table(table);
    Some(name)
}
