"""Long work under the pages' statement timeout (settings: DB_STATEMENT_TIMEOUT): a
download of every position, an import's writes. They lift it for themselves, on their own
connection, and put the session's default back when done, so the persistent connection a
page uses next has it again."""

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
