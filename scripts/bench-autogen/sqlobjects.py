"""What the benchmark's SQL files declare beside the models, as plain Python
values: views, functions, triggers and sequences, each able to print its
statement. `sqlgen.py` draws them, `sqlfiles.py` writes them out,
`sqledits.py` edits them.
"""

import copy
from dataclasses import dataclass, field


@dataclass
class Sequence:
    name: str
    type: str
    start: int
    increment: int
    cache: int
    cycle: bool
    maxvalue: int | None
    module: int
    comment: str | None = None

    def sql(self):
        parts = [f"CREATE SEQUENCE {self.name} AS {self.type}", f"INCREMENT BY {self.increment}"]
        if self.maxvalue is not None:
            parts.append(f"MAXVALUE {self.maxvalue}")
        parts.append(f"START WITH {self.start}")
        if self.cache != 1:
            parts.append(f"CACHE {self.cache}")
        if self.cycle:
            parts.append("CYCLE")
        return "\n    ".join(parts) + ";"

    def comment_sql(self):
        return f"COMMENT ON SEQUENCE {self.name} IS {quote(self.comment)};"


@dataclass
class Function:
    name: str
    args: str  # as declared: "amount numeric, rate numeric DEFAULT 0.12"
    types: str  # the identity argument types: "numeric, numeric"
    returns: str
    language: str
    body: str  # a string body, or the statements of a BEGIN ATOMIC body
    role: str  # trigger, scalar, reader, plpgsql, setof, nextval, atomic
    module: int
    attributes: str = ""  # IMMUTABLE, STABLE...
    atomic: bool = False
    style: int = 0  # 1: LANGUAGE after the body, $fn$ quotes
    table: str | None = None  # the table it is about, if any
    comment: str | None = None

    def sql(self):
        head = f"CREATE OR REPLACE FUNCTION {self.name}({self.args})\nRETURNS {self.returns}"
        attrs = f" {self.attributes}" if self.attributes else ""
        if self.atomic:
            return f"{head}\nLANGUAGE {self.language}{attrs}\nBEGIN ATOMIC\n{self.body}\nEND;"
        if self.style == 1:
            return f"{head}\nAS $fn$\n{self.body}\n$fn$ LANGUAGE {self.language}{attrs};"
        return f"{head}\nLANGUAGE {self.language}{attrs}\nAS $$\n{self.body}\n$$;"

    def comment_sql(self):
        return f"COMMENT ON FUNCTION {self.name}({self.types}) IS {quote(self.comment)};"


@dataclass
class Trigger:
    name: str
    table: str
    timing: str  # BEFORE, AFTER
    events: str  # "INSERT OR UPDATE", "UPDATE OF price"
    row: bool
    function: str
    module: int
    when: str | None = None
    args: str = ""
    procedure: bool = False  # the older spelling, EXECUTE PROCEDURE
    disabled: bool = False
    comment: str | None = None

    def sql(self):
        lines = [f"CREATE TRIGGER {self.name}",
                 f"    {self.timing} {self.events} ON {self.table}",
                 f"    FOR EACH {'ROW' if self.row else 'STATEMENT'}"]
        if self.when:
            lines.append(f"    WHEN ({self.when})")
        verb = "PROCEDURE" if self.procedure else "FUNCTION"
        lines.append(f"    EXECUTE {verb} {self.function}({self.args});")
        return "\n".join(lines)

    def disable_sql(self):
        return f"ALTER TABLE {self.table} DISABLE TRIGGER {self.name};"

    def comment_sql(self):
        return f"COMMENT ON TRIGGER {self.name} ON {self.table} IS {quote(self.comment)};"


@dataclass
class View:
    name: str
    select: list  # "expr AS name" texts
    source: str  # what FROM reads, joins and all
    columns: list  # (name, kind) of its output, for the views over it
    module: int
    report: bool  # over other views: in the reports/ directory
    where: list = field(default_factory=list)
    group_by: list = field(default_factory=list)
    reads: list = field(default_factory=list)  # the views it reads
    calls: list = field(default_factory=list)  # the functions it calls
    origin: str | None = None  # the table its `id` column is the id of
    comment: str | None = None

    def sql(self):
        lines = [f"CREATE VIEW {self.name} AS", "SELECT " + ",\n       ".join(self.select),
                 f"FROM {self.source}"]
        if self.where:
            lines.append("WHERE " + "\n  AND ".join(self.where))
        if self.group_by:
            lines.append("GROUP BY " + ", ".join(self.group_by))
        return "\n".join(lines) + ";"

    def comment_sql(self):
        return f"COMMENT ON VIEW {self.name} IS {quote(self.comment)};"

    def has(self, name):
        return any(c == name for c, _ in self.columns)


@dataclass
class SqlSchema:
    modules: list  # the file names' stems
    sequences: list
    functions: list
    triggers: list
    views: list
    extra: dict = field(default_factory=dict)  # {module: [statement text]} appended last

    def copy(self):
        return copy.deepcopy(self)

    def counts(self):
        atomic = sum(1 for f in self.functions if f.atomic)
        trig = sum(1 for f in self.functions if f.role.startswith("trigger:"))
        over = sum(1 for v in self.views if v.reads)
        multi = sum(1 for v in self.views if "JOIN" in v.source and not v.reads)
        return (f"{len(self.views)} views ({over} over other views, {multi} over several "
                f"tables), {len(self.functions)} functions ({trig} trigger functions, "
                f"{atomic} BEGIN ATOMIC), {len(self.triggers)} triggers "
                f"({sum(t.disabled for t in self.triggers)} disabled), "
                f"{len(self.sequences)} sequences")


def quote(text):
    return "'" + text.replace("'", "''") + "'"
