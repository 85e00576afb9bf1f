"""Reading an uploaded CSV file safely; every import of the tracker starts here.

Files come from Excel as often as from code, so anything a file can be other than a clean
UTF-8 CSV (a workbook renamed .csv, UTF-16, Windows-1252, an unclosed quote, a misspelled
column) gets a plain answer that names the line and the column, and nothing is read
further. Line numbers are the file's own, the header being line 1: in a spreadsheet they
are the row numbers, as long as no cell holds a line break.

What comes out is a `Table`: the expected columns, then one `Row` per data line with every
cell stripped of surrounding spaces and of the quote `formulas.neutralize` puts before a
formula-like text, so a file the tracker exported reads back as it was written. A column
the format marks optional may be left out of a file; its cells then read as empty.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings

from csvport.formats import CsvFormat
from csvport.formulas import unneutralize
from csvport.problems import Problem, Refused
from csvport.wording import closest, name_key

MB = 1024 * 1024
# A position row is 150 to 250 bytes: the admin's limit (5 MB by default) is ~25,000
# positions, plenty for a round or a colleague's spreadsheet and quick to preview in one
# request; the command's (1 GB) is millions of rows, for bulk loads run by an operator.
ADMIN_MAX_BYTES = settings.CSV_IMPORT_ADMIN_MAX_MB * MB
COMMAND_MAX_BYTES = settings.CSV_IMPORT_COMMAND_MAX_MB * MB

SAVE_AS_CSV_UTF8 = "in Excel use File → Save As → “CSV UTF-8 (Comma delimited) (*.csv)”"

# Magic numbers of what people save instead of a CSV, most common first.
_SIGNATURES = (
    (b"PK\x03\x04", None),  # a zip: xlsx, ods or a plain archive, told apart below
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97–2003 workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
UTF8_BOM = b"\xef\xbb\xbf"


class CsvFileError(Refused):
    """The file cannot be read as a CSV of the expected format; nothing was read from it."""


@dataclass
class Row:
    line: int
    cells: dict[str, str]


@dataclass
class Table:
    columns: tuple[str, ...]
    rows: list[Row]
    # Lines that could not be read as a row (a cell too many or too few): reported with
    # the importer's own errors, so one preview lists everything wrong.
    problems: list[Problem] = field(default_factory=list)


def size_problem(size: int, limit: int, hint: str = "") -> Problem | None:
    if size <= limit:
        return None
    message = f"the file is {size / MB:.1f} MB; the limit here is {limit / MB:.0f} MB"
    return Problem(message=f"{message}; {hint}" if hint else f"{message}.")


def read_table(
    data: bytes | BinaryIO,
    csv_format: CsvFormat,
    *,
    max_bytes: int,
    max_rows: int | None = None,
    too_large_hint: str = "",
) -> Table:
    """The rows of `data`, a CSV whose header names the columns of `csv_format` (in any
    order), all held in a list. Raises `CsvFileError` when the file as a whole is unusable."""
    streamed = stream_table(
        data, csv_format, max_bytes=max_bytes, max_rows=max_rows, too_large_hint=too_large_hint
    )
    table = Table(columns=streamed.columns, rows=list(streamed.rows))
    table.problems = streamed.problems
    return table


class StreamedTable:
    """A file's header, checked, and its rows read one at a time as `rows` is iterated:
    a file of a million rows costs the memory of one. Lines that cannot be a row are
    added to `problems` as the reading reaches them; a fault that makes the rest of the
    file unreadable (a quote never closed, bytes that are not UTF-8, too many rows)
    raises `CsvFileError` from the iteration."""

    def __init__(self, stream: BinaryIO, csv_format: CsvFormat, *, max_rows: int | None, size):
        self.stream, self.format, self.max_rows, self.size = stream, csv_format, max_rows, size
        self.problems: list[Problem] = []
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        self.lines = _Lines(self, text)
        first = self.lines.peek()
        self.delimiter = _delimiter(first)
        reader = csv.reader(self.lines, delimiter=self.delimiter, strict=True)
        self.records = _records(reader, self)
        header_line, header = next(
            ((line, cells) for line, cells in self.records if any(c.strip() for c in cells)),
            (0, []),
        )
        if not header:
            raise CsvFileError([Problem(message="the file is empty.")])
        names = [_column_name(cell) for cell in header]
        while names and not names[-1]:
            names.pop()  # empty cells a spreadsheet leaves after the last column
        problems = check_header(names, csv_format, header_line)
        if problems:
            raise CsvFileError(problems)
        self.columns = csv_format.names
        self.names = names
        # About how many rows follow: the lines of the file (a cell may hold a line break).
        self.estimate = max(1, _count_lines(stream) - header_line)
        self.count = 0

    @property
    def rows(self):
        columns, what = self.columns, self.format.what
        names = self.names
        places = [(column, names.index(column)) for column in columns if column in names]
        absent = dict.fromkeys((column for column in columns if column not in names), "")
        width = len(names)
        for line, cells in self.records:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, and lines of empty cells a spreadsheet leaves, are skipped
            self.count += 1
            if self.max_rows is not None and self.count > self.max_rows:
                raise CsvFileError(
                    [
                        Problem(
                            line=line,
                            message=f"the file has more than {self.max_rows:,} rows, the limit "
                            "here: split it into smaller files, or have an operator load it "
                            "with “manage.py import_csv”.",
                        )
                    ]
                )
            if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width]
            if len(cells) != width:
                self.problems.append(
                    Problem(
                        line=line,
                        message=f"{len(cells)} cells where the header has {width} columns; a "
                        "comma too many or too few? (A cell holding a comma must be quoted.)",
                    )
                )
                continue
            row = Row(line=line, cells={c: _clean(cells[at]) for c, at in places})
            if absent:
                row.cells.update(absent)
            yield row
        if not self.count:
            raise CsvFileError(
                [Problem(message=f"the file has a header but no rows: no {what} to import.")]
            )

    def whole(self) -> bytes:
        """Every byte of the file: only to explain a fault, once reading has failed."""
        self.stream.seek(0)
        return self.stream.read()


def stream_table(
    data: bytes | BinaryIO,
    csv_format: CsvFormat,
    *,
    max_bytes: int,
    max_rows: int | None = None,
    too_large_hint: str = "",
) -> StreamedTable:
    """The header of `data` (bytes, or a binary file open for reading) checked against
    `csv_format`, and its rows to be read one by one. Raises `CsvFileError` when the file
    as a whole is unusable."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    problem = size_problem(size, max_bytes, too_large_hint)
    if problem:
        raise CsvFileError([problem])
    check_start(stream.read(4096))
    stream.seek(0)
    return StreamedTable(stream, csv_format, max_rows=max_rows, size=size)


def _count_lines(stream: BinaryIO) -> int:
    at = stream.tell()
    stream.seek(0)
    lines, last = 0, b"\n"
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    stream.seek(at)
    return lines + (last != b"\n")


class _Lines:
    """The file's text line by line for the csv reader: a NUL, or bytes that are not
    UTF-8, stop the reading with the line named."""

    def __init__(self, table: StreamedTable, text):
        self.table, self.text, self.number, self.first = table, text, 0, None

    def peek(self) -> str:
        if self.first is None:
            self.first = self._next()
        return self.first

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.first is not None:
            line, self.first = self.first, None
            if not line:
                raise StopIteration
            return line
        line = self._next()
        if not line:
            raise StopIteration
        return line

    def _next(self) -> str:
        try:
            line = self.text.readline()
        except UnicodeDecodeError:
            data = self.table.whole().removeprefix(UTF8_BOM)
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise CsvFileError([_not_utf8(data, error)]) from None
            raise
        if line:
            self.number += 1
            if "\x00" in line:
                raise CsvFileError(
                    [
                        Problem(
                            line=self.number,
                            message="the file contains a NUL byte, which no text file has: it "
                            f"is binary, or damaged; {SAVE_AS_CSV_UTF8}.",
                        )
                    ]
                )
        return line


# --- bytes to text ---------------------------------------------------------------------------


def check_start(head: bytes) -> None:
    """Raise a `CsvFileError` saying what the file is when its first bytes show it is not
    UTF-8 text: a workbook, a PDF, UTF-16 or -32, or nothing at all."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            kind = kind or _zip_kind(head)
            raise CsvFileError(
                [Problem(message=f"this is {kind}, not a CSV file: {SAVE_AS_CSV_UTF8}.")]
            )
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            raise CsvFileError(
                [
                    Problem(
                        message=f"the file is {encoding} (Excel's “Unicode Text” is saved so), "
                        f"not UTF-8: {SAVE_AS_CSV_UTF8}."
                    )
                ]
            )
    head = head.removeprefix(UTF8_BOM)
    if not head.strip():
        raise CsvFileError([Problem(message="the file is empty.")])
    if b"\x00" in head and _looks_like_utf16(head):
        raise CsvFileError(
            [
                Problem(
                    message="the file looks like UTF-16 without a byte-order mark, not UTF-8: "
                    f"{SAVE_AS_CSV_UTF8}."
                )
            ]
        )


def _zip_kind(data: bytes) -> str:
    head = data[:4096]
    if b"opendocument.spreadsheet" in head:
        return "an OpenDocument spreadsheet (.ods)"
    if b"xl/" in head or b"[Content_Types].xml" in head:
        return "an Excel workbook (.xlsx)"
    return "a ZIP archive (an Excel workbook?)"


def _looks_like_utf16(head: bytes) -> bool:
    # ASCII text in UTF-16 has a NUL in every other byte.
    even, odd = head[0::2], head[1::2]
    return even.count(0) > len(even) // 3 or odd.count(0) > len(odd) // 3


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> Problem:
    """Where the first byte that is not UTF-8 is, and what the file probably is instead."""
    start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    header = data[: data.find(b"\n")] if b"\n" in data else data
    column = ""
    if line > 1:
        names = next(csv.reader([header.decode("utf-8", "replace")]), [])
        prefix = data[start : error.start].decode("utf-8", "replace")
        index = len(next(csv.reader([prefix + "x"]), [""])) - 1
        column = names[index].strip().lower() if index < len(names) else ""
    bad_lines = sum(1 for raw in data.split(b"\n") if not _is_utf8(raw))
    more = f" ({bad_lines - 1} more lines have such bytes)" if bad_lines > 1 else ""
    byte = data[error.start]
    return Problem(
        line=line,
        column=column,
        message=f"the file is not UTF-8: byte 0x{byte:02X} here is not UTF-8{more}; "
        f"it looks like {_guess_encoding(data)}. {SAVE_AS_CSV_UTF8[0].upper()}"
        f"{SAVE_AS_CSV_UTF8[1:]}.",
    )


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess_encoding(data: bytes) -> str:
    # Japanese Excel saves CSV as Shift_JIS: if the file reads as that and shows kana or
    # kanji, say so; Western Excel saves Windows-1252.
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        pass
    else:
        if any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text):
            return "Shift_JIS (a Japanese Excel's “CSV (Comma delimited)”)"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "Latin-1 or another single-byte encoding"
    return "Windows-1252 or Latin-1 (Excel's plain “CSV (Comma delimited)”)"


# --- text to rows -------------------------------------------------------------------------------


def _clean(cell: str) -> str:
    cell = cell.strip()
    # The quote `neutralize` puts before a formula-like text goes; nothing else changes.
    return unneutralize(cell).strip() if cell[:1] == "'" else cell


def _delimiter(text: str) -> str:
    # The header names no cell with a comma in it, so its first line says how cells are
    # separated: Excel in a locale with a decimal comma writes semicolons.
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    if ";" in first:
        return ";"
    if "\t" in first:
        return "\t"
    return ","


def _column_name(cell: str) -> str:
    return name_key(cell.strip().strip("\ufeff"))


def _records(reader, table: StreamedTable):
    """(line where the record starts, cells) for every record, with unreadable quoting
    turned into a `CsvFileError` that names the line and column."""
    header: list[str] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            text = table.whole().removeprefix(UTF8_BOM).decode("utf-8")
            raise CsvFileError(
                [_quoting_problem(text, start, table.delimiter, header, error)]
            ) from None
        if not header and any(cell.strip() for cell in cells):
            header = [_column_name(cell) for cell in cells]
        yield start, cells


def _quoting_problem(
    text: str, start: int, delimiter: str, header: list[str], error: csv.Error
) -> Problem:
    found = _scan_quotes(text, start, delimiter)
    if found is None:
        return Problem(line=start, message=f"the line cannot be read as CSV ({error}).")
    kind, line, cell = found
    column = header[cell] if cell < len(header) else ""
    if kind == "unclosed":
        message = (
            "a quoted cell starts here and is never closed, so the rest of the file would "
            'be read into it: add the closing quote, or write a quote inside a cell as "".'
        )
    else:
        message = (
            "text follows the quote that closes this cell: a quote inside a quoted cell "
            'is written "", and a cell ends at the next delimiter.'
        )
    return Problem(line=line, column=column, message=message)


def _scan_quotes(text: str, start: int, delimiter: str):
    """The first quoting fault from line `start` on: ("unclosed" | "after_quote", line,
    cell index), or None. Mirrors the csv module's rules; run only once it has failed."""
    lines = io.StringIO(text, newline="").readlines()
    rest = "".join(lines[start - 1 :])
    line, cell, opened = start, 0, (start, 0)
    in_quotes, at_cell_start = False, True
    i = 0
    while i < len(rest):
        ch, following = rest[i], rest[i + 1 : i + 2]
        if in_quotes and ch == '"':
            if following == '"':
                i += 2
                continue
            in_quotes = False
            if following and following not in (delimiter, "\r", "\n"):
                return ("after_quote", line, cell)
        elif in_quotes:
            pass
        elif ch == delimiter:
            cell, at_cell_start = cell + 1, True
            i += 1
            continue
        elif ch == '"' and at_cell_start:
            in_quotes, opened = True, (line, cell)
        elif ch in "\r\n":
            cell, at_cell_start = 0, True
            if ch == "\n" or following != "\n":
                line += 1
            i += 1
            continue
        if in_quotes and (ch == "\n" or (ch == "\r" and following != "\n")):
            line += 1
        at_cell_start = False
        i += 1
    if in_quotes:
        return ("unclosed", *opened)
    return None


def check_header(names: list[str], csv_format: CsvFormat, line: int = 1):
    """Every way the header can differ from the format's columns, one problem each."""
    columns, what = csv_format.names, csv_format.what
    expected = set(columns)
    if not expected.intersection(names):
        return [
            Problem(
                line=line,
                message=f"this line should be the header of a {what} file, naming the "
                f"columns {', '.join(csv_format.required)}; it names none of them.",
            )
        ]
    problems = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        if name in seen:
            problems.append(
                Problem(
                    line=line,
                    message=f"the column “{name}” appears twice (header cells {seen[name]} "
                    f"and {index}).",
                )
            )
        seen.setdefault(name, index)
    missing = [column for column in csv_format.required if column not in seen]
    suggested = set()
    for name in seen:
        if name in expected:
            continue
        if not name:
            problems.append(
                Problem(line=line, message="a header cell is empty; every column needs a name.")
            )
            continue
        guess = closest(name, missing)
        if guess:
            suggested.add(guess)
            problems.append(
                Problem(line=line, message=f"“{name}” is not a column; did you mean “{guess}”?")
            )
        else:
            problems.append(
                Problem(
                    line=line,
                    message=f"“{name}” is not a column of the {what} format; remove it "
                    f"(the columns are {', '.join(columns)}).",
                )
            )
    for column in missing:
        if column not in suggested:
            problems.append(Problem(line=line, message=f"the column “{column}” is missing."))
    return problems
