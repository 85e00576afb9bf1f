from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from csvport.plans import CREATED, OUTCOMES, UPDATED
from negotiations.demo import loader


class Command(BaseCommand):
    help = (
        "Load the demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU. "
        "Safe to run again: rows that already match are left as they are."
    )

    def handle(self, *args, **options):
        try:
            counts = loader.load_demo()
        except loader.DemoDataError as error:
            raise CommandError(f"Demo data not loaded, nothing was written:\n{error}") from None
        except DatabaseError as error:
            raise CommandError(
                f"Demo data not loaded ({error}). Is the database migrated? "
                "Run `manage.py migrate` first."
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
        return "Demo data already loaded; nothing changed."
    return f"Demo data loaded: {created} rows created, {updated} updated."
