"""Long work under the pages' statement timeout (settings: DB_STATEMENT_TIMEOUT): a
download of every position, an import's writes. They lift it for themselves, on their own
connection, and the session's default comes back when they are done, so the persistent
connection a page uses next has it again."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


@contextmanager
def no_statement_timeout(using: str = DEFAULT_DB_ALIAS):
    """Statements run inside without a time limit (PostgreSQL; elsewhere a no-op)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                # RESET: the value the connection started with, from the settings.
                cursor.execute("RESET statement_timeout")
        except DatabaseError:
            # The connection broke (what stopped the work, perhaps), or its transaction
            # failed, which undoes the SET: either way the next one starts with the default.
            pass


def no_statement_timeout_in_transaction(using: str = DEFAULT_DB_ALIAS) -> None:
    """Inside a transaction: no time limit on its statements until it ends, its commit
    included (where PostgreSQL checks deferred foreign keys); `SET LOCAL` ends with it,
    committed or not."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
