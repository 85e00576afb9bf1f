"""Factories for tests: each builds a valid row with the fewest arguments."""

import datetime
from decimal import Decimal

import factory

from negotiations.models import (
    Issue,
    Milestone,
    MilestoneKind,
    Negotiation,
    Official,
    Source,
    Stance,
    StatedPosition,
    TalkRound,
)
from tariffs.models import Confidence, Country, MeasureKind, TariffLine, TariffMeasure, TradeValue


def country(code: str) -> Country:
    """Countries come from the migration; tests look them up rather than create them."""
    return Country.objects.get(code=code)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = "Example News"
    published_on = datetime.date(2025, 5, 4)


class NegotiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiation

    party_a = factory.LazyFunction(lambda: country("JPN"))
    party_b = factory.LazyFunction(lambda: country("USA"))
    title = factory.Sequence(lambda n: f"Talks {n}")
    slug = factory.Sequence(lambda n: f"talks-{n}")
    started_on = datetime.date(2025, 4, 7)


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"Official {n}")
    country = factory.LazyFunction(lambda: country("JPN"))


class TalkRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkRound

    negotiation = factory.SubFactory(NegotiationFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = factory.LazyAttribute(
        lambda o: datetime.date(2025, 4, 1) + datetime.timedelta(days=14 * o.number)
    )
    location = "Washington, D.C."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    negotiation = factory.SubFactory(NegotiationFactory)
    date = datetime.date(2025, 7, 7)
    kind = MilestoneKind.DEADLINE
    title = factory.Sequence(lambda n: f"Milestone {n}")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    negotiation = factory.SubFactory(NegotiationFactory)
    name = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.Sequence(lambda n: f"issue-{n}")


class StatedPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatedPosition

    round = factory.SubFactory(TalkRoundFactory)
    party = factory.LazyAttribute(lambda o: o.round.negotiation.party_a)
    issue = factory.SubFactory(
        IssueFactory, negotiation=factory.SelfAttribute("..round.negotiation")
    )
    stance = Stance.ELIMINATE
    target_rate_pct = None
    statement = factory.Sequence(lambda n: f"Statement {n}")
    source = factory.SubFactory(SourceFactory)
    stated_on = factory.LazyAttribute(lambda o: o.round.start_date)
    confidence = Confidence.CONFIRMED


class TariffLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TariffLine

    importer = factory.LazyFunction(lambda: country("USA"))
    hs_code = "8703"
    description = "Passenger cars"
    base_rate_pct = Decimal("2.5")


class TariffMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TariffMeasure
        skip_postgeneration_save = True

    importer = factory.LazyFunction(lambda: country("USA"))
    name = factory.Sequence(lambda n: f"Measure {n}")
    kind = MeasureKind.ADDITIONAL
    rate_pct = Decimal("10")
    in_force_from = datetime.date(2025, 1, 1)

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create and extracted:
            self.lines.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)

    @factory.post_generation
    def displaces(self, create, extracted, **kwargs):
        if create and extracted:
            self.displaces.set(extracted)


class TradeValueFactory(factory.django.DjangoModelFactory):
    """A line's yearly imports; `line=None, importer=…` for an all-goods total."""

    class Meta:
        model = TradeValue

    line = factory.SubFactory(TariffLineFactory)
    importer = factory.LazyAttribute(lambda o: o.line.importer if o.line else country("USA"))
    partner = factory.LazyFunction(lambda: country("JPN"))
    year = 2024
    value_usd = Decimal("1000000")
    source_url = factory.Sequence(lambda n: f"https://trade.example.org/figure-{n}")
    source_publisher = "Example Trade Statistics"
    published_on = "2025-02"
    confidence = Confidence.REPORTED


def many_positions(slug: str, rows: int, statement) -> str:
    """`rows` positions of Japan in one round of a negotiation of their own (`slug`), the
    n-th saying `statement(n)`, written in batches: data for the tests of large downloads.
    Returns the slug."""
    negotiation = NegotiationFactory(slug=slug)
    round_ = TalkRoundFactory(negotiation=negotiation, number=1)
    issue = IssueFactory(negotiation=negotiation, slug="everything")
    japan = country("JPN")
    StatedPosition.objects.bulk_create(
        (
            StatedPosition(
                round=round_,
                party=japan,
                issue=issue,
                stance=Stance.REDUCE,
                target_rate_pct=Decimal(n % 1000),
                statement=statement(n),
                stated_on=round_.start_date,
                confidence="reported",
            )
            for n in range(rows)
        ),
        batch_size=5000,
    )
    return slug
