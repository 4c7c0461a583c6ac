"""Queries compiled to SQL once and run many times, for the few hottest paths (registration through the API).

Django compiles a queryset to SQL each time it runs it. For a one-row look-up that compilation is most of the
cost: about 0.45 ms of the 0.6 ms an ``Entity.objects.get(slug=…)`` takes here, and an INSERT of a 35-column row
is much the same. ``PreparedSelect`` and ``PreparedInsert`` keep the ORM as the single source of the SQL (built
from the queryset or the model's fields, per database alias) and only skip doing it again:

- a ``PreparedSelect`` is a queryset built from named placeholders. It is compiled on first use; later calls put
  the values in the placeholders' positions, run the SQL, convert the columns as the ORM does (``from_db_value`` of
  encrypted fields, the backend's converters) and build the instances with ``Model.from_db``. The placeholders
  must reach the SQL unchanged, so only exact comparisons (``=`` and a fixed-size ``IN``) may take them;
  compiling refuses a placeholder that does not.
- a ``PreparedInsert`` is the INSERT of a fixed list of a model's fields. Values are prepared per field exactly as
  ``Model.save()`` prepares them (``pre_save`` then ``get_db_prep_save``), and the primary key comes back in the
  same statement. Where it could not do what ``save()`` does (a ``pre_save``/``post_save`` receiver is connected
  to the model, or a value is an expression to resolve), it calls ``save(force_insert=True)`` instead.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)

# A parameter that keeps the value the queryset was built with.
_CONSTANT = -1


@dataclass(frozen=True)
class _CompiledSelect:
    model: type[Model]
    sql: str
    # For each SQL parameter: the index of the placeholder name it takes, or _CONSTANT.
    slots: tuple[int, ...]
    constants: tuple[Any, ...]
    attnames: list[str]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class PreparedSelect(Generic[M]):
    """``build(**placeholders)`` returns the queryset; ``fetch(**values)`` runs it with the values."""

    def __init__(self, build: Callable[..., QuerySet[M]], *names: str) -> None:
        self._build = build
        self._names = names
        self._compiled: dict[str, _CompiledSelect] = {}

    def _compile(self, using: str) -> _CompiledSelect:
        markers = {name: f"\x1fprepared:{name}\x1f" for name in self._names}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        position = {marker: i for i, marker in enumerate(markers.values())}
        slots = tuple(position.get(p, _CONSTANT) if isinstance(p, str) else _CONSTANT for p in params)
        missing = set(range(len(self._names))) - set(slots)
        if missing or any(isinstance(p, str) and "\x1fprepared:" in p and p not in position for p in params):
            raise ValueError(f"Placeholders not passed to the SQL unchanged: {sorted(self._names)}.")
        columns = [expression for expression, _sql, _alias in compiler.select]
        if compiler.klass_info is None or compiler.klass_info.get("related_klass_infos"):
            raise ValueError("Only plain querysets of one model can be prepared.")
        converters = compiler.get_converters(columns)
        return _CompiledSelect(
            model=queryset.model,
            sql=sql,
            slots=slots,
            constants=tuple(params),
            attnames=[expression.target.attname for expression in columns],
            converters=tuple((pos, tuple(funcs), expr) for pos, (funcs, expr) in converters.items()),
        )

    def fetch(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        """The rows for ``values`` (one per placeholder name), as model instances."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        ordered = [values[name] for name in self._names]
        params = [
            c if slot == _CONSTANT else ordered[slot]
            for slot, c in zip(compiled.slots, compiled.constants, strict=True)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        from_db = compiled.model.from_db
        found = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for pos, funcs, expression in compiled.converters:
                    for func in funcs:
                        row[pos] = func(row[pos], expression, connection)
            found.append(from_db(using, compiled.attnames, row))
        return cast(list[M], found)

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> M | None:
        found = self.fetch(using, **values)
        return found[0] if found else None


class PreparedInsert:
    """The INSERT of ``fields`` of ``model``; ``insert(obj)`` writes the instance and sets its primary key."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self._model = model
        self._fields: list[Field[Any, Any]] = [model._meta.get_field(name) for name in fields]  # type: ignore[misc]
        self._sql: dict[str, str] = {}

    def _compile(self, using: str) -> str:
        query = InsertQuery(self._model)
        query.insert_values(self._fields, [self._model()])
        compiler = query.get_compiler(using)
        compiler.returning_fields = [self._model._meta.pk]
        connection = connections[using]
        if not connection.features.can_return_columns_from_insert:
            raise ValueError(f"{connection.vendor} cannot return the primary key from an INSERT.")
        ((sql, _params),) = compiler.as_sql()
        return str(sql)

    def insert(self, obj: Model, using: str = DEFAULT_DB_ALIAS) -> Model:
        if pre_save.has_listeners(self._model) or post_save.has_listeners(self._model):
            obj.save(force_insert=True, using=using)
            return obj
        values = [field.pre_save(obj, True) for field in self._fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            obj.save(force_insert=True, using=using)
            return obj
        sql = self._sql.get(using)
        if sql is None:
            sql = self._sql[using] = self._compile(using)
        connection = connections[using]
        params = [field.get_db_prep_save(value, connection) for field, value in zip(self._fields, values, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        assert row is not None
        obj.pk = row[0]
        obj._state.adding = False
        obj._state.db = using
        return obj
