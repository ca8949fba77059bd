"""Writing the generated petal project: the model files and the SQL files,
only those whose text changed (so an edit touches one file, as a user's
would), and one-line accounts of what they hold."""

import os

import models
import sqlfiles


def write_files(directory, files):
    """Writes {relative path: text} under `directory`, removes the files
    there that are not in it; returns the lines written in all."""
    os.makedirs(directory, exist_ok=True)
    for root, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if os.path.relpath(path, directory) not in files:
                os.remove(path)
    for rel, text in sorted(files.items()):
        path = os.path.join(directory, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            with open(path) as f:
                if f.read() == text:
                    continue
        with open(path, "w") as f:
            f.write(text)
    return sum(text.count("\n") for text in files.values())


def write_models(directory, schema, count):
    return write_files(directory, models.render_files(schema, count))


def write_sql(directory, schema):
    return write_files(directory, sqlfiles.render_files(schema))


def stats(schema):
    columns = sum(len(t.columns) for t in schema.tables)
    fks = sum(1 for t in schema.tables for c in t.columns if c.references)
    indexes = sum(len(t.indexes) + sum(1 for c in t.columns if c.index or c.unique)
                  for t in schema.tables)
    checks = sum(len(t.checks) for t in schema.tables)
    return (f"{len(schema.tables)} tables, {columns} columns, {indexes} indexes and uniques, "
            f"{fks} foreign keys, {checks} checks, {len(schema.enums)} enum types")


def sql_stats(schema):
    files = sqlfiles.render_files(schema)
    lines = sum(text.count("\n") for text in files.values())
    later, statements = sqlfiles.out_of_order(schema)
    return (f"{schema.counts()}, in {len(files)} SQL files ({statements} statements, "
            f"{lines} lines; {later} statements name an object declared further on)")
