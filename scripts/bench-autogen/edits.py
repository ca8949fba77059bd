"""The 57 model edits the benchmark makes, each with the change (or the few
changes) `petal diff --format json` must report for it.

Every edit lands on its own table where the schema is big enough, on
columns no other index or constraint uses, so each edit's expected changes
are exactly known; "~5% of tables change" at 1,000 tables.
"""

from models import Check, Column, EnumType, Index, Table, camel  # noqa: F401

# How many edits of each kind: 6*8 + 5 + 2 + 1 + 1 = 57.
PLAN = [
    ("added column", 6),
    ("dropped column", 6),
    ("type change", 6),
    ("nullability change", 6),
    ("new index", 6),
    ("dropped foreign key", 5),
    ("changed default", 6),
    ("added check", 6),
    ("changed comment", 6),
    ("enum label added", 2),
    ("table added", 1),
    ("table dropped", 1),
]

# A change petal reports is identified by its kind and the object it is on.
# `detail` maps a key to a predicate over the JSON change that says whether
# the change is the right one (the right type, value, label position...).


class Expected:
    def __init__(self, kind, description):
        self.kind = kind
        self.description = description
        self.parts = []  # (key, predicate or None, what the predicate wants)

    def expect(self, key, predicate=None, wanted=""):
        self.parts.append((key, predicate, wanted))
        return self


def free_columns(table, kinds=None, nullable=None, with_default=None):
    used = table.constrained()
    out = []
    for c in table.columns:
        if c.primary_key or c.references or c.name in used:
            continue
        if kinds is not None and c.kind not in kinds:
            continue
        if nullable is not None and c.nullable != nullable:
            continue
        if with_default is not None and (c.default is not None) != with_default:
            continue
        out.append(c)
    return out


class Editor:
    """Applies the plan to a copy of the schema, one table per edit while
    untouched tables last."""

    def __init__(self, schema, rng):
        self.schema = schema
        self.rng = rng
        self.touched = set()
        self.edited = set()  # id() of every column an edit made or changed
        self.expected = []

    def pick(self, eligible):
        """A table for which `eligible(table)` gives a non-empty list, and
        an element of that list; untouched tables first."""
        def fresh(table):
            return [x for x in eligible(table) if id(x) not in self.edited]

        for allow_touched in (False, True):
            tables = [
                t for t in self.schema.tables
                if (allow_touched or t.name not in self.touched) and fresh(t)
            ]
            if tables:
                table = self.rng.choice(tables)
                self.touched.add(table.name)
                item = self.rng.choice(fresh(table))
                if isinstance(item, Column):
                    self.edited.add(id(item))
                return table, item
        raise SystemExit("the schema is too small for the edit plan: use more --tables")

    def run(self):
        self.drop_table()
        for kind, count in PLAN:
            if kind == "table dropped":
                continue
            for n in range(count):
                getattr(self, kind.replace(" ", "_"))(n)
        return self.expected

    def note(self, kind, description):
        e = Expected(kind, description)
        self.expected.append(e)
        return e

    def added_column(self, n):
        choices = [
            ("String", True, None, "text"),
            ("bool", False, "false", "boolean"),
            ("i64", True, None, "bigint"),
            ("DateTime<Utc>", True, "now()", "timestamp with time zone"),
        ]
        rust, nullable, default, sql = choices[n % len(choices)]
        table, _ = self.pick(lambda t: [t])
        col = Column(f"added_{n}", rust, nullable=nullable, default=default, kind=rust)
        table.columns.append(col)
        self.edited.add(id(col))
        self.note("added column", f"{table.name}.{col.name} {col.rust_type()}").expect(
            ("add_column", table.name, col.name),
            lambda ch, sql=sql, nullable=nullable: type_text(ch["column"]["type"]) == sql
            and ch["column"]["nullable"] == nullable,
            f"type {sql}, nullable {nullable}",
        )

    def dropped_column(self, n):
        table, col = self.pick(free_columns)
        table.columns.remove(col)
        self.note("dropped column", f"{table.name}.{col.name}").expect(
            ("drop_column", table.name, col.name)
        )

    def type_change(self, n):
        conversions = {
            "i32": ("i64", None, "bigint"),
            "f64": ("f64", "numeric(12,2)", "numeric(12,2)"),
            "String": ("String", "varchar(200)", "character varying(200)"),
            "numeric(12,2)": ("f64", "numeric(14,2)", "numeric(14,2)"),
        }
        table, col = self.pick(lambda t: free_columns(t, conversions, with_default=False))
        rust, sql_type, sql = conversions[col.kind]
        before = col.sql_type or col.rust
        col.rust, col.sql_type = rust, sql_type
        self.note("type change", f"{table.name}.{col.name} {before} -> {sql}").expect(
            ("alter_column_type", table.name, col.name),
            lambda ch, sql=sql: type_text(ch["to"]) == sql,
            f"to {sql}",
        )

    def nullability_change(self, n):
        want_nullable = n % 2 == 0
        table, col = self.pick(lambda t: free_columns(t, nullable=not want_nullable))
        col.nullable = want_nullable
        self.note("nullability change", f"{table.name}.{col.name} nullable={want_nullable}").expect(
            ("set_nullable", table.name, col.name),
            lambda ch, w=want_nullable: ch["to"] == w,
            f"nullable {want_nullable}",
        )

    def new_index(self, n):
        indexable = [k for k in ("i32", "i64", "String", "bool", "f64", "DateTime<Utc>",
                                 "NaiveDate", "numeric(12,2)", "enum")]
        if n % 2 == 0:
            table, col = self.pick(lambda t: free_columns(t, indexable))
            col.index = True
            columns = (col.name,)
        else:
            table, col = self.pick(
                lambda t: free_columns(t, indexable) if len(free_columns(t, indexable)) >= 2 else []
            )
            other = self.rng.choice([c for c in free_columns(table, indexable)
                                     if c is not col and id(c) not in self.edited])
            self.edited.add(id(other))
            table.indexes.append(Index([col.name, other.name]))
            columns = (col.name, other.name)
        self.note("new index", f"{table.name} ({', '.join(columns)})").expect(
            ("create_index", table.name, columns)
        )

    def dropped_foreign_key(self, n):
        table, col = self.pick(lambda t: [c for c in t.columns if c.references])
        target = col.references
        col.references, col.on_delete = None, None
        self.note("dropped foreign key", f"{table.name}.{col.name} -> {target}").expect(
            ("drop_foreign_key", table.name, (col.name,))
        )

    def changed_default(self, n):
        new_default = {
            "i32": {"0": "1", "1": "0"}, "i64": {"0": "42"}, "f64": {"0": "1.5"},
            "numeric(12,2)": {"0": "9.99"}, "String": {"''": "'n/a'", "'n/a'": "''"},
            "bool": {"false": "true", "true": "false"}, "Value": {"'{}'::jsonb": "'[]'::jsonb"},
            "Vec<String>": {"'{}'": "'{none}'"},
        }
        table, col = self.pick(
            lambda t: [c for c in free_columns(t, with_default=True)
                       if c.default in new_default.get(c.kind, {}) or c.kind == "enum"]
        )
        before = col.default
        if col.kind == "enum":
            enum = next(e for e in self.schema.enums if e.name == col.enum)
            col.default = f"'{enum.labels[-1]}'"
        else:
            col.default = new_default[col.kind][col.default]
        core = col.default.split("::")[0]
        self.note("changed default", f"{table.name}.{col.name} {before} -> {col.default}").expect(
            ("set_default", table.name, col.name),
            lambda ch, core=core: (ch.get("to") or "").startswith(core),
            f"to {core}...",
        )

    def added_check(self, n):
        templates = {"i32": "{c} >= 0", "i64": "{c} >= 0", "f64": "{c} >= 0",
                     "numeric(12,2)": "{c} >= 0", "String": "{c} <> ''"}
        table, col = self.pick(lambda t: free_columns(t, templates))
        name = f"{table.name}_{col.name}_sane" if n % 2 else None
        table.checks.append(Check(templates[col.kind].format(c=col.name), [col.name], name))
        self.note("added check", f"{table.name} CHECK ({table.checks[-1].expr})").expect(
            ("add_check", table.name),
            lambda ch, c=col.name, name=name: c in ch["check"]["expr"]
            and (name is None or ch["check"]["name"] == name),
            f"an expression on {col.name}" + (f" named {name}" if name else ""),
        )

    def changed_comment(self, n):
        if n % 2 == 0:
            table, _ = self.pick(lambda t: [t] if t.comment else [])
            table.comment = f"{table.comment}, revised {n}"
            self.note("changed comment", f"table {table.name}").expect(
                ("set_table_comment", table.name),
                lambda ch, text=table.comment: ch.get("to") == text,
                f"to {table.comment!r}",
            )
        else:
            table, col = self.pick(lambda t: [c for c in t.columns if c.comment])
            col.comment = f"{col.comment}, revised {n}"
            self.note("changed comment", f"column {table.name}.{col.name}").expect(
                ("set_column_comment", table.name, col.name),
                lambda ch, text=col.comment: ch.get("to") == text,
                f"to {col.comment!r}",
            )

    def enum_label_added(self, n):
        enum = self.schema.enums[(7 + 13 * n) % len(self.schema.enums)]
        label = "expired" if n == 0 else "refunded"
        # One label appended, one inserted (ADD VALUE ... BEFORE).
        position = len(enum.labels) if n == 0 else 1
        enum.labels.insert(position, label)
        self.note("enum label added", f"{enum.name} + {label} at {position}").expect(
            ("add_enum_label", enum.name, label),
            lambda ch, p=position: ch["index"] == p,
            f"at index {position}",
        )

    def table_added(self, n):
        number = len(self.schema.tables) + 1  # past every generated table
        name = f"added_table_{number:04d}"
        target = self.rng.choice([t for t in self.schema.tables[:-1]
                                  if t.name != self.dropped])
        fk = Column(f"{target.name}_id", "i32", nullable=True, kind="fk",
                    references=f"{target.name}.id", on_delete="set null")
        cols = [
            Column("id", "i64", nullable=False, primary_key=True, kind="i64"),
            fk,
            Column("code", "String", nullable=False, unique=True, kind="String"),
            Column("amount", "f64", sql_type="numeric(12,2)", default="0", kind="numeric(12,2)"),
            Column("created_at", "DateTime<Utc>", nullable=False, default="now()",
                   kind="DateTime<Utc>"),
        ]
        table = Table(name, camel(name), cols, comment="added by the benchmark")
        table.indexes.append(Index(["created_at"], where="amount IS NOT NULL",
                                   where_columns=["amount"]))
        table.checks.append(Check("amount >= 0", ["amount"]))
        self.schema.tables.append(table)
        self.note("table added", f"{name} (with a foreign key to {target.name})") \
            .expect(("create_table", name)) \
            .expect(("add_foreign_key", name, (fk.name,)),
                    lambda ch: ch.get("new_table") is True, "new_table true")

    def drop_table(self):
        referenced = self.schema.referenced()
        candidates = [t for t in self.schema.tables
                      if t.name not in referenced and any(c.references for c in t.columns)]
        table = self.rng.choice(candidates)
        self.schema.tables.remove(table)
        self.touched.add(table.name)
        self.dropped = table.name
        e = self.note("table dropped", f"{table.name} (with its foreign keys)")
        e.expect(("drop_table", table.name))
        for col in table.columns:
            if col.references:
                e.expect(("drop_foreign_key", table.name, (col.name,)))


def type_text(ty):
    """The SQL type of a column or change as text, whatever shape the JSON
    gives it (a string, or an object holding one: {"type": ...})."""
    if isinstance(ty, str):
        return ty
    if isinstance(ty, dict):
        for key in ("type", "name", "text", "sql"):
            if isinstance(ty.get(key), str):
                return ty[key]
    return str(ty)


def apply_plan(schema, rng):
    """Edits `schema` in place; returns the list of `Expected` and the
    names of the tables the edits touched."""
    editor = Editor(schema, rng)
    expected = editor.run()
    keys = [key for e in expected for key, _, _ in e.parts]
    if len(keys) != len(set(keys)):
        raise SystemExit("two planned edits would report the same change: try another --seed")
    return expected, editor.touched


def warm_edit(schema, k, touched):
    """The k-th warm edit: one more column on one table no planned edit
    touched; returns its expected change."""
    table = next(t for t in schema.tables if t.name not in touched)
    col = Column(f"warm_{k}", "i32", nullable=True, kind="i32")
    table.columns.append(col)
    return Expected("warm edit", f"{table.name}.{col.name}").expect(
        ("add_column", table.name, col.name)
    )
