"""A small cast for the page tests, built with the factories: the Japan–U.S. talks told in
five rounds, two shorter U.S. talks (with the U.K. and the EU) to compare them with, and
the U.S. duties on cars, parts and metals they are about. Issues on cars, parts and rice
are tied to their HS headings (the EU's cars and parts to chapter 87).

Every fact a page test asserts is set here, where the test's reader can see it; the demo
data (`negotiations/demo/`) is a different, longer story with tests of its own. The
rounds of the Japan–U.S. talks:

1. 2025-04-16: Japan asks for a review; the U.S. raises rice.
2. 2025-05-01: Japan demands 2.5% on cars (their MFN rate), the U.S. will not negotiate
   the 27.5% (the 25-point gap the talks are known for); new issues come up.
3. 2025-05-23: Japan repeats itself; the U.S. keeps its 27.5% on cars.
   (2025-07-07: the letter threatening 25% on all Japanese goods.)
4. 2025-07-22: the deal: cars and parts at 15% all-in; steel stays at 50%.
5. 2025-09-04: the order putting cars at 15% from 16 September; $550 billion of investment.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from negotiations.models import (
    Issue,
    MilestoneKind,
    Negotiation,
    NegotiationStatus,
    Official,
    Stance,
    TalkRound,
)
from tariffs.models import Confidence, Country, MeasureKind, TariffLine, TariffMeasure
from tests.factories import (
    IssueFactory,
    MilestoneFactory,
    NegotiationFactory,
    OfficialFactory,
    SourceFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
)

CONFIRMED, REPORTED = Confidence.CONFIRMED, Confidence.REPORTED
YOMIURI = "The Japan News (Yomiuri Shimbun)"
SECTION_232_AUTOS_SOURCE = "https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass
class Talks:
    """One negotiation of the cast, its rounds by number and its issues by slug."""

    negotiation: Negotiation
    rounds: dict[int, TalkRound] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)

    def round(self, number: int, date: str, location: str = "Washington, D.C.", **fields):
        self.rounds[number] = TalkRoundFactory(
            negotiation=self.negotiation,
            number=number,
            start_date=day(date),
            location=location,
            **fields,
        )
        return self.rounds[number]

    def issue(self, slug: str, name: str, sector: str = "", lines=(), **fields) -> Issue:
        self.issues[slug] = IssueFactory(
            negotiation=self.negotiation, slug=slug, name=name, sector=sector, **fields
        )
        if lines:
            self.issues[slug].tariff_lines.set(lines)
        return self.issues[slug]

    def said(self, number: int, party: Country, issue: str, stance: str, **fields):
        """A position stated in round `number`, on the round's first day unless given, and
        from no source unless given. `stance` is a Stance value: "eliminate", "refuse"…"""
        fields.setdefault("stated_on", self.rounds[number].start_date)
        fields.setdefault("source", None)
        return StatedPositionFactory(
            round=self.rounds[number],
            party=party,
            issue=self.issues[issue],
            stance=Stance(stance),
            **fields,
        )


@dataclass
class Cast:
    japan: Country
    united_states: Country
    united_kingdom: Country
    european_union: Country
    akazawa: Official
    bessent: Official
    lutnick: Official
    lines: dict[str, TariffLine] = field(default_factory=dict)
    measures: dict[str, TariffMeasure] = field(default_factory=dict)
    talks: dict[str, Talks] = field(default_factory=dict)

    @property
    def japan_us(self) -> Talks:
        return self.talks["japan-us-2025"]


def countries() -> dict[str, Country]:
    return Country.objects.in_bulk(["JPN", "USA", "GBR", "EUU"], field_name="code")


def the_cast(*, with_partners: bool = True) -> Cast:
    """The Japan–U.S. talks and the U.S. duties they are about; with `with_partners`, the
    U.K.–U.S. and EU–U.S. talks too, which the home, compare and line pages set beside them."""
    by_code = countries()
    cast = Cast(
        japan=by_code["JPN"],
        united_states=by_code["USA"],
        united_kingdom=by_code["GBR"],
        european_union=by_code["EUU"],
        akazawa=OfficialFactory(
            name="Ryosei Akazawa",
            native_name="赤澤亮正",
            native_name_lang="ja",
            title="Minister in charge of Economic Revitalization",
            organization="Cabinet Office / Cabinet Secretariat",
            country=by_code["JPN"],
        ),
        bessent=OfficialFactory(
            name="Scott Bessent", title="Secretary of the Treasury", country=by_code["USA"]
        ),
        lutnick=OfficialFactory(
            name="Howard Lutnick", title="Secretary of Commerce", country=by_code["USA"]
        ),
    )
    us_tariffs(cast)
    japan_us_talks(cast)
    if with_partners:
        uk_us_talks(cast)
        eu_us_talks(cast)
    return cast


def us_tariffs(cast: Cast) -> None:
    """The U.S. lines and measures on cars, parts and metals, and one Japanese line."""
    usa, japan = cast.united_states, cast.japan
    for hs_code, description, base in [
        ("8703", "Passenger motor vehicles (cars)", "2.5"),
        ("8708", "Parts and accessories of motor vehicles", "2.5"),
        ("72", "Iron and steel", "0"),
        ("73", "Articles of iron or steel", "0"),
        ("76", "Aluminum and articles thereof", "0"),
    ]:
        cast.lines[hs_code] = TariffLineFactory(
            importer=usa, hs_code=hs_code, description=description, base_rate_pct=Decimal(base)
        )
    # A specific duty (341 yen a kilogram): no percentage.
    cast.lines["1006"] = TariffLineFactory(
        importer=japan, hs_code="1006", description="Rice", base_rate_pct=None
    )

    # Name, kind, rate, in force from (None: a threat never in force), the lines it
    # covers ("all": every line), its partners (none: every partner), the measures it
    # displaces (goods under a deal rate no longer pay the others).
    baseline, autos, parts = (
        "Reciprocal baseline (EO 14257)",
        "Section 232 autos",
        "Section 232 auto parts",
    )
    japan_all_in = "Reciprocal rate for Japan, 15% all-in (EO 14345)"
    eu_all_in = "Reciprocal rate for the EU, 15% all-in (July 31 order)"
    uk, eu = cast.united_kingdom, cast.european_union
    for name, kind, rate, in_force_from, covers, partners, displaces in [
        (baseline, "additional", 10, "2025-04-05", "all", [], []),
        (autos, "additional", 25, "2025-04-03", ["8703"], [], [baseline]),
        (parts, "additional", 25, "2025-05-03", ["8708"], [], [baseline]),
        ("Section 232 steel and aluminum 50%", "additional", 50, "2025-06-04",
         ["72", "73", "76"], [], [baseline]),
        ("Reciprocal rate for Japan, July 7 letter (threat)", "additional", 25, None,
         "all", [japan], []),
        (japan_all_in, "total", 15, "2025-08-07", "all", [japan], [baseline]),
        ("Japanese autos and parts, 15% all-in (EO 14345 / Commerce notice)", "total", 15,
         "2025-09-16", ["8703", "8708"], [japan], [autos, parts, baseline, japan_all_in]),
        ("U.K. cars within the 100,000 quota (EO 14309)", "total", 10, "2025-06-30",
         ["8703"], [uk], [autos, baseline]),
        (eu_all_in, "total", 15, "2025-08-07", "all", [eu], [baseline]),
        ("EU cars and parts, 15% all-in", "total", 15, "2025-08-01", ["8703", "8708"], [eu],
         [autos, parts, baseline, eu_all_in]),
    ]:  # fmt: skip
        cast.measures[name] = TariffMeasureFactory(
            importer=usa,
            name=name,
            kind=MeasureKind(kind),
            rate_pct=Decimal(rate),
            in_force_from=day(in_force_from) if in_force_from else None,
            covers_all_lines=covers == "all",
            lines=[] if covers == "all" else [cast.lines[code] for code in covers],
            partners=partners,
            displaces=[cast.measures[displaced] for displaced in displaces],
            confidence=CONFIRMED,
        )
    section_232_autos = cast.measures[autos]
    section_232_autos.legal_basis = (
        "Sec. 232, Trade Expansion Act 1962; Proclamation 10908 (Mar 26, 2025)"
    )
    section_232_autos.source_url = SECTION_232_AUTOS_SOURCE
    section_232_autos.save()


def talks_with_the_us(cast: Cast, partner, slug, title, started, concluded) -> Talks:
    """A concluded negotiation of `partner` (party A) with the United States (party B)."""
    negotiation = NegotiationFactory(
        slug=slug,
        title=title,
        party_a=partner,
        party_b=cast.united_states,
        status=NegotiationStatus.CONCLUDED,
        started_on=day(started),
        concluded_on=day(concluded),
    )
    cast.talks[slug] = Talks(negotiation)
    return cast.talks[slug]


def japan_us_talks(cast: Cast) -> Talks:
    japan, usa = cast.japan, cast.united_states
    akazawa, bessent, lutnick = cast.akazawa, cast.bessent, cast.lutnick
    talks = talks_with_the_us(
        cast, japan, "japan-us-2025", "Japan–U.S. tariff talks 2025", "2025-04-07", "2025-07-22"
    )
    yomiuri_apr16 = SourceFactory(publisher=YOMIURI, published_on=day("2025-04-16"))
    yomiuri_apr30 = SourceFactory(publisher=YOMIURI, published_on=day("2025-04-30"))
    yomiuri_may4 = SourceFactory(
        url="https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/",
        title="Latest Japan-U.S. Tariff Talks Reveal Significant Gap",
        publisher=YOMIURI,
        published_on=day("2025-05-04"),
    )
    kyodo = SourceFactory(
        url="https://ng.investing.com/news/stock-market-news/us-denies-japans-full-tariff-exemption-request-offers-partial-cut--kyodo-3990013",
        publisher="Investing.com (Kyodo)",
        published_on=day("2025-05-01"),
    )

    talks.round(1, "2025-04-16", "Washington, D.C. (White House, Oval Office)")
    talks.round(2, "2025-05-01", "Washington, D.C. (U.S. Treasury Department)", source=yomiuri_may4)
    talks.round(3, "2025-05-23")
    talks.round(4, "2025-07-22", "Washington, D.C. (incl. White House)")
    talks.round(5, "2025-09-04")
    talks.rounds[1].participants.set([akazawa, bessent])
    talks.rounds[2].participants.set([akazawa, bessent, lutnick])
    for number in (3, 4, 5):
        talks.rounds[number].participants.set([akazawa, lutnick])
    MilestoneFactory(
        negotiation=talks.negotiation,
        date=day("2025-07-07"),
        kind=MilestoneKind.THREAT,
        title="Letter to Ishiba: 25% on all Japanese goods",
    )

    lines = cast.lines
    # Tied to the HS nomenclature: cars to heading 87.03, parts to 87.08, rice to 10.06;
    # metals span chapters 72, 73 and 76, so they are tied to none.
    talks.issue("autos", "Passenger cars", "automotive", lines=[lines["8703"]], hs_code_id="8703")
    talks.issue("auto-parts", "Auto parts", "automotive", lines=[lines["8708"]], hs_code_id="8708")
    metals = [lines["72"], lines["73"], lines["76"]]
    talks.issue("steel-aluminum", "Steel and aluminum", "metals", lines=metals)
    talks.issue("reciprocal", "Reciprocal tariff", "all goods", covers_all_goods=True)
    talks.issue(
        "agriculture",
        "Rice and agriculture",
        "agriculture",
        lines=[lines["1006"]],
        hs_code_id="1006",
    )
    talks.issue("currency", "Currency", "finance")
    talks.issue("defense", "Defense spending", "security")
    talks.issue("economic-security", "Economic security", "security")
    talks.issue("shipbuilding", "Shipbuilding cooperation", "industry")
    talks.issue("investment", "Investment in the U.S.", "investment")

    # Who said what: round, party, issue, stance, target rate, speaker, source, confidence,
    # statement, and the day it was said where that is not the round's first day.
    regrettable = "Called the U.S. measures 'extremely regrettable'; strongly proposed a review."
    planned = "Planned to demand withdrawal of 25% auto/steel/aluminum tariffs."
    review = "Requested a review of all additional tariffs on Japan, including autos and steel."
    refused = "Would not negotiate the car tariffs (25% on top of the 2.5% MFN rate)."
    reiterated = "Reiterated the demand for a review of the auto and steel tariffs."
    deal = "Agreed 15% all-in on cars and parts, and on all other goods."
    statements = [
        (1, japan, "autos", "reduce", None, akazawa, yomiuri_apr16, CONFIRMED, regrettable),
        (1, usa, "agriculture", "demand", None, None, None, REPORTED, "Raised the rice market."),
        (2, japan, "autos", "eliminate", "2.5", akazawa, yomiuri_apr30, CONFIRMED, planned,
         "2025-04-30"),
        (2, japan, "autos", "eliminate", "2.5", akazawa, yomiuri_may4, REPORTED, review),
        (2, japan, "steel-aluminum", "eliminate", "0", akazawa, yomiuri_may4, REPORTED, review),
        (2, japan, "reciprocal", "eliminate", "0", akazawa, yomiuri_may4, REPORTED, review),
        (2, usa, "autos", "refuse", "27.5", bessent, kyodo, REPORTED, refused),
        (2, usa, "steel-aluminum", "refuse", None, bessent, kyodo, REPORTED,
         "Would not negotiate the steel and aluminum tariffs."),
        (2, usa, "reciprocal", "discuss_only", None, bessent, yomiuri_may4, REPORTED,
         "Would only discuss the additional 14% reciprocal portion."),
        (2, usa, "economic-security", "demand", None, bessent, None, CONFIRMED,
         "Treasury called economic security national security."),
        (2, japan, "shipbuilding", "offer", None, akazawa, None, REPORTED,
         "Broached technical cooperation in shipbuilding."),
        (2, japan, "defense", "refuse", None, akazawa, None, CONFIRMED,
         "Said defense was not discussed in the tariff talks."),
        (2, japan, "agriculture", "offer", None, akazawa, None, REPORTED,
         "Proposed expanding imports of U.S. corn and soybeans."),
        (3, japan, "autos", "eliminate", "2.5", akazawa, None, CONFIRMED, reiterated),
        (3, japan, "steel-aluminum", "eliminate", "0", akazawa, None, CONFIRMED, reiterated),
        (3, usa, "autos", "maintain", "27.5", lutnick, None, REPORTED, "Kept the 25% on cars."),
        (4, japan, "autos", "accept", "15", akazawa, None, CONFIRMED, deal),
        (4, japan, "auto-parts", "accept", "15", akazawa, None, CONFIRMED, deal),
        (4, japan, "reciprocal", "accept", "15", akazawa, None, CONFIRMED, deal),
        (4, usa, "autos", "accept", "15", lutnick, None, CONFIRMED, deal),
        (4, usa, "auto-parts", "accept", "15", lutnick, None, CONFIRMED, deal),
        (4, usa, "reciprocal", "accept", "15", lutnick, None, CONFIRMED, deal),
        (4, japan, "defense", "refuse", None, akazawa, None, CONFIRMED,
         "Akazawa said defense spending is not part of the deal.", "2025-07-23"),
        (4, usa, "steel-aluminum", "maintain", "50", lutnick, None, CONFIRMED, "50% on metals."),
        (5, usa, "autos", "accept", "15", lutnick, None, CONFIRMED,
         "The executive order puts Japanese cars at 15% all-in from September 16."),
        (5, japan, "investment", "offer", None, akazawa, None, CONFIRMED,
         "Japan will provide investments and loan guarantees of up to $550 billion."),
    ]  # fmt: skip
    for number, party, issue, stance, target, speaker, source, confidence, *said in statements:
        statement, stated_on = (*said, None) if len(said) == 1 else said
        talks.said(
            number,
            party,
            issue,
            stance,
            target_rate_pct=Decimal(target) if target is not None else None,
            speaker=speaker,
            source=source,
            confidence=confidence,
            statement=statement,
            stated_on=day(stated_on) if stated_on else talks.rounds[number].start_date,
        )
    return talks


def uk_us_talks(cast: Cast) -> Talks:
    uk, usa = cast.united_kingdom, cast.united_states
    talks = talks_with_the_us(
        cast, uk, "uk-us-2025", "U.K.–U.S. tariff talks 2025", "2025-04-03", "2025-05-08"
    )
    talks.round(1, "2025-05-08")
    talks.rounds[1].participants.set([cast.lutnick])
    talks.issue("autos", "Cars", "automotive", lines=[cast.lines["8703"]], hs_code_id="8703")
    talks.issue("reciprocal", "Reciprocal tariff", "all goods", covers_all_goods=True)
    talks.issue("steel-aluminum", "Steel and aluminum", "metals")
    talks.issue("agriculture", "Beef, ethanol and agriculture", "agriculture")
    for party in (uk, usa):
        talks.said(1, party, "autos", "accept", target_rate_pct=Decimal("10"))
    talks.said(
        1, usa, "reciprocal", "maintain", target_rate_pct=Decimal("10"), speaker=cast.lutnick
    )
    talks.said(1, uk, "steel-aluminum", "eliminate", target_rate_pct=Decimal("0"))
    talks.said(1, uk, "agriculture", "offer")
    return talks


def eu_us_talks(cast: Cast) -> Talks:
    eu, usa = cast.european_union, cast.united_states
    talks = talks_with_the_us(
        cast, eu, "eu-us-2025", "EU–U.S. tariff talks 2025", "2025-04-10", "2025-07-27"
    )
    talks.round(1, "2025-07-27", "Turnberry, Scotland")
    talks.rounds[1].participants.set([cast.lutnick])
    # Cars and parts: two headings, so the chapter.
    talks.issue(
        "autos", "Cars and parts", "automotive", lines=[cast.lines["8703"]], hs_code_id="87"
    )
    talks.issue("reciprocal", "Reciprocal tariff", "all goods", covers_all_goods=True)
    talks.issue("industrial-goods", "Industrial goods", "industry")
    for party in (eu, usa):
        for issue in ("autos", "reciprocal"):
            talks.said(1, party, issue, "accept", target_rate_pct=Decimal("15"))
    talks.said(1, eu, "industrial-goods", "offer", target_rate_pct=Decimal("0"))
    return talks
