"""The rules that span rows, in words: which positions an edit of a parent would break.

The database keeps these rules (triggers, migrations 0005 and 0013), so no path can break
them; the models' `clean()` asks the same questions first, so that the admin says which
positions stand in the way instead of showing an error page.
"""

from django.db.models import Q

from changes import refusals

# How many positions a message names before it says "and N more".
NAMED = 5


def broken_by_parties(negotiation):
    """Positions of the negotiation's rounds stated by a party it would no longer have."""
    from negotiations.models import StatedPosition

    return StatedPosition.objects.filter(round__negotiation_id=negotiation.pk).exclude(
        party_id__in=[negotiation.party_a_id, negotiation.party_b_id]
    )


def broken_by_issue_move(issue):
    """Positions on the issue stated in rounds of another negotiation than its own."""
    from negotiations.models import StatedPosition

    return StatedPosition.objects.filter(issue_id=issue.pk).exclude(
        round__negotiation_id=issue.negotiation_id
    )


def broken_by_round_move(round_):
    """Positions of the round on issues or by parties of another negotiation than its own."""
    from negotiations.models import Negotiation, StatedPosition

    negotiation = Negotiation.objects.filter(pk=round_.negotiation_id).first()
    if negotiation is None:
        return StatedPosition.objects.none()
    return StatedPosition.objects.filter(round_id=round_.pk).filter(
        ~Q(issue__negotiation_id=negotiation.pk)
        | ~Q(party_id__in=[negotiation.party_a_id, negotiation.party_b_id])
    )


def broken_by_country(official):
    """Positions the official spoke stated for another country than the official's."""
    from negotiations.models import StatedPosition

    return StatedPosition.objects.filter(speaker_id=official.pk).exclude(
        party_id=official.country_id
    )


def name_positions(positions) -> str:
    """ "2 stated positions: JPN on autos, round 2 (“Japan asked …”); USA on rice, round 3
    (“…”)", at most NAMED of them, then "and N more"."""
    total = positions.count()
    shown = positions.select_related("party", "issue", "round").order_by(
        "round__number", "stated_on", "pk"
    )[:NAMED]
    named = "; ".join(
        f"{p.party.code} on {p.issue.slug}, round {p.round.number} (“{shorten(p.statement)}”)"
        for p in shown
    )
    more = f"; and {total - NAMED} more" if total > NAMED else ""
    noun = "stated position" if total == 1 else "stated positions"
    return f"{total} {noun}: {named}{more}"


def shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


refusals.register(
    {
        "negotiations_negotiation_parties_of_positions": "The parties were not changed: "
        "positions of these talks are stated by the party you removed. Move those positions "
        "to the other party or delete them first.",
        "negotiations_issue_negotiation_of_positions": "The issue was not moved: positions on "
        "it were stated in rounds of its negotiation. Delete those positions first, or add "
        "the issue to the other negotiation as a new one.",
        "negotiations_talkround_negotiation_of_positions": "The round was not moved: its "
        "positions are on issues or by parties of its negotiation. Delete those positions "
        "first, or add the round to the other negotiation as a new one.",
        "negotiations_official_country_of_positions": "The country was not changed: this "
        "official spoke positions stated for the former country. Change those positions' "
        "speaker first.",
        "negotiations_statedposition_speaker_of_party": "A speaker must speak for the "
        "position's party: choose an official of that country, or no speaker.",
        # Migration 0005's trigger names no rule: its message's first words stand for it.
        "a position's party must be one of": "A position's party must be one of its "
        "negotiation's two parties, and its issue one of that negotiation's issues.",
        "negotiations_source_unique_url": "Another source already has this URL: choose that "
        "source instead.",
        "negotiations_source_unique_unlinked": "Another source without a URL already has this "
        "publisher, title and date: choose that source instead.",
        "negotiations_statedposition_unique_statement": "This round already has this "
        "statement by this party on this issue.",
        "negotiations_talkround_unique_number": "These talks already have a round with this "
        "number.",
        "negotiations_issue_unique_slug": "These talks already have an issue with this slug.",
    }
)
