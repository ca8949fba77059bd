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


def change_key(ch):
    kind = ch.get("kind")
    table = table_name(ch.get("table"))
    if kind in ("add_column", "drop_column"):
        return (kind, table, ch["column"]["name"])
    if kind in ("alter_column_type", "set_nullable", "set_default", "set_column_comment",
                "set_identity", "set_serial"):
        return (kind, table, ch["column"])
    if kind in ("create_index", "drop_index"):
        return (kind, table, index_columns(ch["index"]))
    if kind in ("add_foreign_key", "drop_foreign_key"):
        return (kind, table, tuple(ch["foreign_key"]["columns"]))
    if kind in ("add_check", "drop_check", "set_table_comment", "create_table", "drop_table"):
        return (kind, table)
    if kind == "add_enum_label":
        return (kind, ch["name"]["name"], ch["label"])
    # Anything else is unexpected here; keep enough of it to read.
    return (kind, json.dumps(ch, sort_keys=True)[:160])


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
