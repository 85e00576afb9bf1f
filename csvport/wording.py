"""Counts, lists and suggestions as messages say them."""

import difflib
from collections.abc import Iterable, Sequence


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def join_and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def closest(value: str, candidates: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(value: str, candidates: Iterable[str], otherwise: str = "") -> str:
    match = closest(value, candidates)
    return f"; did you mean “{match}”?" if match else otherwise


def name_key(text: str) -> str:
    """A column name or a choice as people type it: "Discuss only", "round-date"."""
    return text.strip().lower().replace(" ", "_").replace("-", "_")
