"""Matching what `petal diff --format json` reported against the intended
edits: every expected change found exactly once and right, nothing else."""

import json


def table_name(value):
    """A change's table: a QualifiedName ({schema, name}) or a whole Table
    (whose `name` is one)."""
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, dict):
            return name.get("name")
        return name
    return value


def index_columns(index):
    out = []
    for key in index.get("keys", []):
        expr = key.get("expr", key)
        if isinstance(expr, dict):
            out.extend(v for k, v in expr.items() if k.lower() == "column")
            out.extend(f"({v})" for k, v in expr.items() if k.lower() == "expression")
        elif isinstance(expr, str):
            out.append(expr)
    return tuple(out)


def qualified(name):
    """A name as `petal diff --format json` gives it ({schema, name}), or as
    written: the bare name (everything the benchmark makes is in public)."""
    if isinstance(name, dict):
        return name.get("name")
    return name


CREATED_AS_ADD = {"column", "foreign_key", "check"}


def change_key(ch):
    """What a change is about, as the intended edits name it: a kind and
    the object ("add_column", table, column), ("replace_view", view)..."""
    change, obj = ch.get("change"), ch.get("object")
    table = table_name(ch.get("table"))
    if change == "add_enum_label":
        return (change, qualified(ch["name"]), ch["label"])
    if change in ("create", "drop"):
        verb = {"create": "add" if obj in CREATED_AS_ADD else "create", "drop": "drop"}[change]
        if obj == "table":
            return (f"{verb}_table", table)
        if obj == "column":
            return (f"{verb}_column", table, ch["column"]["name"])
        if obj == "index":
            return (f"{verb}_index", table, index_columns(ch["index"]))
        if obj == "foreign_key":
            return (f"{verb}_foreign_key", table, tuple(ch["foreign_key"]["columns"]))
        if obj == "check":
            return (f"{verb}_check", table)
        if obj in ("view", "sequence"):
            return (f"{verb}_{obj}", qualified(ch[obj]["name"]))
        if obj == "function":
            return (f"{verb}_function", qualified(ch["function"]["name"]))
        if obj == "trigger":
            return (f"{verb}_trigger", table_name(ch["trigger"]["table"]), ch["trigger"]["name"])
    if change == "replace" and obj in ("view", "function"):
        return (f"replace_{obj}", qualified(ch["from"]["name"]))
    if change == "alter":
        prop = ch.get("property")
        if prop in ("column_type", "nullable", "default"):
            kind = {"column_type": "alter_column_type", "nullable": "set_nullable",
                    "default": "set_default"}[prop]
            return (kind, table, ch["column"])
        if prop == "comment":
            on = ch.get("on", {})
            if on.get("object") == "column":
                return ("set_column_comment", table_name(on.get("table")), on.get("column"))
            if on.get("object") == "table":
                return ("set_table_comment", table_name(on))
            return (f"set_{on.get('object')}_comment", json.dumps(on, sort_keys=True))
        if prop == "sequence_settings":
            return ("alter_sequence", qualified(ch["name"]))
    # Anything else is unexpected here; keep enough of it to read.
    return (f"{change} {obj or ch.get('property')}", json.dumps(ch, sort_keys=True)[:160])


class Verdict:
    def __init__(self):
        self.found = []  # Expected, all parts right
        self.wrong = []  # (Expected, key, wanted, the change petal gave)
        self.missing = []  # (Expected, key)
        self.unexpected = []  # (key, change)

    @property
    def ok(self):
        return not (self.wrong or self.missing or self.unexpected)


def verify(changes, expected):
    """`changes`: the JSON list; `expected`: the `Expected` list."""
    reported = {}
    for ch in changes:
        reported.setdefault(change_key(ch), []).append(ch)
    verdict = Verdict()
    for e in expected:
        all_right = True
        for key, predicate, wanted in e.parts:
            matches = reported.pop(key, [])
            if not matches:
                verdict.missing.append((e, key))
                all_right = False
                continue
            if len(matches) > 1:
                verdict.unexpected.extend((key, ch) for ch in matches[1:])
            if predicate is not None and not safe(predicate, matches[0]):
                verdict.wrong.append((e, key, wanted, matches[0]))
                all_right = False
        if all_right:
            verdict.found.append(e)
    for key, chs in reported.items():
        verdict.unexpected.extend((key, ch) for ch in chs)
    return verdict


def safe(predicate, change):
    try:
        return bool(predicate(change))
    except (KeyError, TypeError, AttributeError):
        return False


def report(verdict, expected, label):
    """Prints what is wrong; returns a one-line summary."""
    for e, key, wanted, ch in verdict.wrong:
        print(f"  WRONG   [{e.kind}] {e.description}: wanted {wanted}, petal gave "
              f"{json.dumps(ch, sort_keys=True)[:400]}")
    for e, key in verdict.missing:
        print(f"  MISSING [{e.kind}] {e.description}: no {key}")
    for key, ch in verdict.unexpected:
        print(f"  UNEXPECTED {key}: {json.dumps(ch, sort_keys=True)[:400]}")
    by_kind = {}
    for e in expected:
        total, right = by_kind.get(e.kind, (0, 0))
        by_kind[e.kind] = (total + 1, right + (e in verdict.found))
    return (f"{label}: {len(verdict.found)}/{len(expected)} intended changes right, "
            f"{len(verdict.missing)} missing, {len(verdict.wrong)} wrong, "
            f"{len(verdict.unexpected)} unexpected"), by_kind
