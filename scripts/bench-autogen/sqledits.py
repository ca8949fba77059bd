"""The edits to the SQL files the benchmark makes beside the 57 model edits,
one object each, with the change `petal diff --format json` must report for
it; and the warm edit that changes one SQL file only."""

from edits import Expected
from sqlobjects import Trigger, View

MARK = 31337  # in every edited body or query, for the check to find

# What is edited, in this order: 9 edits, 9 changes.
SQL_PLAN = [
    "view dropped",
    "view query changed",
    "view added",
    "function body changed",
    "trigger function body changed",
    "atomic body changed",
    "trigger dropped",
    "trigger added",
    "sequence increment changed",
]


def mark_in_definition(ch):
    return str(MARK) in ch["to"]["definition"]


class SqlEditor:
    def __init__(self, schema, rng, atomic):
        self.schema = schema
        self.rng = rng
        self.atomic = atomic
        self.used = set()  # what an edit changed, left alone by the others
        self.expected = []

    def choose(self, items, what):
        items = [x for x in items if x.name not in self.used]
        if not items:
            raise SystemExit(f"the SQL files hold no object for the edit '{what}': "
                             "use more --tables")
        item = self.rng.choice(items)
        self.used.add(item.name)
        return item

    def note(self, kind, description, key, predicate=None, wanted=""):
        e = Expected(kind, description).expect(key, predicate, wanted)
        self.expected.append(e)

    def run(self):
        for kind in SQL_PLAN:
            getattr(self, kind.replace(" ", "_"))()
        return self.expected

    def read_views(self):
        return {name for v in self.schema.views for name in v.reads}

    def view_dropped(self):
        leaves = [v for v in self.schema.views if v.report and v.name not in self.read_views()]
        v = self.choose(leaves, "view dropped")
        self.schema.views.remove(v)
        self.note("view dropped", f"{v.name} (read by no other view)", ("drop_view", v.name))

    def view_query_changed(self):
        plain = [v for v in self.schema.views if not v.report and not v.group_by]
        read = [v for v in plain if v.name in self.read_views()]
        v = self.choose(read or plain, "view query changed")
        alias = v.select[0].split(".")[0]
        v.where.append(f"{alias}.id <> {MARK}")
        readers = sum(1 for w in self.schema.views if v.name in w.reads)
        self.note("view query changed", f"{v.name} (read by {readers} other views): "
                  f"WHERE {alias}.id <> {MARK}", ("replace_view", v.name),
                  mark_in_definition, f"{MARK} in the new query")

    def view_added(self):
        with_id = [v for v in self.schema.views if v.has("id") and v.name not in self.used]
        a, b = self.rng.sample(with_id, 2)
        second = next(name for name, _ in b.columns if name != "id") if len(b.columns) > 1 \
            else "id"
        v = View("report_added", ["a.id", f"b.{second} AS added_{second}"],
                 f"{a.name} AS a\nJOIN {b.name} AS b ON b.id = a.id", [("id", "i32")],
                 self.rng.randrange(len(self.schema.modules)), True, where=["a.id > 0"],
                 reads=[a.name, b.name], comment="added by the benchmark")
        self.schema.views.append(v)
        self.used.add(v.name)
        self.note("view added", f"{v.name} over {a.name} and {b.name}", ("create_view", v.name),
                  lambda ch: f"added_{second}" in ch["view"]["definition"],
                  f"added_{second} in its query")

    def function_body_changed(self):
        called = {name for v in self.schema.views for name in v.calls}
        money = [f for f in self.schema.functions if f.role == "scalar:money"]
        f = self.choose([f for f in money if f.name in called] or money, "function body changed")
        f.body = f.body.replace("rate), 2)", "rate), 4)")
        users = sum(1 for v in self.schema.views if f.name in v.calls)
        self.note("function body changed", f"{f.name} (LANGUAGE sql, called by {users} views): "
                  "rounds to 4 digits", ("replace_function", f.name),
                  lambda ch: "rate), 4)" in ch["to"]["definition"], "round(..., 4) in the body")

    def trigger_function_body_changed(self):
        f = self.choose([f for f in self.schema.functions if f.role == "trigger:own"],
                        "trigger function body changed")
        f.body = f.body.replace("BEGIN\n", "BEGIN\n    PERFORM set_config('app.last_trigger', "
                                f"TG_NAME || ' {MARK}', true);\n", 1)
        self.note("trigger function body changed", f"{f.name} (PL/pgSQL): one more statement",
                  ("replace_function", f.name), mark_in_definition, f"{MARK} in the body")

    def atomic_body_changed(self):
        if self.atomic:
            f = self.choose([f for f in self.schema.functions if f.atomic], "atomic body changed")
            f.body = f.body[:-1] + f" AND {f.table}.id <> {MARK};"
            what = "BEGIN ATOMIC"
        else:  # PostgreSQL 13: no BEGIN ATOMIC; a string body instead
            f = self.choose([f for f in self.schema.functions if f.role == "reader"],
                            "atomic body changed")
            f.body += f" AND id <> {MARK}"
            what = "LANGUAGE sql, PostgreSQL 13 has no BEGIN ATOMIC"
        self.note("atomic body changed", f"{f.name} ({what}): one more condition",
                  ("replace_function", f.name), mark_in_definition, f"{MARK} in the body")

    def trigger_dropped(self):
        t = self.choose(self.schema.triggers, "trigger dropped")
        self.schema.triggers.remove(t)
        self.note("trigger dropped", f"{t.name} on {t.table}"
                  + (" (disabled)" if t.disabled else ""), ("drop_trigger", t.table, t.name))

    def trigger_added(self):
        audit = [f for f in self.schema.functions if f.role == "trigger:audit"]
        on = self.rng.choice(self.schema.triggers)
        t = Trigger("trg_added_audit", on.table, "AFTER", "INSERT OR DELETE", False,
                    self.rng.choice(audit).name, on.module)
        self.schema.triggers.append(t)
        self.note("trigger added", f"{t.name} on {t.table}", ("create_trigger", t.table, t.name),
                  lambda ch: ch["trigger"]["function"]["name"]["name"] == t.function,
                  f"executes {t.function}")

    def sequence_increment_changed(self):
        s = self.choose(self.schema.sequences, "sequence increment changed")
        s.increment += 3
        self.note("sequence increment changed", f"{s.name}: INCREMENT BY {s.increment}",
                  ("alter_sequence", s.name),
                  lambda ch, n=s.increment: ch["to"]["increment"] == n, f"increment {s.increment}")


def apply_sql_plan(schema, rng, atomic):
    """Edits `schema` in place; returns the list of `Expected`."""
    return SqlEditor(schema, rng, atomic).run()


def warm_sql_edit(schema, k):
    """The k-th warm edit of one SQL file (the first module's, always):
    one more sequence; returns its expected change."""
    name = f"warm_no_{k}"
    schema.extra.setdefault(0, []).append(f"CREATE SEQUENCE {name} AS bigint;")
    return Expected("warm SQL edit", f"sequence {name} in {schema.modules[0]}.sql").expect(
        ("create_sequence", name))
