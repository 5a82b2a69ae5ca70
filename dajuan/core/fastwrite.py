"""Inserts on the hot path with SQL compiled once per model.

A registration inserts a case, its first event, its intake row, its rollup contribution and, for a
citizen's first case, an account. `Model.save()` builds and compiles each INSERT anew — about 0.25 ms
of Python for a case row — and all of it runs while the write lock is held (on SQLite every writer in
the district waits for it). `insert(obj)` writes the row with the statement Django's own compiler made
the first time, and the values `save()` would write (each field's `pre_save` and `get_db_prep_save`):
the same row, for the models here that have no save signals and no custom `save()`. Anything else
(a model with database defaults, a database that cannot return the new id) goes through `save()`.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: list
    returns_pk: bool


_statements: dict[tuple[type[Model], str], _Statement | None] = {}


def _statement(model: type[Model], using: str) -> _Statement | None:
    key = (model, using)
    if key in _statements:
        return _statements[key]
    connection = connections[using]
    meta = model._meta
    auto_pk = isinstance(meta.pk, AutoFieldMixin)
    plain = (all(f.db_default is NOT_PROVIDED for f in meta.concrete_fields)
             and all(f.primary_key for f in meta.db_returning_fields))
    statement = None
    if plain and (connection.features.can_return_columns_from_insert or not auto_pk):
        fields = [f for f in meta.concrete_fields if not (auto_pk and f.primary_key)]
        query = InsertQuery(model)
        query.insert_values(fields, [model()])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [meta.pk] if auto_pk else None
        (sql, _params), = compiler.as_sql()
        statement = _Statement(sql, fields, auto_pk)
    _statements[key] = statement
    return statement


def insert(obj: Model, using: str = "default") -> Model:
    """INSERT `obj` as a new row (its primary key set from the database); returns it."""
    statement = _statement(type(obj), using)
    if statement is None or (statement.returns_pk and obj.pk is not None):
        obj.save(force_insert=True, using=using)
        return obj
    connection = connections[using]
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in statement.fields]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, values)
        if statement.returns_pk:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, using
    return obj
