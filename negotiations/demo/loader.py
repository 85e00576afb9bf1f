"""Load the demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU.

The facts are the CSV files beside this module, one per kind of row, each in the format
editors import (`manage.py import_csv`), and they go through the same importers, in
dependency order and in one transaction: a fact that does not fit the schema leaves the
database as it was. Rows are found by their natural keys and written only when a value
differs, so a second run changes nothing. Where a model has no field for a fact's source,
confidence or note, its file keeps them in columns the importer checks and does not store.
"""

from pathlib import Path

from django.db import models, transaction

from changes.models import ChangeKind
from changes.scope import change_set
from csvport.importer import plan_file
from csvport.plans import CREATED, OUTCOMES, UPDATED, ImportRefused
from csvport.reading import COMMAND_MAX_BYTES
from negotiations.importers import (
    IssueImporter,
    MilestoneImporter,
    NegotiationImporter,
    OfficialImporter,
    PositionImporter,
    RoundImporter,
    SourceImporter,
)
from tariffs.importers import TariffLineImporter, TariffMeasureImporter, TradeValueImporter

DATA_DIR = Path(__file__).resolve().parent
# In dependency order: what a file names is loaded before it.
IMPORTERS = (
    OfficialImporter,
    SourceImporter,
    NegotiationImporter,
    RoundImporter,
    MilestoneImporter,
    TariffLineImporter,
    TariffMeasureImporter,
    TradeValueImporter,
    IssueImporter,
    PositionImporter,
)
CSV_FILES = {
    importer.format.name: DATA_DIR / f"{importer.format.name}-2025.csv" for importer in IMPORTERS
}
MODELS = tuple(importer.format.model for importer in IMPORTERS)


class DemoDataError(Exception):
    """The demo data does not fit the schema or contradicts itself; nothing was written."""


def load_demo() -> dict[str, int]:
    """Import every demo file, in one transaction.

    Returns how many rows of each model were created, updated or left unchanged, keyed
    "<model, plural>.<outcome>" ("officials.created"), every model and outcome present.
    """
    counts = {count_key(model, outcome): 0 for model in MODELS for outcome in OUTCOMES}
    with transaction.atomic(), change_set(kind=ChangeKind.DEMO, username="load_demo") as scope:
        for importer in IMPORTERS:
            path = CSV_FILES[importer.format.name]
            plan = plan_file(importer, path.read_bytes(), max_bytes=COMMAND_MAX_BYTES)
            try:
                plan.apply()
            except ImportRefused as refusal:
                raise DemoDataError(
                    "\n".join(f"{path.name} {problem}" for problem in refusal.problems)
                ) from None
            for outcome, count in plan.counts.items():
                counts[count_key(importer.format.model, outcome)] += count
            # Rows a file creates on the way (a positions file's sources, say).
            for related in plan.related:
                counts[count_key(related.model, CREATED)] += related.created
                counts[count_key(related.model, UPDATED)] += related.updated
        scope.summary = "The demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU."
    return counts


def rows_held() -> str:
    """What the database already holds of the kinds the demo loads ("3 negotiations,
    16 officials"), or "" when it holds none of them."""
    held = [(model, model._default_manager.count()) for model in MODELS]
    return ", ".join(
        f"{count:,} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in held
        if count
    )


def count_key(model: type[models.Model], outcome: str) -> str:
    return f"{model._meta.verbose_name_plural}.{outcome}"
