"""What importing a file would do, row by row, and doing it: all of it in one
transaction, or nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction

from changes import refusals
from csvport.problems import Problem, Refused
from csvport.timeouts import no_statement_timeout_in_transaction
from csvport.wording import join_and, plural

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
OUTCOMES = (CREATED, UPDATED, UNCHANGED)

# (stage, done, total): rows "read", then "checked", then "written"; the command prints it.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 10_000


class RowOutcome(NamedTuple):
    line: int
    outcome: str
    label: str
    changed: tuple[str, ...] = ()  # for an update: the columns whose values change


@dataclass
class Related:
    """Rows of another model an import creates or updates on the way (a position's round)."""

    model: Any
    created: int = 0
    updated: int = 0
    # What the preview names: each row created ("round 11 of japan-us-2025, 2025-10-01"),
    # and each one updated with what changes.
    created_names: list[str] = field(default_factory=list)
    updated_names: list[str] = field(default_factory=list)
    # New rows whose name the editor may change before confirming: (form key, name).
    editable_names: list[tuple[str, str]] = field(default_factory=list)

    # A class: templates would call it.
    do_not_call_in_templates = True

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


class ImportRefused(Refused):
    """The file has problems, or the database changed under the import; nothing was written."""


@dataclass
class Plan:
    """What importing a file would do; `apply()` does it."""

    what: str  # "positions"
    noun: str  # "position"
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    # Not errors, but worth a look before confirming ("issue `auots` will be created").
    notes: list[Problem] = field(default_factory=list)
    writer: Callable[[Progress | None], None] | None = None
    applied: bool = False
    attempted: bool = False
    # An import that does not hold every row's outcome (`rows` lists the first ones that
    # change) gives the counts of all of them here.
    totals: dict[str, int] | None = None
    # Problems beyond those listed: the file was read no further than the limit.
    more_problems: bool = False

    @property
    def counts(self) -> dict[str, int]:
        if self.totals is not None:
            return dict(self.totals)
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def valid_rows(self) -> int:
        return sum(self.counts.values())

    @property
    def change_count(self) -> int:
        counts = self.counts
        return counts[CREATED] + counts[UPDATED]

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def changes(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome != UNCHANGED]

    @property
    def changes_anything(self) -> bool:
        """Whether confirming would write anything at all."""
        return bool(self.change_count) or any(r.created or r.updated for r in self.related)

    def summary(self) -> str:
        """ "298 positions to create, 2 to update, 0 unchanged" (or "created", once applied)."""
        counts = self.counts
        verbs = ("created", "updated") if self.applied else ("to create", "to update")
        return (
            f"{plural(counts[CREATED], self.noun)} {verbs[0]}, {counts[UPDATED]:,} {verbs[1]}, "
            f"{counts[UNCHANGED]:,} unchanged"
        )

    def related_summary(self) -> str:
        """ "also 1 round and 3 issues to create; 1 source to update", or ""."""
        verbs = ("created", "updated") if self.applied else ("to create", "to update")
        parts = []
        for attribute, verb in zip(("created", "updated"), verbs, strict=True):
            items = [
                plural(getattr(related, attribute), related.noun)
                for related in self.related
                if getattr(related, attribute)
            ]
            if items:
                parts.append(f"{join_and(items)} {verb}")
        return f"also {'; '.join(parts)}" if parts else ""

    def outcome(self, file_name: str) -> str:
        """ "Imported positions.csv: 3 positions created, …; also 1 round created." """
        related = self.related_summary()
        return f"Imported {file_name}: {self.summary()}" + (f"; {related}." if related else ".")

    def apply(self, progress: Progress | None = None) -> None:
        """Write everything in one transaction, or nothing."""
        if self.problems:
            raise ImportRefused(self.problems)
        if self.attempted:
            # A failed attempt leaves primary keys on the rows it meant to create.
            raise RuntimeError("A plan is applied once; plan the file again.")
        self.attempted = True
        try:
            with transaction.atomic():
                # A large file's writes, and the commit that checks their (deferred)
                # foreign keys, take longer than a page may.
                no_statement_timeout_in_transaction()
                if self.writer is not None:
                    self.writer(progress)
        except IntegrityError as error:
            # Someone changed the same rows between the check and the write.
            raise ImportRefused(
                [
                    Problem(
                        message=f"nothing was written: {refusals.in_words(error)} "
                        "If someone changed the same rows meanwhile, import the file again."
                    )
                ]
            ) from error
        self.applied = True
