"""`manage.py export_csv`: the files the pages' "Download CSV" links give, from the shell.

It calls the download functions the views call, with the same parameters, so a file
written here is byte for byte the file the browser downloads.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.http import Http404

from csvport.writing import InvalidParameters, MarkedIfIncomplete
from negotiations.views import downloads

# what -> (download, the options that go into the URL path, the options that go into the query)
TABLES = {
    "negotiations": (downloads.negotiations_download, (), ("party", "status")),
    "gap": (downloads.gap_download, ("negotiation",), ("round", "sector", "open", "sort")),
    "gap-by-round": (
        downloads.gap_by_round_download,
        ("negotiation",),
        ("round", "sector", "open", "sort"),
    ),
    "history": (downloads.history_download, ("negotiation", "issue"), ("round",)),
    "round": (downloads.round_download, ("negotiation", "round"), ()),
    "positions": (downloads.positions_download, (), ()),
    "compare": (downloads.compare_download, (), ("importer",)),
    "tariff-lines": (downloads.tariff_lines_download, (), ("q", "importer", "partner", "date")),
    "changes": (downloads.changes_download, (), ("negotiation", "since", "until")),
}


class Command(BaseCommand):
    help = (
        "Write a table as CSV, as its page's Download CSV link does: "
        + ", ".join(TABLES)
        + ". To standard output unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(TABLES))
        parser.add_argument("--output", "-o", help="file to write instead of standard output")
        parser.add_argument("--bom", action="store_true", help="start with a BOM, for Excel")
        parser.add_argument(
            "--negotiation",
            help="negotiation slug (gap, gap-by-round, history, round; positions of one "
            "negotiation)",
        )
        parser.add_argument("--issue", help="issue slug (history)")
        parser.add_argument(
            "--round", help="round number (round; as-of round for gap, gap-by-round, history)"
        )
        parser.add_argument("--sector", help="gap, gap-by-round: only this sector")
        parser.add_argument(
            "--open", action="store_true", help="gap, gap-by-round: open or one-sided issues only"
        )
        parser.add_argument("--sort", help="gap, gap-by-round: gap or issue")
        parser.add_argument("--party", help="negotiations: a party's ISO code")
        parser.add_argument("--status", help="negotiations: ongoing, concluded or stalled")
        parser.add_argument("--importer", help="compare, tariff-lines: the importer's ISO code")
        parser.add_argument("--partner", help="tariff-lines: the partner's ISO code")
        parser.add_argument("--q", help="tariff-lines: HS code prefix or words")
        parser.add_argument("--date", help="tariff-lines: rates as of this date (YYYY-MM-DD)")
        parser.add_argument("--since", help="changes: from this day (YYYY-MM-DD)")
        parser.add_argument("--until", help="changes: until this day (YYYY-MM-DD)")

    def handle(self, *args, what, output, bom, **options):
        download, path_options, query_options = TABLES[what]
        if what == "positions" and options["negotiation"]:
            path_options = ("negotiation",)
        path = []
        for name in path_options:
            value = options[name]
            if not value:
                raise CommandError(f"export_csv {what} needs --{name}.")
            if name == "round":
                if not str(value).isdigit():
                    raise CommandError(f"--round must be a round number, not {value!r}.")
                value = int(value)
            path.append(value)
        query = {
            name: "on" if options[name] is True else options[name]
            for name in query_options
            if options[name]
        }
        try:
            file = download(query, *path)
        except (Http404, InvalidParameters) as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"Nothing was exported: {one_line(error)}") from None
        chunks = MarkedIfIncomplete(file.chunks(bom=bom), file.filename)
        self._write(chunks, output)
        if chunks.failure is not None:
            raise CommandError(
                f"The database failed while {output or 'the file'} was being written "
                f"({one_line(chunks.failure)}): it is incomplete, and its last line says so. "
                "Export it again."
            )

    def _write(self, chunks, output):
        if output is None:
            try:
                for chunk in chunks:
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                # `export_csv positions | head`: the reader has what it wanted.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        try:
            with open(output, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        if chunks.failure is None:
            self.stderr.write(f"Wrote {output}.")


def one_line(error: DatabaseError) -> str:
    return " ".join(str(error).split())
