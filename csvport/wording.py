"""Counts, lists and suggestions as messages say them.

A "did you mean" suggestion costs a comparison with every candidate (difflib), so a
file of 8,000 misspelled measure names against 2,000 measures would cost 16 million:
inside `suggestions(limit)` (what an import runs in) the candidates are indexed once by
their three-letter pieces, only the few sharing the most pieces with the value are
compared, the answer for a value is kept, and at most `limit` values per file get one."""

import contextlib
import contextvars
import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def join_and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# The compared candidates per value, out of those sharing the most pieces with it.
COMPARED = 20


class _Index:
    def __init__(self, candidates: list[str]):
        self.candidates = candidates
        self.pieces: dict[str, list[int]] = defaultdict(list)
        for number, candidate in enumerate(candidates):
            for piece in _pieces(candidate):
                self.pieces[piece].append(number)

    def likely(self, value: str) -> list[str]:
        shared: Counter = Counter()
        for piece in _pieces(value):
            shared.update(self.pieces.get(piece, ()))
        return [self.candidates[number] for number, _ in shared.most_common(COMPARED)]


def _pieces(text: str) -> set[str]:
    padded = f"  {text.casefold()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class _Budget:
    def __init__(self, limit: int):
        self.left = limit
        self.indexes: dict[int, tuple[object, _Index]] = {}
        self.answers: dict[tuple[int, str], str | None] = {}

    def index(self, candidates) -> tuple[int, _Index]:
        # Importers pass the same collection for every row: index it once, by identity
        # (the collection is kept, so the identity stays its own).
        key = id(candidates)
        found = self.indexes.get(key)
        if found is None or found[0] is not candidates:
            found = (candidates, _Index(list(candidates)))
            self.indexes[key] = found
        return key, found[1]


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "csvport_suggestions", default=None
)


@contextlib.contextmanager
def suggestions(limit: int):
    """Within: at most `limit` different values get a suggestion, found through an index."""
    token = _budget.set(_Budget(limit))
    try:
        yield
    finally:
        _budget.reset(token)


def closest(value: str, candidates: Iterable[str]) -> str | None:
    budget = _budget.get()
    if budget is None:
        match = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
        return match[0] if match else None
    key, index = budget.index(candidates)
    if (key, value) in budget.answers:
        return budget.answers[(key, value)]
    if budget.left <= 0:
        return None
    budget.left -= 1
    match = difflib.get_close_matches(value, index.likely(value), n=1, cutoff=0.6)
    answer = match[0] if match else None
    budget.answers[(key, value)] = answer
    return answer


def did_you_mean(value: str, candidates: Iterable[str], otherwise: str = "") -> str:
    match = closest(value, candidates)
    return f"; did you mean “{match}”?" if match else otherwise


def name_key(text: str) -> str:
    """A column name or a choice as people type it: "Discuss only", "round-date"."""
    return text.strip().lower().replace(" ", "_").replace("-", "_")
