"""The cells a spreadsheet would run as a formula, neutralized on writing, restored on reading.

OWASP's advice for CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so that a spreadsheet shows it as text.
Numbers in numeric columns are written as they are (`-5` stays a number), and reading
strips the quote again so that a round trip does not add a second one.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(cell: str) -> bool:
    # A formula, or text that would read back as one once a quote is stripped ('=1+1).
    return cell.startswith(FORMULA_STARTS) or (cell.startswith("'") and _needs_quote(cell[1:]))


def neutralize(cell: str) -> str:
    """A text cell as it is written to a file: never a formula. Text that already starts
    like a neutralized cell gets a quote too, so that reading gives it back unchanged."""
    return "'" + cell if _needs_quote(cell) else cell


def unneutralize(cell: str) -> str:
    """A text cell as it is read from a file: the quote `neutralize` added is dropped."""
    if cell.startswith("'") and _needs_quote(cell[1:]):
        return cell[1:]
    return cell
