from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from csvport.plans import CREATED, OUTCOMES, UPDATED
from negotiations.demo import loader

NOT_EMPTY = (
    "The database already holds talks or tariff data ({what}): the demo data was not "
    "loaded and nothing changed, so no editor's work is overwritten. To put the demo rows "
    "back as the demo files have them: manage.py load_demo --reset"
)


class Command(BaseCommand):
    help = (
        "Load the demo data (the 2025 U.S. tariff talks with Japan, the U.K. and the EU) "
        "into an empty database; a database with data is left as it is. --reset puts the "
        "demo rows back as the demo files have them, whatever editors changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="put every demo row back as the demo files have it (creates the missing "
            "ones, undoes edits to them; rows that are not the demo's are left alone)",
        )

    def handle(self, *args, reset, **options):
        try:
            held = loader.rows_held()
            if held and not reset:
                self.stdout.write(NOT_EMPTY.format(what=held))
                return
            counts = loader.load_demo()
        except loader.DemoDataError as error:
            raise CommandError(f"Demo data not loaded, nothing was written:\n{error}") from None
        except DatabaseError as error:
            raise CommandError(
                f"Demo data not loaded ({error}). Is the database migrated? "
                "Run manage.py migrate first."
            ) from None
        for model in loader.MODELS:
            outcomes = ", ".join(
                f"{counts[loader.count_key(model, outcome)]} {outcome}" for outcome in OUTCOMES
            )
            self.stdout.write(f"{model._meta.verbose_name_plural}: {outcomes}")
        self.stdout.write(self.style.SUCCESS(summary(counts)))


def summary(counts: dict[str, int]) -> str:
    created, updated = (
        sum(counts[loader.count_key(model, outcome)] for model in loader.MODELS)
        for outcome in (CREATED, UPDATED)
    )
    if not created and not updated:
        return "Demo data already in place; nothing changed."
    return f"Demo data loaded: {created} rows created, {updated} updated."
