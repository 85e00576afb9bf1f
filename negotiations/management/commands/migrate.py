"""`migrate`, without the pages' statement timeout (DB_STATEMENT_TIMEOUT, 10 s by default).

An index built or a table rewritten on a year's data takes longer than a page may: the
search's full-text index over a million statements took more than 10 s on the benchmark's
data, and `migrate` stopped there. The limit is lifted for this command's own connection
and put back when it ends (csvport.timeouts, as imports and downloads do).
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from csvport.timeouts import no_statement_timeout


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with no_statement_timeout(options["database"]):
            return super().handle(*args, **options)
