"""Queries that Django compiles once per process instead of on every run.

Compiling a queryset into SQL is usually a small part of a page, but an aggregate with
several filtered sums over a join costs about ten times as much to compile as to run:
My shifts' totals take some 2.5 ms to compile and 0.2 ms in PostgreSQL, on every visit.
Building and compiling a page of My shifts' places, with their shifts and organizations,
costs over half as much as running it and loading them. A PreparedQuery builds its
queryset once per database, with a Parameter wherever a value of the run goes, and
afterwards only fills in the values.
"""

import copy

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BigIntegerField, Expression
from django.db.models.query import ModelIterable


def fits_a_key(number):
    """Whether a whole number can be a primary key. The ORM finds nothing for one past
    the column's range, where a prepared query's value would fail: callers check first."""
    return 0 < number <= BigIntegerField.MAX_BIGINT


class Parameter(Expression):
    """A value given when a PreparedQuery runs, written where a value or expression
    goes in its queryset; `output_field` says how to pass it to the database."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class _Filled:
    """A compiled query with a run's values, standing in for the queryset's Query: it
    hands Django's own row-to-model code a compiler that is already compiled."""

    values_select = ()

    def __init__(self, compiler, sql, params):
        self.compiler, self.sql, self.params = compiler, sql, params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, self.params)
        return compiler


class PreparedQuery:
    """A queryset, from `build()`, whose SQL is compiled on first use: its rows as
    tuples when it is a values_list(), else its model instances."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def _filled(self, using, values, start=None, stop=None):
        """The compiled queryset of `using` and the query, with these values and rows
        `start` to `stop`, that runs it."""
        if using not in self.compiled:
            queryset = self.build().using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            names = {param.name for param in params if isinstance(param, Parameter)}
            self.compiled[using] = (queryset, compiler, sql, params, names)
        queryset, compiler, sql, params, names = self.compiled[using]
        if set(values) != names:
            raise TypeError(f"This query takes {sorted(names)}, not {sorted(values)}.")
        connection = connections[using]
        params = [
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Parameter)
            else param
            for param in params
        ]
        if start is not None:
            # Whole numbers from the caller, written as Django writes a slice's.
            sql = f"{sql} {connection.ops.limit_offset_sql(start, stop)}"
        return queryset, _Filled(compiler, sql, params)

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        """The rows for these values of the Parameters, converted as the ORM converts
        them (decimals on SQLite, for one)."""
        _queryset, filled = self._filled(using, values)
        compiler = filled.get_compiler(using)
        return list(compiler.results_iter(tuple_expected=True))

    def objects(self, start=None, stop=None, using=DEFAULT_DB_ALIAS, **values):
        """The model instances, all or from `start` to `stop`, in the queryset's order,
        with the related objects it selects, for these values of the Parameters."""
        if start is not None and stop <= start:
            # Django writes no LIMIT at all for an empty slice.
            return []
        queryset, filled = self._filled(using, values, start, stop)
        # A shallow copy (copy.copy() would run the queryset) with the filled query.
        run = object.__new__(type(queryset))
        run.__dict__ = {**queryset.__dict__, "_query": filled}
        return list(ModelIterable(run))


class PreparedPages:
    """A PreparedQuery's model instances for these values, as a Paginator pages through
    them, one query a page; `count` is their number, which the caller knows."""

    def __init__(self, query, count, **values):
        self.query, self.count, self.values = query, count, values

    def __len__(self):
        return self.count

    def __getitem__(self, rows):
        return self.query.objects(rows.start, rows.stop, **self.values)
