"""One fetch per object kind, with what its pages print, answering 404 in words."""

from django.db.models import Prefetch
from django.http import Http404

from negotiations.models import Issue, Negotiation, Official, TalkRound


def get_negotiation(slug: str) -> Negotiation:
    try:
        return Negotiation.objects.with_parties().with_data_version().get(slug=slug)
    except Negotiation.DoesNotExist:
        raise Http404(f"There is no negotiation “{slug}”.") from None


def get_round(negotiation: Negotiation, number: int) -> TalkRound:
    try:
        return (
            TalkRound.objects.select_related(
                "negotiation__party_a", "negotiation__party_b", "source"
            )
            # One query for the participants with their countries, not two.
            .prefetch_related(
                Prefetch("participants", queryset=Official.objects.select_related("country"))
            )
            .get(negotiation=negotiation, number=number)
        )
    except TalkRound.DoesNotExist:
        raise Http404(f"{negotiation.title} has no round {number}.") from None


def get_official(pk: int) -> Official:
    try:
        return Official.objects.select_related("country").get(pk=pk)
    except Official.DoesNotExist:
        raise Http404(f"There is no official number {pk}.") from None


def get_issue(negotiation: Negotiation, slug: str) -> Issue:
    try:
        return Issue.objects.select_related("hs_code").get(negotiation=negotiation, slug=slug)
    except Issue.DoesNotExist:
        raise Http404(f"{negotiation.title} has no issue “{slug}”.") from None
