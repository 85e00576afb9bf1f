"""`manage.py export_csv`: the files the pages' "Download CSV" links give, from the shell.

It calls the same export views with the same query parameters, so a file written here
is byte for byte the file the browser downloads.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404, HttpRequest, QueryDict

from negotiations.views import exports
from negotiations.views.tariff_lines import lines_csv

# what -> (view, the options that go into the URL path, the options that go into the query)
TABLES = {
    "negotiations": (exports.negotiations_csv, (), ("party", "status")),
    "gap": (exports.gap_csv, ("negotiation",), ("round", "sector", "open", "sort")),
    "history": (exports.history_csv, ("negotiation", "issue"), ("round",)),
    "round": (exports.round_csv, ("negotiation", "round"), ()),
    "positions": (exports.positions_csv, (), ()),
    "compare": (exports.compare_csv, (), ("importer",)),
    "tariff-lines": (lines_csv, (), ("q", "importer", "partner", "date")),
}
PATH_ARGUMENTS = {"negotiation": "slug", "issue": "issue_slug", "round": "number"}


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
            help="negotiation slug (gap, history, round; positions of one negotiation)",
        )
        parser.add_argument("--issue", help="issue slug (history)")
        parser.add_argument("--round", help="round number (round; as-of round for gap, history)")
        parser.add_argument("--sector", help="gap: only this sector")
        parser.add_argument("--open", action="store_true", help="gap: open issues only")
        parser.add_argument("--sort", help="gap: gap or issue")
        parser.add_argument("--party", help="negotiations: a party's ISO code")
        parser.add_argument("--status", help="negotiations: ongoing, concluded or stalled")
        parser.add_argument("--importer", help="compare, tariff-lines: the importer's ISO code")
        parser.add_argument("--partner", help="tariff-lines: the partner's ISO code")
        parser.add_argument("--q", help="tariff-lines: HS code prefix or words")
        parser.add_argument("--date", help="tariff-lines: rates as of this date (YYYY-MM-DD)")

    def handle(self, *args, what, output, bom, **options):
        view, path_options, query_options = TABLES[what]
        if what == "positions" and options["negotiation"]:
            path_options = ("negotiation",)
        kwargs = {}
        for name in path_options:
            if not options[name]:
                raise CommandError(f"export_csv {what} needs --{name}.")
            kwargs[PATH_ARGUMENTS[name]] = options[name]
        if "number" in kwargs:
            if not str(kwargs["number"]).isdigit():
                raise CommandError(f"--round must be a round number, not {kwargs['number']!r}.")
            kwargs["number"] = int(kwargs["number"])

        request = HttpRequest()
        request.method = "GET"
        request.GET = QueryDict(mutable=True)
        for name in query_options:
            value = options[name]
            if value:
                request.GET[name] = "on" if value is True else value
        if bom:
            request.GET["bom"] = "1"

        try:
            response = view(request, **kwargs)
        except Http404 as error:
            raise CommandError(str(error)) from None
        if response.status_code != 200:
            raise CommandError(response.content.decode().replace("\n", " "))
        self._write(response.streaming_content, output)

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
        self.stderr.write(f"Wrote {output}.")
