"""`manage.py generate_synthetic --scale small|large [--seed N]`: the benchmark's data.

Writes only into an empty database or one it filled itself (it empties it first), so that
pointing DATABASE_URL at the wrong database loses nothing: see `bench/synthetic.py`.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.synthetic import (
    MARKER_PUBLISHER,
    SCALES,
    SLUG_PREFIX,
    SYNTHETIC_URL,
    Generator,
    Loader,
    empty_tables,
    marker_title,
    project_models,
    reset_sequences,
)
from csvport.timeouts import no_statement_timeout
from negotiations.models import Negotiation, Official, Source
from tariffs.models import TariffMeasure

SYNTHETIC_OFFICIAL = r" \([A-Z]{3} [0-9]+\)$"


def database_name() -> str:
    settings = connection.settings_dict
    host = f" on {settings['HOST']}" if settings.get("HOST") else ""
    return f"“{settings['NAME']}”{host}"


def marker() -> Source | None:
    return Source.objects.filter(url=SYNTHETIC_URL, publisher=MARKER_PUBLISHER).first()


def foreign_data() -> list[str]:
    """What in the database generate_synthetic did not write, in words; empty if nothing."""
    if marker() is None:
        filled = [
            f"{model.objects.count():,} {model._meta.verbose_name_plural}"
            for model in project_models()
            if not model._meta.auto_created and model.objects.exists()
        ]
        return filled
    found = []
    checks = (
        (Negotiation.objects.exclude(slug__startswith=SLUG_PREFIX), "slug"),
        (Source.objects.exclude(url__startswith=SYNTHETIC_URL), "url"),
        (TariffMeasure.objects.exclude(source_url__startswith=SYNTHETIC_URL), "name"),
        (Official.objects.exclude(name__regex=SYNTHETIC_OFFICIAL), "name"),
    )
    for queryset, label in checks:
        count = queryset.count()
        if count:
            examples = ", ".join(str(v) for v in queryset.values_list(label, flat=True)[:3])
            noun = queryset.model._meta.verbose_name_plural
            found.append(f"{count:,} {noun} ({examples})")
    return found


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic data of realistic shape for the benchmark: "
        "--scale large is 200 negotiations and about a million positions, 200,000 tariff "
        "lines, 2,000 measures; small is about 1 % of it. Refuses a database holding "
        "anything it did not write."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=1, help="default 1")
        parser.add_argument(
            "--force",
            action="store_true",
            help="generate again even if the database already holds this scale and seed",
        )

    def handle(self, *args, scale, seed, force, **options):
        foreign = foreign_data()
        if foreign:
            raise CommandError(
                f"The database {database_name()} holds data generate_synthetic did not "
                f"write: {'; '.join(foreign)}. It writes only into an empty database or one "
                "it filled itself, and empties it first, so it refuses to touch this one. "
                "Point DATABASE_URL at a database of its own (createdb tracker_bench)."
            )
        existing = marker()
        if existing is not None and existing.title == marker_title(scale, seed) and not force:
            self.stdout.write(
                f"{database_name()} already holds the {scale} scale with seed {seed}: nothing "
                "to do (--force generates it again)."
            )
            return
        started = time.monotonic()
        loader = Loader()
        # A million rows in one COPY take longer than the pages' statement timeout.
        with no_statement_timeout():
            with transaction.atomic():
                empty_tables()
                Generator(SCALES[scale], seed, loader).run()
                reset_sequences()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        counts = ", ".join(
            f"{count:,} {label.split('.')[-1]}" for label, count in loader.counts.items()
        )
        self.stdout.write(
            f"Generated the {scale} scale (seed {seed}) in {database_name()} in "
            f"{time.monotonic() - started:.1f} s: {counts}."
        )
