"""`manage.py import_csv KIND FILE [--dry-run]`, KIND one of the formats (positions,
tariff-lines, tariff-measures, trade-values, negotiations, officials, sources, rounds,
milestones, issues).

Prints the same preview as the admin (the counts, then every problem as `line 12, column
party: …`), then writes everything in one transaction, or nothing: a refused file exits
with status 1. Progress goes to stderr, so the preview can be piped or diffed.
"""

import contextlib
import getpass
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

from changes.models import ChangeKind
from changes.scope import change_set
from csvport.importer import plan_file
from csvport.plans import PROGRESS_EVERY, ImportRefused, Plan
from csvport.reading import COMMAND_MAX_BYTES, size_problem
from csvport.wording import plural
from negotiations import importers as negotiation_importers
from tariffs import importers as tariff_importers

# The kinds of file, by their format's name, in an order that imports a whole set of files.
KINDS = {
    importer.format.name: importer
    for importer in (*tariff_importers.IMPORTERS, *negotiation_importers.IMPORTERS)
}
TOO_LARGE_HINT = "split it into smaller files."


class Command(BaseCommand):
    help = (
        f"Import a CSV file of one kind: {', '.join(KINDS)} (formats in the README). Print "
        "a preview of what would change and every problem, then write it all in one "
        "transaction, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="what the file holds")
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the preview and write nothing"
        )
        parser.add_argument(
            "--user",
            help="the account the history records as having made the change (default: "
            "the operating-system user running the command)",
        )

    def handle(self, *args, **options):
        try:
            self.import_file(**options)
        except (OperationalError, InterfaceError) as error:
            # The database stopped or timed out: one message, not a traceback. A write cut
            # before its commit is undone by PostgreSQL (one cut during the commit may have
            # landed); importing again is safe, since rows already there are matched by
            # their natural key, not added twice.
            raise CommandError(
                f"The database failed ({' '.join(str(error).split())}): the import was not "
                "confirmed, and is undone unless the failure came as it committed. Import the "
                "file again: rows already written are matched, not added twice."
            ) from None

    def import_file(self, *, kind, file, dry_run, verbosity, user, **options):
        self.verbosity = verbosity
        importer = KINDS[kind]
        account = self.account(user)
        path = Path(file)
        self.started, self.reported = time.monotonic(), {}
        try:
            size = path.stat().st_size
            problem = size_problem(size, COMMAND_MAX_BYTES, TOO_LARGE_HINT)
            # Read as a stream: a file of a million rows is never held whole.
            opened = contextlib.nullcontext() if problem else path.open("rb")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}.") from None
        with opened as stream:
            if problem:
                plan = Plan(
                    what=importer.format.what, noun=importer.format.noun, problems=[problem]
                )
            else:
                plan = plan_file(
                    importer, stream, max_bytes=COMMAND_MAX_BYTES, progress=self.progress
                )
        self.print_preview(path.name, plan)
        if plan.refused:
            raise CommandError(self.refusal(path.name, plan))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        who = {"user": account} if account else {"username": f"{getpass.getuser()} (command line)"}
        try:
            with change_set(kind=ChangeKind.IMPORT, name=path.name, **who) as scope:
                plan.apply(progress=self.progress)
                scope.summary = plan.outcome(path.name)
        except ImportRefused as refusal:
            for problem in refusal.problems:
                self.stdout.write(str(problem))
            raise CommandError(self.refusal(path.name, plan)) from None
        self.stdout.write(self.style.SUCCESS(plan.outcome(path.name)))

    @staticmethod
    def account(username):
        if username is None:
            return None
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"There is no user “{username}”; nothing was read or written.")
        return found

    def print_preview(self, name: str, plan: Plan) -> None:
        related = plan.related_summary()
        self.stdout.write(f"{name}: {plural(plan.valid_rows, 'valid row')}.")
        self.stdout.write(plan.summary() + (f"; {related}." if related else "."))
        for note in plan.notes:
            self.stdout.write(f"note: {note}")
        for related in plan.related:
            for name in related.created_names:
                self.stdout.write(f"new {related.noun}: {name}")
            for name in related.updated_names:
                self.stdout.write(f"changed {related.noun}: {name}")
        if plan.problems:
            self.stdout.write(
                self.style.ERROR(f"{plural(len(plan.problems), 'problem')}; nothing was written:")
            )
            for problem in plan.problems:
                self.stdout.write(str(problem))
            if plan.more_problems:
                self.stdout.write(
                    f"… and more: the file was read no further after {len(plan.problems):,} "
                    "problems (CSV_IMPORT_MAX_PROBLEMS)."
                )

    @staticmethod
    def refusal(name: str, plan: Plan) -> str:
        return f"{name} was refused ({plural(len(plan.problems), 'problem')}); nothing was written."

    def progress(self, stage: str, done: int, total: int) -> None:
        # Small files need no progress; big ones report every 10,000 rows or so.
        if self.verbosity < 1 or total < PROGRESS_EVERY:
            return
        last = self.reported.get(stage, 0)
        if done == last or (done != total and done // PROGRESS_EVERY == last // PROGRESS_EVERY):
            return
        self.reported[stage] = done
        elapsed = time.monotonic() - self.started
        self.stderr.write(f"{stage} {done:,} of {total:,} rows ({elapsed:.1f} s)")
