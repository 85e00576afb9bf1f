"""A write the database refused, in words: never its raw text.

Each app registers words for the rules its database keeps (constraints and triggers, by
name); `in_words` finds the rule an IntegrityError names and returns those words. The raw
message goes to the log, for the operator; an editor reads what to do.
"""

import logging

from django.db import IntegrityError

logger = logging.getLogger(__name__)

_WORDS: dict[str, str] = {}

FALLBACK = (
    "The database refused the change: it would break a rule the data must keep (another "
    "edit may have changed the same rows meanwhile)."
)


def register(words: dict[str, str]) -> None:
    """Words for rules by name: {"negotiations_source_unique_url": "another source has …"}."""
    _WORDS.update(words)


def rule_of(error: IntegrityError) -> str | None:
    """The name of the constraint or trigger that refused the write, when it is known."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name in _WORDS:
        return name
    # SQLite names no constraint: its triggers start their message with the rule's name,
    # and its unique indexes are named in the message too.
    text = str(error)
    return next((rule for rule in _WORDS if rule in text), None)


def in_words(error: IntegrityError) -> str:
    rule = rule_of(error)
    logger.warning("refused by the database (%s): %s", rule or "unknown rule", error)
    return _WORDS.get(rule, FALLBACK) if rule else FALLBACK
