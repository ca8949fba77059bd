"""The benchmark's schema as plain Python values, a seeded generator of it,
and its rendering as petal model files (Rust source the scanner reads).

Everything is drawn from one `random.Random(seed)`, and every collection
that reaches a file is a list in a fixed order, so one seed always gives
byte-identical model files.
"""

import copy
from dataclasses import dataclass, field

TABLES_PER_FILE = 50
ENUM_COUNT = 50

# (Rust type, sql_type override, candidate defaults, a check template or None)
SCALAR_TYPES = [
    ("i32", None, ["0", "1"], "{c} >= 0"),
    ("i64", None, ["0"], "{c} >= 0"),
    ("String", None, ["''", "'n/a'"], "char_length({c}) <= 500"),
    ("bool", None, ["false", "true"], None),
    ("f64", None, ["0"], "{c} >= 0"),
    ("DateTime<Utc>", None, ["now()"], None),
    ("NaiveDate", None, ["CURRENT_DATE"], None),
    ("Value", None, ["'{}'::jsonb"], None),
    ("Vec<String>", None, ["'{}'"], None),
    ("f64", "numeric(12,2)", ["0"], "{c} >= 0"),
]

# Column names by the type they hold, so the schema reads like a real one.
NAMES = {
    "i32": ["quantity", "position", "attempts", "priority", "rank", "capacity", "floor"],
    "i64": ["external_ref", "total_views", "bytes_used", "sequence_no"],
    "String": ["title", "code", "note", "label", "city", "email", "phone", "address"],
    "bool": ["is_active", "is_archived", "verified", "is_public", "paid"],
    "f64": ["weight", "ratio", "rating", "latitude", "longitude"],
    "DateTime<Utc>": ["created_at", "updated_at", "published_at", "expires_at"],
    "NaiveDate": ["due_on", "born_on", "starts_on", "ends_on"],
    "Value": ["metadata", "settings", "payload"],
    "Vec<String>": ["tags", "aliases", "keywords"],
    "numeric(12,2)": ["price", "amount", "balance", "discount"],
    "enum": ["status", "kind", "stage", "channel"],
}

NOUNS = [
    "orders", "invoices", "bouquets", "couriers", "shops", "stocks", "clients",
    "reviews", "coupons", "payments", "parcels", "flowers", "vases", "routes",
    "shifts", "notes", "events", "tickets", "rewards", "banners",
]

ENUM_WORDS = [
    "draft", "active", "on_hold", "closed", "archived", "pending", "rejected",
    "approved", "shipped", "returned",
]


@dataclass
class Column:
    name: str
    rust: str  # the Rust type inside Option<...>
    nullable: bool = True
    sql_type: str | None = None
    default: str | None = None
    references: str | None = None  # "table.id"
    on_delete: str | None = None
    index: bool = False
    unique: bool = False
    comment: str | None = None
    primary_key: bool = False
    enum: str | None = None  # the SQL name of its enum type
    kind: str = ""  # the key of NAMES it came from

    def rust_type(self):
        return f"Option<{self.rust}>" if self.nullable else self.rust


@dataclass
class Index:
    columns: list
    unique: bool = False
    where: str | None = None
    where_columns: list = field(default_factory=list)


@dataclass
class Check:
    expr: str
    columns: list
    name: str | None = None


@dataclass
class Table:
    name: str
    struct: str
    columns: list
    indexes: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    comment: str | None = None

    def column(self, name):
        return next(c for c in self.columns if c.name == name)

    def constrained(self):
        """Columns some index, constraint or key uses: edits leave these be
        unless the edit is about that very thing."""
        used = set()
        for c in self.columns:
            if c.primary_key or c.references or c.index or c.unique:
                used.add(c.name)
        for i in self.indexes:
            used.update(i.columns)
            used.update(i.where_columns)
        for k in self.checks:
            used.update(k.columns)
        return used


@dataclass
class EnumType:
    name: str
    rust: str
    labels: list


@dataclass
class Schema:
    enums: list
    tables: list  # in file order; file k holds tables[k*50:(k+1)*50]

    def copy(self):
        return copy.deepcopy(self)

    def table(self, name):
        return next(t for t in self.tables if t.name == name)

    def referenced(self):
        return {c.references.split(".")[0] for t in self.tables for c in t.columns if c.references}


def camel(snake):
    return "".join(part.capitalize() for part in snake.split("_"))


def generate(rng, table_count):
    enums = []
    for i in range(ENUM_COUNT):
        count = rng.randint(3, 6)
        labels = rng.sample(ENUM_WORDS, count)
        enums.append(EnumType(f"state_{i:02d}", f"State{i:02d}", labels))
    tables = []
    for i in range(table_count):
        tables.append(generate_table(rng, i, tables, enums))
    return Schema(enums, tables)


def generate_table(rng, i, earlier, enums):
    name = f"{NOUNS[i % len(NOUNS)]}_{i:04d}"
    columns = [Column("id", "i32", nullable=False, primary_key=True, kind="i32")]
    taken = {"id"}
    for target in rng.sample(earlier[-200:], min(len(earlier), rng.choice([0, 1, 1, 2]))):
        col = Column(f"{target.name}_id", "i32", nullable=rng.random() < 0.5, kind="fk")
        col.references = f"{target.name}.id"
        col.on_delete = rng.choice([None, "cascade", "set null" if col.nullable else "cascade"])
        columns.append(col)
        taken.add(col.name)
    width = rng.randint(10, 14)
    while len(columns) < width:
        columns.append(generate_column(rng, taken, enums))
    table = Table(name, camel(name), columns)
    add_indexes(rng, table)
    add_checks(rng, table)
    if rng.random() < 0.5:
        table.comment = f"{NOUNS[i % len(NOUNS)]} of shop {i}"
    if rng.random() < 0.3:
        col = rng.choice(columns[1:])
        col.comment = f"the {col.name.replace('_', ' ')}"
    return table


def generate_column(rng, taken, enums):
    if rng.random() < 0.12:
        enum = rng.choice(enums)
        kind = "enum"
        col = Column("", enum.rust, enum=enum.name, kind=kind)
        if rng.random() < 0.4:
            col.default = f"'{enum.labels[0]}'"
    else:
        rust, sql_type, defaults, _check = rng.choice(SCALAR_TYPES)
        kind = sql_type or rust
        col = Column("", rust, sql_type=sql_type, kind=kind)
        if rng.random() < 0.35:
            col.default = rng.choice(defaults)
    base = rng.choice(NAMES[kind])
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    col.name = name
    col.nullable = rng.random() < 0.55
    return col


def add_indexes(rng, table):
    plain = [c for c in table.columns if not c.primary_key and not c.references]
    indexable = [c for c in plain if c.kind not in ("Value", "Vec<String>")]
    for _ in range(rng.randint(1, 3)):
        free = [c for c in indexable if c.name not in table.constrained()]
        if len(free) < 2:
            break
        style = rng.choice(["field", "unique", "partial", "multi"])
        a, b = rng.sample(free, 2)
        if style == "field":
            a.index = True
        elif style == "unique":
            if rng.random() < 0.5:
                a.unique = True
            else:
                table.indexes.append(Index([a.name], unique=True))
        elif style == "partial":
            on = a if a.nullable else b
            table.indexes.append(Index([a.name], where=f"{on.name} IS NOT NULL",
                                       where_columns=[on.name]))
        else:
            table.indexes.append(Index([a.name, b.name]))


def add_checks(rng, table):
    if rng.random() >= 0.4:
        return
    for col in table.columns:
        template = check_template(col)
        if template and not col.primary_key and col.name not in table.constrained():
            table.checks.append(Check(template.format(c=col.name), [col.name]))
            return


def check_template(col):
    for rust, sql_type, _defaults, template in SCALAR_TYPES:
        if col.kind == (sql_type or rust) and col.rust == rust:
            return template
    return None


def literal(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_enum(enum):
    lines = [
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, DbEnum)]",
        f"#[petal(name = {literal(enum.name)})]",
        f"pub enum {enum.rust} {{",
    ]
    lines += [f"    {camel(label)}," for label in enum.labels]
    return "\n".join(lines + ["}", ""])


def render_table(table):
    lines = ["#[derive(Debug, Clone, Table)]", f"#[petal(table = {literal(table.name)})]"]
    if table.comment is not None:
        lines.append(f"#[petal(comment = {literal(table.comment)})]")
    for index in table.indexes:
        parts = [f"columns({', '.join(index.columns)})"]
        if index.unique:
            parts.append("unique")
        if index.where:
            parts.append(f"where = {literal(index.where)}")
        lines.append(f"#[petal(index({', '.join(parts)}))]")
    for check in table.checks:
        name = f"name = {literal(check.name)}, " if check.name else ""
        lines.append(f"#[petal(check({name}expr = {literal(check.expr)}))]")
    lines.append(f"pub struct {table.struct} {{")
    for col in table.columns:
        settings = column_settings(col)
        if settings:
            lines.append(f"    #[petal({', '.join(settings)})]")
        lines.append(f"    pub {col.name}: {col.rust_type()},")
    return "\n".join(lines + ["}", ""])


def column_settings(col):
    settings = []
    if col.primary_key:
        settings.append("primary_key")
    if col.sql_type:
        settings.append(f"sql_type = {literal(col.sql_type)}")
    if col.default is not None:
        settings.append(f"default = {literal(col.default)}")
    if col.references:
        settings.append(f"references = {literal(col.references)}")
        if col.on_delete:
            settings.append(f"on_delete = {literal(col.on_delete)}")
    if col.unique:
        settings.append("unique")
    if col.index:
        settings.append("index")
    if col.comment is not None:
        settings.append(f"comment = {literal(col.comment)}")
    return settings


PREAMBLE = """//! Generated by scripts/bench-autogen (seeded): do not edit by hand.

use chrono::{DateTime, NaiveDate, Utc};
use petal::{DbEnum, Table};
use serde_json::Value;
"""


def render_files(schema, file_count):
    """{file name: contents}: the enums in `enums.rs`, the tables in
    `file_count` files, in slots fixed by the table's original position so an
    added or dropped table touches one file only."""
    files = {"enums.rs": PREAMBLE + "\n" + "\n".join(render_enum(e) for e in schema.enums)}
    slots = [[] for _ in range(file_count)]
    for table in schema.tables:
        slots[min(table_slot(table), file_count - 1)].append(render_table(table))
    for k, bodies in enumerate(slots):
        files[f"tables_{k:02d}.rs"] = PREAMBLE + "\n" + "\n".join(bodies)
    return files


def table_slot(table):
    return int(table.name.rsplit("_", 1)[1]) // TABLES_PER_FILE


def file_count(table_count):
    return max(1, (table_count + TABLES_PER_FILE - 1) // TABLES_PER_FILE)
