"""Queries that Django compiles once per process instead of on every run.

Compiling a queryset into SQL is usually a small part of a page, but an aggregate with
several filtered sums over a join costs about ten times as much to compile as to run:
My shifts' totals take some 2.5 ms to compile and 0.2 ms in PostgreSQL, on every visit.
A PreparedQuery builds its queryset once per database, with a Parameter wherever a
value of the run goes, and afterwards only fills in the values.
"""

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
        connection = connections[using]
        if using not in self.compiled:
            compiler = self.build().query.get_compiler(using=using)
            self.compiled[using] = (compiler, *compiler.as_sql())
        compiler, sql, params = self.compiled[using]
        params = [
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Parameter)
            else param
            for param in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(compiler.results_iter(results=[cursor.fetchall()], tuple_expected=True))
