"""A seeded generator of what the benchmark's SQL files declare: views (over
one table, over several, over other views), functions (PL/pgSQL trigger
functions, LANGUAGE sql with string bodies, BEGIN ATOMIC bodies on
PostgreSQL 14+, a few PL/pgSQL ones that are no trigger's), triggers on the
tables, standalone sequences, and comments on a fifth of them.

The counts scale with the tables: 30% views, functions and triggers, 10%
sequences. An object reads only what the model edits leave as it was (no
dropped table, no dropped or retyped column), so the intended edits to the
models change none of them. Everything is drawn from one
`random.Random(seed)` in a fixed order: one seed, one schema.
"""

from sqlobjects import Function, Sequence, SqlSchema, Trigger, View, quote

MODULES = ["billing", "catalog", "delivery", "inventory", "loyalty", "marketing",
           "orders", "payments", "staff", "support", "stores", "warehouse"]

NUMERIC = ("numeric(12,2)", "f64", "i32", "i64")


def object_counts(table_count):
    share = round(table_count * 0.3)
    return {"views": share, "functions": share, "triggers": share,
            "sequences": max(1, round(table_count * 0.1))}


def stable_tables(base, edited):
    """[(table, columns)]: the tables the model edits keep, each with the
    columns they keep as they were (name and type; a changed default or
    nullability changes no view)."""
    kept = {t.name: t for t in edited.tables}
    out = []
    for table in base.tables:
        after = kept.get(table.name)
        if after is None:
            continue
        same = {c.name: c for c in after.columns}
        columns = [c for c in table.columns
                   if c.name in same and (same[c.name].rust, same[c.name].sql_type,
                                          same[c.name].enum) == (c.rust, c.sql_type, c.enum)]
        out.append((table, columns))
    return out


class Generator:
    def __init__(self, rng, base, edited, atomic):
        self.rng = rng
        self.atomic = atomic
        self.tables = stable_tables(base, edited)
        self.by_name = {t.name: (t, cols) for t, cols in self.tables}
        n = len(base.tables)
        self.modules = [MODULES[k % len(MODULES)] + ("" if k < len(MODULES) else f"_{k}")
                        for k in range(max(2, round(n / 100)))]
        self.slot = {t.name: i * len(self.modules) // n for i, t in enumerate(base.tables)}
        self.counts = object_counts(n)
        self.names = set()
        self.schema = SqlSchema(self.modules, [], [], [], [])

    def unique(self, name):
        name = name[:60]
        base, k = name, 2
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        return name

    def table(self, want=None):
        """A random stable table (and its stable columns), optionally one
        with a column whose kind `want` accepts."""
        tables = [(t, c) for t, c in self.tables
                  if want is None or any(want(col) for col in c)]
        return self.rng.choice(tables)

    def commented(self, obj, what):
        if self.rng.random() < 0.2:
            obj.comment = f"{what} ({self.modules[obj.module]})"
        return obj

    def run(self):
        c = self.counts
        triggers = c["functions"] // 3
        atomic = max(1, c["functions"] // 20) if self.atomic else 0
        rest = c["functions"] - triggers - atomic
        scalar = max(3, rest * 2 // 5)
        for k in range(scalar):
            self.scalar_function(k)
        for s in range(c["sequences"]):
            self.sequence(s)
        generic = max(2, triggers // 5)
        for k in range(generic):
            self.generic_trigger_function(k)
        for k in range(triggers - generic):
            self.own_trigger(k)
        while len(self.schema.triggers) < c["triggers"]:
            self.generic_trigger(len(self.schema.triggers), generic)
        others = ["reader", "reader", "plpgsql", "setof", "nextval"]
        for k in range(rest - scalar):
            getattr(self, f"{others[k % len(others)]}_function")(k)
        for k in range(atomic):
            self.atomic_function(k)
        for k in range(c["views"]):
            self.view(k)
        return self.schema

    # functions

    def add_function(self, **kw):
        f = Function(**kw)
        self.schema.functions.append(self.commented(f, f"function {f.name}"))
        return f

    def scalar_function(self, k):
        template = k % 4
        if template == 0:
            self.add_function(
                name=self.unique(f"gross_{k:03d}"),
                args="amount numeric, rate numeric DEFAULT 0.12",
                types="numeric, numeric", returns="numeric", language="sql",
                attributes="IMMUTABLE", body="SELECT round(amount * (1 + rate), 2)",
                role="scalar:money", module=self.rng.randrange(len(self.modules)))
        elif template == 1:
            self.add_function(
                name=self.unique(f"label_{k:03d}"), args="value text", types="text",
                returns="text", language="sql", attributes="IMMUTABLE",
                body=f"SELECT upper(left(coalesce(value, ''), {self.rng.randint(3, 40)}))",
                role="scalar:String", module=self.rng.randrange(len(self.modules)),
                style=int(k % 3 == 1))
        elif template == 2:
            self.add_function(
                name=self.unique(f"age_days_{k:03d}"), args="at timestamp with time zone",
                types="timestamp with time zone", returns="integer", language="sql",
                attributes="STABLE", body="SELECT extract(day FROM now() - at)::integer",
                role="scalar:DateTime<Utc>", module=self.rng.randrange(len(self.modules)))
        else:
            self.add_function(
                name=self.unique(f"days_left_{k:03d}"), args="d date", types="date",
                returns="integer", language="sql", attributes="STABLE",
                body="SELECT d - CURRENT_DATE", role="scalar:NaiveDate",
                module=self.rng.randrange(len(self.modules)))

    def reader_function(self, k):
        table, cols = self.table()
        stamps = [c for c in cols if c.kind == "DateTime<Utc>"]
        if stamps:
            col = self.rng.choice(stamps).name
            args, types, cond = "since timestamp with time zone", "timestamp with time zone", \
                f"{col} >= since"
        else:
            args, types, cond = "min_id integer", "integer", "id > min_id"
        self.add_function(
            name=self.unique(f"count_{table.name}"), args=args, types=types, returns="bigint",
            language="sql", attributes="STABLE", style=k % 2,
            body=f"SELECT count(*) FROM {table.name} WHERE {cond}", role="reader",
            module=self.slot[table.name], table=table.name)

    def plpgsql_function(self, k):
        table, cols = self.table()
        col = self.rng.choice(cols).name
        body = ("DECLARE\n    result text;\nBEGIN\n"
                f"    SELECT concat_ws(' ', t.id, t.{col}) INTO result\n"
                f"    FROM {table.name} AS t WHERE t.id = p_id;\n"
                "    RETURN coalesce(result, 'none');\nEND;")
        self.add_function(
            name=self.unique(f"{table.name}_describe"), args="p_id integer", types="integer",
            returns="text", language="plpgsql", attributes="STABLE", body=body, role="plpgsql",
            module=self.slot[table.name], table=table.name, style=k % 2)

    def setof_function(self, k):
        table, _ = self.table()
        self.add_function(
            name=self.unique(f"{table.name}_page"),
            args="p_limit integer DEFAULT 50, p_offset integer DEFAULT 0",
            types="integer, integer", returns=f"SETOF {table.name}", language="sql",
            attributes="STABLE", role="setof", module=self.slot[table.name], table=table.name,
            body=f"SELECT * FROM {table.name} ORDER BY id LIMIT p_limit OFFSET p_offset")

    def nextval_function(self, k):
        seq = self.rng.choice(self.schema.sequences)
        self.add_function(
            name=self.unique(f"next_{seq.name}"), args="", types="", returns="bigint",
            language="sql", body=f"SELECT nextval('{seq.name}')", role="nextval",
            module=seq.module)

    def atomic_function(self, k):
        table, cols = self.table(lambda c: c.nullable and c.kind != "fk")
        col = self.rng.choice([c for c in cols if c.nullable and c.kind != "fk"]).name
        body = (f"    SELECT count(*)\n    FROM {table.name}\n"
                f"    WHERE {table.name}.id > p_min AND {table.name}.{col} IS NOT NULL;")
        self.add_function(
            name=self.unique(f"{table.name}_filled"), args="p_min integer DEFAULT 0",
            types="integer", returns="bigint", language="sql", attributes="STABLE",
            atomic=True, body=body, role="atomic", module=self.slot[table.name],
            table=table.name)

    # trigger functions and triggers

    def generic_trigger_function(self, k):
        bodies = [
            ("audit", "BEGIN\n    PERFORM pg_notify('audit', TG_TABLE_NAME || ':' || TG_OP);\n"
                      "    RETURN NULL;\nEND;"),
            ("log", "BEGIN\n    RAISE NOTICE '%: % on %', TG_ARGV[0], TG_OP, TG_TABLE_NAME;\n"
                    "    RETURN coalesce(NEW, OLD);\nEND;"),
            ("keep", "BEGIN\n    RAISE EXCEPTION 'rows of % are kept', TG_TABLE_NAME;\nEND;"),
        ]
        purpose, body = bodies[k % len(bodies)]
        self.add_function(
            name=self.unique(f"{purpose}_rows_{k:02d}"), args="", types="", returns="trigger",
            language="plpgsql", body=body, role=f"trigger:{purpose}",
            module=self.rng.randrange(len(self.modules)), style=int(k % 4 == 3))

    def add_trigger(self, **kw):
        t = Trigger(**kw)
        t.disabled = self.rng.random() < 0.03
        t.procedure = self.rng.random() < 0.1
        self.schema.triggers.append(self.commented(t, f"trigger {t.name}"))
        return t

    def own_trigger(self, k):
        """A trigger function for one table, and its trigger."""
        def fits(c):
            return c.kind in ("DateTime<Utc>", "String") + NUMERIC and not c.primary_key

        table, cols = self.table(fits)
        fit = [c for c in cols if fits(c)]
        col = self.rng.choice(fit)
        module = self.slot[table.name]
        if col.kind == "DateTime<Utc>":
            purpose, body = "touch", f"BEGIN\n    NEW.{col.name} := now();\n    RETURN NEW;\nEND;"
            timing, events, when = "BEFORE", "UPDATE", None
        elif col.kind == "String":
            purpose = "trim"
            body = f"BEGIN\n    NEW.{col.name} := btrim(NEW.{col.name});\n    RETURN NEW;\nEND;"
            timing, events, when = "BEFORE", "INSERT OR UPDATE", f"NEW.{col.name} IS NOT NULL"
        else:
            purpose = "guard"
            body = (f"BEGIN\n    IF NEW.{col.name} < 0 THEN\n"
                    f"        RAISE EXCEPTION '{table.name}.{col.name} must not be negative, "
                    f"got %', NEW.{col.name};\n    END IF;\n    RETURN NEW;\nEND;")
            timing, events, when = "BEFORE", f"INSERT OR UPDATE OF {col.name}", None
        f = self.add_function(
            name=self.unique(f"{table.name}_{purpose}"), args="", types="", returns="trigger",
            language="plpgsql", body=body, role="trigger:own", module=module, table=table.name,
            style=int(k % 5 == 4))
        self.add_trigger(name=self.unique(f"trg_{len(self.schema.triggers):03d}_{purpose}"),
                         table=table.name, timing=timing, events=events, row=True,
                         function=f.name, module=module, when=when)

    def generic_trigger(self, k, generic):
        f = self.rng.choice([f for f in self.schema.functions if f.role.startswith("trigger:")
                             and f.role != "trigger:own"])
        purpose = f.role.split(":")[1]
        table, cols = self.table()
        when, args = None, ""
        if purpose == "audit":
            row = self.rng.random() < 0.5
            timing, events = "AFTER", self.rng.choice(
                ["INSERT OR UPDATE OR DELETE", "INSERT", "DELETE", "UPDATE"])
            if not row and self.rng.random() < 0.3:
                events = "TRUNCATE"
        elif purpose == "log":
            row, timing, events, args = True, "BEFORE", "UPDATE", quote(table.name)
            plain = [c for c in cols if c.kind not in ("Value", "Vec<String>", "fk")
                     and not c.primary_key]
            if plain and self.rng.random() < 0.6:
                c = self.rng.choice(plain).name
                when = f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        else:
            row, timing, events = True, "BEFORE", "DELETE"
        self.add_trigger(name=self.unique(f"trg_{k:03d}_{purpose}"), table=table.name,
                         timing=timing, events=events, row=row, function=f.name,
                         module=self.slot[table.name], when=when, args=args)

    def sequence(self, s):
        kind = self.rng.choice(["bigint", "bigint", "integer"])
        seq = Sequence(
            name=self.unique(f"{self.modules[s % len(self.modules)]}_no_{s:03d}"), type=kind,
            start=self.rng.randint(1, 1000), increment=self.rng.choice([1, 1, 1, 2, 5, 10]),
            cache=self.rng.choice([1, 1, 10, 20]), cycle=self.rng.random() < 0.1,
            maxvalue=999999 if kind == "integer" and self.rng.random() < 0.5 else None,
            module=s % len(self.modules))
        self.schema.sequences.append(self.commented(seq, f"numbers of {seq.name}"))

    # views

    def scalar_for(self, kind):
        want = "money" if kind in NUMERIC else kind
        fits = [f for f in self.schema.functions if f.role == f"scalar:{want}"]
        return self.rng.choice(fits) if fits else None

    def call(self, view, kind, expr, alias):
        """`expr` through a scalar function for its kind, if there is one."""
        f = self.scalar_for(kind)
        if f is None:
            return None
        view.calls.append(f.name)
        cast = "::numeric" if kind in ("f64", "i32", "i64") else ""
        out = {"scalar:money": "money", "scalar:String": "String"}.get(f.role, "i32")
        return f"{f.name}({expr}{cast}) AS {alias}", (alias, out)

    def view(self, k):
        share = self.rng.random()
        if share < 0.35 and len([v for v in self.schema.views if v.has("id")]) >= 2:
            return self.report_view(k)
        children = [(t, c) for t, c in self.tables
                    if any(col.references and col.references.split(".")[0] in self.by_name
                           for col in c)]
        if share < 0.55 and children:
            return self.join_view(k, self.rng.choice(children))
        return self.table_view(k)

    def add_view(self, v):
        self.schema.views.append(self.commented(v, f"view {v.name}"))
        return v

    def pick_columns(self, cols, count, prefix, alias):
        plain = [c for c in cols if not c.primary_key]
        chosen = self.rng.sample(plain, min(count, len(plain)))
        return ([f"{alias}.{c.name} AS {prefix}{c.name}" for c in chosen],
                [(f"{prefix}{c.name}", c.kind) for c in chosen], chosen)

    def table_view(self, k):
        table, cols = self.table()
        module = self.slot[table.name]
        groupable = [c for c in cols if c.kind in ("enum", "bool", "NaiveDate", "String")]
        if groupable and self.rng.random() < 0.3:
            g = self.rng.choice(groupable)
            v = View(self.unique(f"{table.name}_by_{g.name}"),
                     [f"t.{g.name}", "count(*) AS n", "max(t.id) AS last_id"],
                     f"{table.name} AS t", [(g.name, g.kind), ("n", "i64"), ("last_id", "i32")],
                     module, False, group_by=[f"t.{g.name}"])
            nums = [c for c in cols if c.kind in NUMERIC and not c.primary_key]
            if nums:
                c = self.rng.choice(nums)
                v.select.append(f"sum(t.{c.name}) AS total_{c.name}")
                v.columns.append((f"total_{c.name}", "money"))
            return self.add_view(v)
        select, columns, chosen = self.pick_columns(cols, self.rng.randint(2, 5), "", "t")
        suffix = self.rng.choice(["active", "list", "recent", "open"])
        v = View(self.unique(f"{table.name}_{suffix}"),
                 ["t.id", *select], f"{table.name} AS t", [("id", "i32"), *columns], module,
                 False, origin=table.name)
        for c in chosen[:2]:
            extra = self.call(v, c.kind, f"t.{c.name}", f"{c.name}_x")
            if extra and self.rng.random() < 0.5:
                v.select.append(extra[0])
                v.columns.append(extra[1])
        nullable = [c for c in chosen if c.nullable]
        if nullable:
            v.where.append(f"t.{self.rng.choice(nullable).name} IS NOT NULL")
        return self.add_view(v)

    def join_view(self, k, child):
        table, cols = child
        links = [c for c in cols if c.references and c.references.split(".")[0] in self.by_name]
        select, columns, _ = self.pick_columns([c for c in cols if not c.references],
                                               self.rng.randint(1, 3), "", "c")
        v = View("", ["c.id", *select], f"{table.name} AS c", [("id", "i32"), *columns],
                 self.slot[table.name], False, origin=table.name)
        for n, link in enumerate(links[:2]):
            parent, pcols = self.by_name[link.references.split(".")[0]]
            alias = f"p{n}"
            join = "JOIN" if not link.nullable else "LEFT JOIN"
            v.source += f"\n{join} {parent.name} AS {alias} ON {alias}.id = c.{link.name}"
            more, mcols, _ = self.pick_columns(pcols, self.rng.randint(1, 2), f"{alias}_", alias)
            v.select += more
            v.columns += mcols
        v.name = self.unique(f"{table.name}_with_{links[0].references.split('.')[0]}")
        return self.add_view(v)

    def report_view(self, k):
        with_id = [v for v in self.schema.views if v.has("id")]
        a = self.rng.choice(with_id)
        v = View(self.unique(f"report_{k:03d}"), ["a.id"], f"{a.name} AS a", [("id", "i32")],
                 self.rng.randrange(len(self.modules)), True, reads=[a.name], origin=a.origin)
        for name, kind in self.rng.sample(a.columns[1:], min(2, len(a.columns) - 1)):
            extra = self.call(v, kind, f"a.{name}", f"{name}_r") if kind in NUMERIC else None
            v.select.append(extra[0] if extra else f"a.{name}")
            v.columns.append(extra[1] if extra else (name, kind))
        if self.rng.random() < 0.5:
            b = self.rng.choice([w for w in with_id if w is not a])
            v.source += f"\nJOIN {b.name} AS b ON b.id = a.id"
            v.reads.append(b.name)
            names = {c for c, _ in v.columns}
            for name, kind in b.columns[1:2]:
                alias = name if name not in names else f"b_{name}"
                v.select.append(f"b.{name} AS {alias}")
                v.columns.append((alias, kind))
        elif a.origin and self.rng.random() < 0.5:
            table, cols = self.by_name[a.origin]
            v.source += f"\nJOIN {table.name} AS t ON t.id = a.id"
            v.where.append("t.id > 0")
        return self.add_view(v)


def generate(rng, base, edited, atomic):
    """The SQL files' objects over `base`, each still valid over `edited`."""
    return Generator(rng, base, edited, atomic).run()
