"""A change set: the history rows written by one save in the admin, one CSV import or one
run of the demo loader, with who made it and, for an import, the file's name.

django-simple-history keeps one historical table per tracked model (positions, rounds…);
each historical row points to its change set, so "what did this import do" and "what
changed in round 2 last week" are both plain queries.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChangeKind(models.TextChoices):
    EDIT = "edit", "edit in the admin"
    IMPORT = "import", "CSV import"
    DEMO = "demo", "demo data"
    OTHER = "other", "other"


class ChangeSet(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_sets",
    )
    # Who, as a person reads it: the account's name, or the OS user of a command.
    username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=10, choices=ChangeKind.choices, default=ChangeKind.OTHER)
    name = models.CharField(max_length=300, blank=True, help_text="For an import: the file's name.")
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        who = self.username or "someone"
        if self.kind == ChangeKind.IMPORT:
            return f"{who} imported {self.name}"
        if self.kind == ChangeKind.DEMO:
            return f"{who} loaded the demo data"
        return f"{who} edited"


class ChangeSetLink(models.Model):
    """The base of every historical model: its row's change set."""

    change_set = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


def track_history(**options):
    """The history of a tracked model: every field but `updated_at`, with its change set."""
    from simple_history.models import HistoricalRecords

    return HistoricalRecords(bases=[ChangeSetLink], excluded_fields=["updated_at"], **options)


class ReferenceDataVersion(models.Model):
    """One row whose version changes whenever the data that many pages read but no one
    negotiation owns changes: countries, tariff lines, measures and their links, trade
    values (the tariffs app's tables), officials and sources. With each negotiation's own
    data version (negotiations.NegotiationDataVersion) it keys the cached pages
    (negotiations/page_cache.py), so such an edit can never leave a stale page.

    The database keeps it: migration 0002 here creates the function that bumps it, and
    each app's migrations attach it to their tables with statement-level triggers
    (row-level on SQLite), so every write path bumps it in the transaction of the write.
    Like the negotiations' versions it only grows (the larger of the previous one plus one
    and the clock in microseconds)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"reference data: version {self.version}"
