"""Queries that Django compiles once per process instead of on every run.

Compiling a queryset into SQL is usually a small part of a page, but an aggregate with
several filtered sums over a join costs about ten times as much to compile as to run:
My shifts' totals take some 2.5 ms to compile and 0.2 ms in PostgreSQL, on every visit.
A PreparedQuery builds its queryset once per database, with a Parameter wherever a
value of the run goes, and afterwards only fills in the values.
"""

import copy

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression


class Parameter(Expression):
    """A value given when a PreparedQuery runs, written where a value or expression
    goes in its queryset; `output_field` says how to pass it to the database."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class PreparedQuery:
    """A values_list() queryset, from `build()`, whose SQL is compiled on first use."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        """The rows for these values of the Parameters, converted as the ORM converts
        them (decimals on SQLite, for one)."""
        if using not in self.compiled:
            compiler = self.build().query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            names = {param.name for param in params if isinstance(param, Parameter)}
            self.compiled[using] = (compiler, sql, params, names)
        compiler, sql, params, names = self.compiled[using]
        if set(values) != names:
            raise TypeError(f"This query takes {sorted(names)}, not {sorted(values)}.")
        # The compiled query keeps the connection of the thread that compiled it; the
        # converters get this thread's.
        compiler = copy.copy(compiler)
        compiler.connection = connections[using]
        params = [
            param.output_field.get_db_prep_value(values[param.name], compiler.connection)
            if isinstance(param, Parameter)
            else param
            for param in params
        ]
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(compiler.results_iter(results=[cursor.fetchall()], tuple_expected=True))
