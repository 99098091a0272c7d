"""Bulk writes for fan-outs of many thousands: inserts that skip rows already there (a unique key
says so), and updates giving each row its own values.

On PostgreSQL one statement per batch: `INSERT … SELECT * FROM unnest($1::uuid[], …) ON CONFLICT DO
NOTHING`, and `UPDATE … FROM unnest(…)`, an order of magnitude faster than the ORM's row-by-row bulk
statements. Elsewhere (SQLite, the embedded default) the ORM's bulk insert and update do the same job.
"""

import json

from tortoise import fields
from tortoise.models import Model

from backend.core.clock import clock
from backend.core.ids import uuid7

_PG_TYPES = [
    (fields.JSONField, "jsonb"), (fields.UUIDField, "uuid"), (fields.DatetimeField, "timestamptz"),
    (fields.BooleanField, "bool"), (fields.IntField, "int8"), (fields.CharField, "text"), (fields.TextField, "text"),
]


def _pg_type(model: type[Model], column: str) -> str:
    field = model._meta.fields_map[model._meta.fields_db_projection_reverse.get(column, column)]
    if isinstance(field, fields.relational.ForeignKeyFieldInstance):
        field = field.related_model._meta.pk
    return next(name for kind, name in _PG_TYPES if isinstance(field, kind))


def _pg_value(pg_type: str, value):
    return json.dumps(value, ensure_ascii=False) if pg_type == "jsonb" and value is not None else value


async def insert_ignoring_conflicts(tx, model: type[Model], rows: list[dict]) -> None:
    """Insert `rows` (column -> value; an id and creation time are added) unless they clash with a
    unique key. Rows must all have the same columns."""
    await _insert(tx, model, rows, ignore_conflicts=True)


async def insert_rows(tx, model: type[Model], rows: list[dict]) -> None:
    """Insert `rows` as insert_ignoring_conflicts does, but a clash is an IntegrityError."""
    await _insert(tx, model, rows, ignore_conflicts=False)


async def _insert(tx, model: type[Model], rows: list[dict], *, ignore_conflicts: bool) -> None:
    if not rows:
        return
    now = clock.now()
    rows = [{"created_at": now, **row} if "id" in row else {"id": uuid7(), "created_at": now, **row} for row in rows]
    if tx.capabilities.dialect != "postgres":
        await model.bulk_create([model(**row) for row in rows], ignore_conflicts=ignore_conflicts, using_db=tx)
        return
    columns = _columns(model, rows)
    arrays, values = _unnest(model, columns, rows)
    names = ", ".join(f'"{c}"' for c in columns)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    # Names come from the model (checked above); every value is a parameter.
    await tx.execute_query(
        f'INSERT INTO "{model._meta.db_table}" ({names}) SELECT * FROM unnest({arrays}){conflict}',  # noqa: S608
        values,
    )


async def update_rows(tx, model: type[Model], rows: list[dict]) -> None:
    """Set each row's columns (column -> value, with its "id") to its own values, in one statement.
    Rows must all have the same columns."""
    if not rows:
        return
    if tx.capabilities.dialect != "postgres":
        columns = [c for c in rows[0] if c != "id"]
        await model.bulk_update([model(**row) for row in rows], fields=columns, using_db=tx)
        return
    columns = _columns(model, rows)
    if "id" not in columns:
        raise ValueError("update_rows needs each row's id")
    arrays, values = _unnest(model, columns, rows)
    names = ", ".join(f'"{c}"' for c in columns)
    # As above: names from the model, values as parameters.
    assignments = ", ".join(f'"{c}" = v."{c}"' for c in columns if c != "id")
    await tx.execute_query(
        f'UPDATE "{model._meta.db_table}" AS t SET {assignments} FROM unnest({arrays}) AS v({names}) '  # noqa: S608
        'WHERE t."id" = v."id"', values)


def _columns(model: type[Model], rows: list[dict]) -> list[str]:
    """The rows' column names, checked against the model's: they go into the SQL text."""
    columns = list(rows[0])
    unknown = set(columns) - set(model._meta.fields_db_projection.values())
    if unknown:
        raise ValueError(f"not columns of {model._meta.db_table}: {unknown}")
    return columns


def _unnest(model: type[Model], columns: list[str], rows: list[dict]) -> tuple[str, list[list]]:
    """The typed array parameters of `unnest(…)` for `rows`, one array per column, and their values."""
    types = [_pg_type(model, c) for c in columns]
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, start=1))
    return arrays, [[_pg_value(t, row[c]) for row in rows] for c, t in zip(columns, types, strict=True)]
