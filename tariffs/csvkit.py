"""What every CSV file of the tracker shares, read or written: the cells a spreadsheet
would run as a formula, and the column lists of the fixed formats.

OWASP's advice for CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so that a spreadsheet shows it as text.
Numbers in numeric columns are written as they are (`-5` stays a number), and reading
strips the quote again so that a round trip does not add a second one.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """A text cell as it is written to a file: never a formula."""
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def unneutralize(cell: str) -> str:
    """A text cell as it is read from a file: the quote `neutralize` added is dropped."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


# The positions format of DESIGN.md and the README: fixed, in this order.
POSITION_COLUMNS = (
    "negotiation",
    "round",
    "round_date",
    "party",
    "speaker",
    "issue",
    "stance",
    "target_rate_pct",
    "statement",
    "source_url",
    "source_title",
    "source_publisher",
    "published_on",
    "confidence",
)
