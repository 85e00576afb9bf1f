"""The demo facts that are not in the CSV files beside this module.

Transcribed from the project's 2025 fact sheets (facts-2025.json and facts-2025.md), which
the project never reads at run time. Every record keeps the source URL and the confidence
the fact sheet gives it, even where the model has no column for them (officials, tariff
lines, negotiations): the provenance stays next to the fact.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

iso = date.fromisoformat

CONFIRMED, REPORTED, INFERRED = "confirmed", "reported", "inferred"


@dataclass(frozen=True)
class NegotiationFact:
    slug: str
    party_a: str
    party_b: str
    title: str
    summary: str
    started_on: date
    concluded_on: date
    confidence: str
    status: str = "concluded"


@dataclass(frozen=True)
class OfficialFact:
    name: str
    native_name: str
    title: str
    organization: str
    country: str
    source_url: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class MeetingFact:
    """A dated meeting. `number` 0 or None is a leaders' meeting, not a round."""

    negotiation: str
    number: int | None
    date: date
    location: str
    participants: tuple[str, ...]
    summary: str
    source_url: str
    confidence: str
    additional_sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TariffLineFact:
    importer: str
    hs_code: str
    description: str
    base_rate_pct: Decimal | None
    source_url: str
    confidence: str
    note: str = ""
    additional_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureFact:
    name: str
    legal_basis: str
    kind: str
    rate_pct: Decimal
    announced_on: date | None
    in_force_from: date | None
    in_force_until: date | None
    source_url: str
    confidence: str
    note: str
    lines: tuple[str, ...] = ()
    covers_all_lines: bool = False
    partners: tuple[str, ...] = ()
    displaces: tuple[str, ...] = ()
    additional_sources: tuple[str, ...] = ()
    importer: str = "USA"


# --- Negotiations -------------------------------------------------------------------------
# Every negotiation reached a deal, so all are concluded on the date of the agreement
# (milestones-2025.csv, kind "agreement"). Each starts on its first round, except
# Japan–U.S.: its first round was April 16, but the talks began with the leaders' call of
# April 7, where Ishiba and Trump agreed to appoint ministers to negotiate.
NEGOTIATIONS = [
    NegotiationFact(
        slug="japan-us-2025",
        party_a="JPN",
        party_b="USA",
        title="Japan–U.S. tariff talks 2025",
        summary="U.S.–Japan Agreement of July 22, 2025; EO 14345.",
        started_on=iso("2025-04-07"),
        concluded_on=iso("2025-07-22"),
        confidence=CONFIRMED,
    ),
    NegotiationFact(
        slug="uk-us-2025",
        party_a="GBR",
        party_b="USA",
        title="U.K.–U.S. tariff talks 2025",
        summary="U.S.–UK Economic Prosperity Deal (General Terms, May 8, 2025; EO 14309).",
        started_on=iso("2025-05-08"),
        concluded_on=iso("2025-05-08"),
        confidence=CONFIRMED,
    ),
    NegotiationFact(
        slug="eu-us-2025",
        party_a="EUU",
        party_b="USA",
        title="EU–U.S. tariff talks 2025",
        summary="U.S.–EU Framework Agreement (Turnberry, July 27, 2025; "
        "Joint Statement Aug 21, 2025).",
        started_on=iso("2025-03-25"),
        concluded_on=iso("2025-07-27"),
        confidence=CONFIRMED,
    ),
]

# --- Officials ----------------------------------------------------------------------------
# The native-script names come from the fact sheet's general knowledge, not from a source
# (facts README, and "Facts we could NOT confirm").
OFFICIALS = [
    OfficialFact(
        name="Shigeru Ishiba",
        native_name="石破茂",
        title="Prime Minister (until October 2025)",
        organization="Cabinet of Japan",
        country="JPN",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250617-264600/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Ryosei Akazawa",
        native_name="赤澤亮正",
        title="Minister in charge of Economic Revitalization; Japan's chief tariff negotiator "
        "(from October 2025 Minister of Economy, Trade and Industry)",
        organization="Cabinet Office / Cabinet Secretariat",
        country="JPN",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250502-252264/",
        confidence=CONFIRMED,
        note="METI title after October 2025 is reported (allthe.news, Oct 26, 2025).",
    ),
    OfficialFact(
        name="Yoshimasa Hayashi",
        native_name="林芳正",
        title="Chief Cabinet Secretary; co-head of the government tariff task force",
        organization="Cabinet of Japan",
        country="JPN",
        source_url="https://staging.daddycow.com/livenewss/news/2731118/"
        "Japan-and-U-S-appoint-tariff-negotiators-after-Ishiba-Trump-phone-call",
        confidence=REPORTED,
    ),
    OfficialFact(
        name="Katsunobu Kato",
        native_name="加藤勝信",
        title="Minister of Finance",
        organization="Ministry of Finance",
        country="JPN",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250425-251053/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Yoji Muto",
        native_name="武藤容治",
        title="Minister of Economy, Trade and Industry",
        organization="METI",
        country="JPN",
        source_url="https://japannews.yomiuri.co.jp/news-services/reuters/20250212-238126/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Sanae Takaichi",
        native_name="高市早苗",
        title="Prime Minister (from October 2025)",
        organization="Cabinet of Japan",
        country="JPN",
        source_url="https://voz.us/en/world/251028/30361/new-golden-age-trump-cements-"
        "strategic-alliance-with-japan-after-signing-trade-and-mineral-resources-deals.html",
        confidence=REPORTED,
    ),
    OfficialFact(
        name="Donald Trump",
        native_name="",
        title="President",
        organization="The White House",
        country="USA",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250417-249655",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Scott Bessent",
        native_name="",
        title="Secretary of the Treasury; lead U.S. negotiator with Japan",
        organization="U.S. Department of the Treasury",
        country="USA",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250606-260081/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Jamieson Greer",
        native_name="",
        title="U.S. Trade Representative",
        organization="Office of the U.S. Trade Representative (USTR)",
        country="USA",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250502-252264/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Howard Lutnick",
        native_name="",
        title="Secretary of Commerce",
        organization="U.S. Department of Commerce",
        country="USA",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250502-252264/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Karoline Leavitt",
        native_name="",
        title="White House Press Secretary",
        organization="The White House",
        country="USA",
        source_url="https://biz.chosun.com/en/en-international/2025/08/01/"
        "RIW7P4COXJD4NCDPNX47O7NASY/?outputType=amp",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Keir Starmer",
        native_name="",
        title="Prime Minister",
        organization="UK Government",
        country="GBR",
        source_url="https://www.lbc.co.uk/usa/politics/trump-and-starmer-hail-historic-day-as-"
        "details-of-great-us-uk-trade-deal-reveale/",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Jonathan Reynolds",
        native_name="",
        title="Secretary of State for Business and Trade",
        organization="Department for Business and Trade",
        country="GBR",
        source_url="https://parliament.jmoore.io/debates/"
        "B5ACDADD-D407-4A14-83CE-DBCF2C82C3C8?memberId=4434",
        confidence=REPORTED,
    ),
    OfficialFact(
        name="Peter Mandelson",
        native_name="",
        title="UK Ambassador to the United States",
        organization="Foreign, Commonwealth & Development Office",
        country="GBR",
        source_url="https://feeds.bbci.co.uk/news/live/cn91dxzv4pnt?page=5",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Ursula von der Leyen",
        native_name="",
        title="President of the European Commission",
        organization="European Commission",
        country="EUU",
        source_url="https://www.indiatoday.in/world/story/us-eu-seal-trade-framework-after-"
        "trumps-tariff-talks-with-top-european-leader-glbs-2762207-2025-07-27",
        confidence=CONFIRMED,
    ),
    OfficialFact(
        name="Maroš Šefčovič",
        native_name="",
        title="European Commissioner for Trade",
        organization="European Commission",
        country="EUU",
        source_url="https://sofiaglobe.com/2025/08/21/eu-us-publish-joint-statement-on-"
        "transatlantic-trade-and-investment/",
        confidence=CONFIRMED,
    ),
]

# --- Meetings: numbered rounds, and leaders' meetings (number 0 or None) -------------------
# Japan's rounds 1–8 follow Japan's count of ministerial rounds; 9 and 10 are the fact
# sheet's numbering for the meetings that implemented the deal.
MEETINGS = [
    MeetingFact(
        negotiation="japan-us-2025",
        number=0,
        date=iso("2025-04-07"),
        location="By telephone",
        participants=("Shigeru Ishiba", "Donald Trump"),
        summary="Leaders' call (~25 min). Ishiba voiced concern over tariffs' effect on "
        "Japanese firms' investment capacity; agreed to appoint ministers to continue talks.",
        source_url="https://ajw-origin.potaufeu.asahi.com/ajw/articles/15701523",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japannews.yomiuri.co.jp/politics/politics-government/20250407-247553/",
        ),
        note="Number 0 = preliminary contact, not a negotiating round.",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=1,
        date=iso("2025-04-16"),
        location="Washington, D.C. (White House, Oval Office)",
        participants=(
            "Ryosei Akazawa",
            "Donald Trump",
            "Scott Bessent",
            "Howard Lutnick",
            "Jamieson Greer",
        ),
        summary="Akazawa met Trump ~50 min, then ~75 min ministerial talks with Bessent, "
        "Lutnick, Greer. Japan called the measures 'extremely regrettable' and strongly "
        "requested a review; Trump complained about trade imbalance and few U.S. cars in "
        "Japan. Agreed to aim for an early leaders-level deal and to meet again by end-April.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250417-249655",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japannews.yomiuri.co.jp/politics/politics-government/20250418-249831",
            "https://archives.lincolndailynews.com/2025/Apr/17/NEWS/business_i.shtml",
        ),
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=2,
        date=iso("2025-05-01"),
        location="Washington, D.C. (U.S. Treasury Department)",
        participants=("Ryosei Akazawa", "Scott Bessent", "Jamieson Greer", "Howard Lutnick"),
        summary="~130 min. Japan sought review of all additional tariffs incl. autos, steel "
        "and aluminum; U.S. side indicated it would only discuss the additional 14% "
        "'reciprocal' portion above the 10% baseline. Discussed trade expansion, non-tariff "
        "barriers, economic security; currency and defense not on the agenda. Agreed "
        "intensive ministerial talks from mid-May; working-level talks from May 2.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japannews.yomiuri.co.jp/politics/politics-government/20250502-252264/",
            "https://www.nippon.com/en/news/yjj2025050200278/"
            "japan-u-s-hold-2nd-round-of-tariff-talks-eyeing-june-deal.html",
            "https://ng.investing.com/news/stock-market-news/"
            "us-denies-japans-full-tariff-exemption-request-offers-partial-cut--kyodo-1899326",
        ),
        note="The 'U.S. would only discuss 14%' element is reported via sources (Yomiuri, "
        "Kyodo); the meeting itself is confirmed.",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=3,
        date=iso("2025-05-23"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Jamieson Greer"),
        summary="Separate talks with Lutnick (~90 min) and Greer (~2 h); Bessent absent. Japan "
        "reiterated review of auto, steel/aluminum and all reciprocal tariffs; shipbuilding "
        "cooperation proposed.",
        source_url="https://japannews.yomiuri.co.jp/?p=256139",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japannews.yomiuri.co.jp/politics/politics-government/20250526-256360/",
        ),
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=4,
        date=iso("2025-05-30"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Scott Bessent", "Howard Lutnick"),
        summary="Over two hours (130 min per Reuters). Akazawa urged dropping all tariffs incl. "
        "autos, parts, steel, aluminum; agreed another round before the G7 summit.",
        source_url="https://www.japantimes.co.jp/business/2025/05/31/economy/akzawa-tariff-talks/",
        confidence=CONFIRMED,
        additional_sources=("https://www.daily8.com/en/article/a1402e3ed5d332c84cb94377a587646d",),
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=5,
        date=iso("2025-06-05"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Scott Bessent"),
        summary="Met Lutnick June 5; talks with Bessent scheduled June 6. Japan pressing for "
        "lifting of tariffs; proposals on farm imports, auto NTBs, rare earths/semiconductor "
        "supply chains.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250606-260081/",
        confidence=REPORTED,
        note="Bessent meeting on June 6 not confirmed.",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=6,
        date=iso("2025-06-13"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Scott Bessent"),
        summary="Separate in-person meetings with Lutnick and Bessent; ~30-min phone call with "
        "Lutnick on June 14 ahead of the G7 leaders' meeting.",
        source_url="https://jen.jiji.com/jc/i?g=eco&k=2025061500253",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japannews.yomiuri.co.jp/politics/politics-government/20250615-264019/",
        ),
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=None,
        date=iso("2025-06-16"),
        location="Kananaskis, Alberta, Canada (G7 summit)",
        participants=("Shigeru Ishiba", "Donald Trump", "Ryosei Akazawa"),
        summary="Leaders' meeting (~30 min): no agreement on the package; autos the main gap; "
        "ministers instructed to continue.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250617-264600/",
        confidence=CONFIRMED,
        additional_sources=(
            "https://www.aa.com.tr/en/world/trump-ishiba-meet-with-no-pact-on-tariffs/3601530",
        ),
        note="Leaders' meeting, not counted in Japan's ministerial round numbering.",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=7,
        date=iso("2025-06-27"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick"),
        summary="In-person meeting with Lutnick June 27 and two phone calls June 28; a Bessent "
        "meeting sought by Japan did not take place.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250630-266763",
        confidence=CONFIRMED,
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=8,
        date=iso("2025-07-22"),
        location="Washington, D.C. (incl. White House)",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Scott Bessent", "Donald Trump"),
        summary="8th visit: >2 h with Lutnick, separate meeting with Bessent, then meeting with "
        "Trump. Trump announced the deal the same evening: 15% reciprocal tariff (autos "
        "included), $550bn Japanese investment, market opening for cars, trucks, rice and some "
        "agricultural goods. Steel/aluminum 50% unchanged; defense spending not included.",
        source_url="https://econotimes.com/"
        "Japan-Races-to-Seal-US-Trade-Deal-as-August-Tariff-Deadline-Looms-1716814",
        confidence=CONFIRMED,
        additional_sources=(
            "https://www.daily8.com/en/article/5d4fbe281292a09e8d6bc5a7c7c74bcd",
            "https://japannews.yomiuri.co.jp/news-services/reuters/20250723-271114/",
            "https://usafricaonline.com/2025/07/23/u-s-and-japan-agree-on-a-new-tariff-deal",
        ),
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=9,
        date=iso("2025-08-07"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Scott Bessent"),
        summary="Post-deal talks (Aug 6–7) after the July 31 order stacked 15% on MFN rates for "
        "Japan; U.S. promised to amend the order, refund excess duties and cut auto tariffs "
        "from 27.5% to 15%.",
        source_url="https://japannews.yomiuri.co.jp/politics/politics-government/20250808-274332",
        confidence=CONFIRMED,
        additional_sources=(
            "https://japantoday.com/category/politics/"
            "japan-says-us-promises-to-fix-double-tariff-oversight",
            "https://www.alojapan.com/1340649/u-s-denies-tariff-exemption-for-japan-at-odds-with-tokyo",
        ),
        note="Numbering 9 is ours (implementation phase).",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=10,
        date=iso("2025-09-04"),
        location="Washington, D.C.",
        participants=("Ryosei Akazawa", "Howard Lutnick", "Donald Trump"),
        summary="Trump signed EO 14345 implementing the agreement; Lutnick and Akazawa signed "
        "memoranda of understanding on the $550bn investment.",
        source_url="https://www.ndtvprofit.com/business/"
        "donald-trump-signs-order-sealing-japan-trade-deal-with-15-tariff-rate",
        confidence=CONFIRMED,
        additional_sources=(
            "https://www.govinfo.gov/content/pkg/FR-2025-09-09/html/2025-17389.htm",
            "https://www.hudson.org/trade/investing-security-success-analysis-us-japan-550-"
            "billion-strategic-investment-fund-william-chou",
        ),
        note="Numbering 10 is ours; Trump listed as signatory of the EO, not as present at the "
        "MOU signing.",
    ),
    MeetingFact(
        negotiation="japan-us-2025",
        number=None,
        date=iso("2025-10-28"),
        location="Tokyo (Akasaka Palace)",
        participants=("Donald Trump", "Sanae Takaichi"),
        summary="Leaders signed a document confirming commitment to implement the July deal and "
        "a critical-minerals framework.",
        source_url="https://voz.us/en/world/251028/30361/new-golden-age-trump-cements-"
        "strategic-alliance-with-japan-after-signing-trade-and-mineral-resources-deals.html",
        confidence=REPORTED,
    ),
    MeetingFact(
        negotiation="uk-us-2025",
        number=1,
        date=iso("2025-05-08"),
        location="Washington, D.C. (Oval Office; UK PM by phone/video)",
        participants=("Donald Trump", "Keir Starmer", "Peter Mandelson", "Howard Lutnick"),
        summary="General Terms of the Economic Prosperity Deal announced: 100,000-car quota at "
        "10% total, beef and ethanol access for U.S., aerospace tariff removal; 10% baseline "
        "retained.",
        source_url="https://www.lbc.co.uk/usa/politics/trump-and-starmer-hail-historic-day-as-"
        "details-of-great-us-uk-trade-deal-reveale/",
        confidence=CONFIRMED,
        additional_sources=(
            "https://feeds.bbci.co.uk/news/live/cn91dxzv4pnt?page=5",
            "https://parallelparliament.co.uk/debate/2025-06-18/commons/written-statements/"
            "uk-us-economic-prosperity-deal/ministerial-extracts",
        ),
    ),
    MeetingFact(
        negotiation="uk-us-2025",
        number=2,
        date=iso("2025-06-16"),
        location="Kananaskis, Canada (G7) [location inferred]",
        participants=("Donald Trump", "Keir Starmer"),
        summary="Leaders agreed further progress; Trump signed EO 14309 implementing the General "
        "Terms (auto quota and aerospace terms in force June 30, 2025).",
        source_url="https://parallelparliament.co.uk/debate/2025-06-18/commons/written-statements/"
        "uk-us-economic-prosperity-deal/ministerial-extracts",
        confidence=CONFIRMED,
        additional_sources=(
            "https://ca.hoganlovells.com/en/publications/uk-and-us-economic-prosperity-deal-key-takeaways",
            "https://sidebar.btlaw.com/post/102kp9t/"
            "u-s-uk-trade-deal-automobiles-aerospace-steel-and-aluminum",
        ),
        note="Date and EO confirmed; G7 location is inferred.",
    ),
    MeetingFact(
        negotiation="eu-us-2025",
        number=1,
        date=iso("2025-03-25"),
        location="Washington, D.C.",
        participants=("Maroš Šefčovič", "Howard Lutnick", "Jamieson Greer"),
        summary="Pre-'Liberation Day' talks (also with NEC Director Kevin Hassett); outcome "
        "unclear.",
        source_url="https://squidsite02.com/2025/03/25/eu-trade-chief-meets",
        confidence=REPORTED,
    ),
    MeetingFact(
        negotiation="eu-us-2025",
        number=2,
        date=iso("2025-04-14"),
        location="Washington, D.C.",
        participants=("Maroš Šefčovič", "Howard Lutnick", "Jamieson Greer"),
        summary="EU proposed 'zero-for-zero' tariffs on all industrial goods including cars; EU "
        "asked the U.S. to define its position.",
        source_url="https://newsfinale.com/us/eu-open-to-negotiating-with-us-to-remove-tariffs",
        confidence=CONFIRMED,
        additional_sources=("https://blob.circex.org/p/19897",),
    ),
    MeetingFact(
        negotiation="eu-us-2025",
        number=3,
        date=iso("2025-07-27"),
        location="Turnberry, Scotland",
        participants=("Donald Trump", "Ursula von der Leyen", "Howard Lutnick"),
        summary="Framework deal: 15% ceiling on most EU goods incl. autos; EU to buy $750bn of "
        "U.S. energy and invest $600bn; steel/aluminum stay at 50%.",
        source_url="https://www.indiatoday.in/world/story/us-eu-seal-trade-framework-after-"
        "trumps-tariff-talks-with-top-european-leader-glbs-2762207-2025-07-27",
        confidence=CONFIRMED,
        additional_sources=(
            "https://keyt.com/news/2025/07/27/"
            "trump-meets-with-ursula-von-der-leyen-as-us-eu-trade-deadline-nears/",
            "https://en.portnews.ru/news/379859/",
        ),
    ),
    MeetingFact(
        negotiation="eu-us-2025",
        number=4,
        date=iso("2025-08-21"),
        location="Brussels/Washington (joint statement)",
        participants=("Maroš Šefčovič", "Howard Lutnick", "Jamieson Greer"),
        summary="Joint Statement: 15% all-inclusive maximum; EU to eliminate tariffs on U.S. "
        "industrial goods; U.S. auto relief tied to EU tabling legislation (applied "
        "retroactively from Aug 1 via Sept 25 FR notice).",
        source_url="https://sofiaglobe.com/2025/08/21/eu-us-publish-joint-statement-on-"
        "transatlantic-trade-and-investment/",
        confidence=CONFIRMED,
        additional_sources=(
            "https://www.zawya.com/en/business/currencies/"
            "us-eu-lock-in-trade-deal-us-official-sees-auto-tariff-relief-in-weeks-kqgke44j",
            "https://www.butzel.com/alert-us-implements-eu-trade-deal-reducing-tariffs-on-eu-"
            "autos-parts-and-eliminating-tariffs-on-certain-other-products",
        ),
    ),
]

# --- Sources known only by URL (rounds, milestones) ---------------------------------------
# Publication dates where facts-2025.md gives one beside the URL; the others stay empty.
SOURCE_PUBLISHED_ON = {
    # "Asahi, Apr 7"
    "https://ajw-origin.potaufeu.asahi.com/ajw/articles/15701523": iso("2025-04-07"),
    # "Jiji, June 15"
    "https://jen.jiji.com/jc/i?g=eco&k=2025061500253": iso("2025-06-15"),
    # "Japan News, June 30"
    "https://japannews.yomiuri.co.jp/politics/politics-government/20250630-266763": iso(
        "2025-06-30"
    ),
    # "FR Feb 18, 2025"
    "https://www.govinfo.gov/content/pkg/FR-2025-02-18/html/2025-02832.htm": iso("2025-02-18"),
    # "Kyodo via Japan Today, May 3, 2025"
    "https://japantoday.com/category/politics/"
    "update2-japan-wants-all-tariffs-reviewed-to-reach-deal-with-u.s.-negotiator": iso(
        "2025-05-03"
    ),
    # "FR Apr 3, 2025"
    "https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm": iso("2025-04-03"),
    # "FR Apr 15, 2025"
    "https://govinfo.gov/content/pkg/FR-2025-04-15/html/2025-06462.htm": iso("2025-04-15"),
    # "CBP guidance via C.H. Robinson, May 5, 2025"
    "https://www.chrobinson.ca/it-it/chrglobal/resources/insights-and-advisories/"
    "client-advisories/2025q2/05-05-2025-client-advisory-automobile-part-tariffs-now-in-effect": (
        iso("2025-05-05")
    ),
}

# --- Tariff lines -------------------------------------------------------------------------
# The model has no source or confidence column for a line; they are kept here.
TARIFF_LINES = [
    TariffLineFact(
        importer="USA",
        hs_code="8703",
        description="Passenger motor vehicles (cars)",
        base_rate_pct=Decimal("2.5"),
        source_url="https://htshub.com/us-hs/head/8703-1",
        confidence=CONFIRMED,
    ),
    TariffLineFact(
        importer="USA",
        hs_code="8708",
        description="Auto parts; base rate: the 2.5% MFN that CBP ruling NY N348056 gives "
        "for 8708.40.75",
        base_rate_pct=Decimal("2.5"),
        source_url="https://www.customsmobile.com/rulings/docview?doc_id=NY+N348056"
        "&highlight=9903.94.06%2A",
        confidence=CONFIRMED,
    ),
    # issues-2025.csv: "MFN taken as 0%" for steel and aluminum. No source gives these
    # rates: the 0% is an assumption, hence inferred, and the description says so.
    TariffLineFact(
        importer="USA",
        hs_code="72",
        description="Iron and steel; base rate taken as 0% (an assumption, not a sourced rate)",
        base_rate_pct=Decimal("0"),
        source_url="",
        confidence=INFERRED,
    ),
    TariffLineFact(
        importer="USA",
        hs_code="73",
        description="Articles of iron or steel; base rate taken as 0% (an assumption, not a "
        "sourced rate)",
        base_rate_pct=Decimal("0"),
        source_url="",
        confidence=INFERRED,
    ),
    TariffLineFact(
        importer="USA",
        hs_code="76",
        description="Aluminum; base rate taken as 0% (an assumption, not a sourced rate)",
        base_rate_pct=Decimal("0"),
        source_url="",
        confidence=INFERRED,
    ),
    TariffLineFact(
        importer="USA",
        hs_code="0202",
        description="Beef; 26.4% is the beef tariff Asahi cites (heading 0202 is our mapping)",
        base_rate_pct=Decimal("26.4"),
        source_url="https://www.alojapan.com/1340649/u-s-denies-tariff-exemption-for-japan-at-odds-with-tokyo",
        confidence=REPORTED,
        note="HS mapping inferred.",
    ),
    TariffLineFact(
        importer="JPN",
        hs_code="1006",
        description="Rice; outside the ~770,000 t/yr duty-free minimum-access quota, a specific "
        "duty of ¥341/kg (not a percentage)",
        base_rate_pct=None,
        source_url="https://ssricenews.com/rice-news/top-news/"
        "japan-vows-more-rice-imports-from-u-s-as-part-of-trade-deal.html",
        confidence=CONFIRMED,
        additional_sources=(
            "https://www.nationthailand.com/blogs/news/world/40049168",
            "https://www.nippon.com/en/news/yjj2025072400051/japan-to-expand-imports-of-u-s-rice-by-75-pct.html",
        ),
    ),
]

# --- U.S. tariff measures -----------------------------------------------------------------
# The set is built so that tariffs.rates gives the applied rates the facts report (27.5% on
# Japanese cars before the deal, 15% after September 16, and so on). Not modelled: the 40%
# rate on goods found transshipped (July 31 order), which applies to goods by what
# customs finds, not by line or partner, so no measure here can express it.
STEEL_25 = "Section 232 steel 25%"
ALUMINUM_25 = "Section 232 aluminum 25%"
STEEL_50 = "Section 232 steel 50%"
ALUMINUM_50 = "Section 232 aluminum 50%"
UK_STEEL_ALUMINUM_25 = "Section 232 steel and aluminum, U.K. kept at 25%"
AUTOS_232 = "Section 232 autos"
AUTO_PARTS_232 = "Section 232 auto parts"
BASELINE = "Reciprocal baseline (EO 14257)"
JAPAN_ANNEX_I = "Reciprocal rate for Japan, Annex I"
JAPAN_LETTER = "Reciprocal rate for Japan, July 7 letter (threat)"
JAPAN_STACKED = "Reciprocal rate for Japan stacked on MFN (July 31 order)"
JAPAN_ALL_IN = "Reciprocal rate for Japan, 15% all-in (EO 14345)"
JAPAN_AUTOS = "Japanese autos and parts, 15% all-in (EO 14345 / Commerce notice)"
UK_CARS = "U.K. cars within the 100,000 quota (EO 14309)"
EU_ANNEX_I = "Reciprocal rate for the EU, Annex I"
EU_ALL_IN = "Reciprocal rate for the EU, 15% all-in (July 31 order)"
EU_AUTOS = "EU cars and parts, 15% all-in"

# Goods under a Section 232 tariff or a sectoral deal rate do not also pay these. The July
# 7 letter is left out: it never took effect, so it never needs displacing.
RECIPROCAL = (BASELINE, JAPAN_ANNEX_I, JAPAN_STACKED, JAPAN_ALL_IN, EU_ANNEX_I, EU_ALL_IN)

FR_STEEL_ALUMINUM_25 = "https://www.govinfo.gov/content/pkg/FR-2025-02-18/html/2025-02832.htm"
WH_STEEL_ALUMINUM_50 = (
    "https://www.whitehouse.gov/presidential-actions/2025/06/"
    "adjusting-imports-of-aluminum-and-steel-into-the-united-states"
)
DLA_PIPER = (
    "https://dlapiper.com/en-ma/insights/publications/2025/02/"
    "across-the-board-25-percent-tariffs-on-steel-and-aluminum"
)
ALSTON = (
    "https://alstontrade.com/president-keeps-promise-to-double-section-232-steel-aluminum-"
    "tariffs-closes-loophole-for-certain-derivatives"
)

MEASURES = [
    MeasureFact(
        name=STEEL_25,
        legal_basis="Sec. 232, Trade Expansion Act 1962; Proclamation 10896 (Feb 10, 2025)",
        kind="additional",
        rate_pct=Decimal("25"),
        lines=("72", "73"),
        displaces=RECIPROCAL,
        announced_on=iso("2025-02-10"),
        in_force_from=iso("2025-03-12"),
        in_force_until=iso("2025-06-03"),
        source_url=FR_STEEL_ALUMINUM_25,
        confidence=CONFIRMED,
        note="All countries; country exemptions and quotas ended, Japan's included. Last day "
        "inferred: the 50% rate took effect on June 4.",
        additional_sources=(DLA_PIPER,),
    ),
    MeasureFact(
        name=ALUMINUM_25,
        legal_basis="Sec. 232; Proclamation 10895 (Feb 10, 2025)",
        kind="additional",
        rate_pct=Decimal("25"),
        lines=("76",),
        displaces=RECIPROCAL,
        announced_on=iso("2025-02-10"),
        in_force_from=iso("2025-03-12"),
        in_force_until=iso("2025-06-03"),
        source_url=FR_STEEL_ALUMINUM_25,
        confidence=CONFIRMED,
        note="Raised from 10%. Last day inferred: the 50% rate took effect on June 4.",
        additional_sources=(DLA_PIPER,),
    ),
    MeasureFact(
        name=STEEL_50,
        legal_basis="Sec. 232 (also cites IEEPA); proclamation of June 3, 2025",
        kind="additional",
        rate_pct=Decimal("50"),
        lines=("72", "73"),
        displaces=RECIPROCAL,
        announced_on=iso("2025-06-03"),
        in_force_from=iso("2025-06-04"),
        in_force_until=None,
        source_url=WH_STEEL_ALUMINUM_50,
        confidence=CONFIRMED,
        note="The U.K. stayed at 25%. Derivatives pay the Section 232 duty on their steel "
        "content; the rest is subject to the reciprocal tariff (not modelled).",
        additional_sources=(ALSTON,),
    ),
    MeasureFact(
        name=ALUMINUM_50,
        legal_basis="Sec. 232 (also cites IEEPA); proclamation of June 3, 2025",
        kind="additional",
        rate_pct=Decimal("50"),
        lines=("76",),
        displaces=RECIPROCAL,
        announced_on=iso("2025-06-03"),
        in_force_from=iso("2025-06-04"),
        in_force_until=None,
        source_url=WH_STEEL_ALUMINUM_50,
        confidence=CONFIRMED,
        note="The U.K. stayed at 25%.",
        additional_sources=(ALSTON,),
    ),
    MeasureFact(
        name=UK_STEEL_ALUMINUM_25,
        legal_basis="Sec. 232 (also cites IEEPA); proclamation of June 3, 2025",
        kind="additional",
        rate_pct=Decimal("25"),
        lines=("72", "73", "76"),
        partners=("GBR",),
        displaces=(STEEL_50, ALUMINUM_50, *RECIPROCAL),
        announced_on=iso("2025-06-03"),
        in_force_from=iso("2025-06-04"),
        in_force_until=None,
        source_url=WH_STEEL_ALUMINUM_50,
        confidence=CONFIRMED,
        note="U.K. steel and aluminum stayed at 25% when other countries went to 50%. "
        "Reynolds told the Commons the deal would cut U.S. tariffs on core U.K. steel to "
        "zero; that was not implemented.",
        additional_sources=(ALSTON,),
    ),
    MeasureFact(
        name=AUTOS_232,
        legal_basis="Sec. 232, Trade Expansion Act 1962; Proclamation 10908 (Mar 26, 2025)",
        kind="additional",
        rate_pct=Decimal("25"),
        lines=("8703",),
        displaces=RECIPROCAL,
        announced_on=iso("2025-03-26"),
        in_force_from=iso("2025-04-03"),
        in_force_until=None,
        source_url="https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm",
        confidence=CONFIRMED,
        note="On top of MFN: Japanese cars paid 27.5% in total before the deal. Also covers "
        "some light trucks (8704), not modelled.",
        additional_sources=(
            "https://awpa.org/2025/03/27/tariffs-on-imports-of-automobiles-and-auto-parts-"
            "under-section-232",
        ),
    ),
    MeasureFact(
        name=AUTO_PARTS_232,
        legal_basis="Sec. 232; Proclamation 10908 and its annex (90 FR 14705)",
        kind="additional",
        rate_pct=Decimal("25"),
        lines=("8708",),
        displaces=RECIPROCAL,
        announced_on=iso("2025-03-26"),
        in_force_from=iso("2025-05-03"),
        in_force_until=None,
        source_url="https://www.chrobinson.ca/it-it/chrglobal/resources/insights-and-advisories/"
        "client-advisories/2025q2/05-05-2025-client-advisory-automobile-part-tariffs-now-in-"
        "effect",
        confidence=CONFIRMED,
        note="Listed parts (engines, transmissions and powertrain, electrical parts; HTS "
        "9903.94.05) and other provisions of U.S. note 33(g); heading 8708 stands for them.",
        additional_sources=(
            "https://www.customsmobile.com/rulings/docview?doc_id=NY+N348056"
            "&highlight=9903.94.06%2A",
        ),
    ),
    MeasureFact(
        name=BASELINE,
        legal_basis="IEEPA + National Emergencies Act; EO 14257 (Apr 2, 2025)",
        kind="additional",
        rate_pct=Decimal("10"),
        covers_all_lines=True,
        announced_on=iso("2025-04-02"),
        in_force_from=iso("2025-04-05"),
        in_force_until=None,
        source_url="https://www.executiveactions.org/390",
        confidence=CONFIRMED,
        note="On nearly all imports. The U.K. kept this 10% after its deal.",
        additional_sources=(
            "https://lawivy.com/president-trump-announces-reciprocal-tariffs-beginning-5-april-2025",
            "https://ca.hoganlovells.com/en/publications/uk-and-us-economic-prosperity-deal-key-takeaways",
        ),
    ),
    MeasureFact(
        name=JAPAN_ANNEX_I,
        legal_basis="EO 14257 Annex I",
        kind="additional",
        rate_pct=Decimal("24"),
        covers_all_lines=True,
        partners=("JPN",),
        displaces=(BASELINE,),
        announced_on=iso("2025-04-02"),
        in_force_from=iso("2025-04-09"),
        in_force_until=iso("2025-04-09"),
        source_url="https://japantoday.com/category/politics/"
        "update2-japan-wants-all-tariffs-reviewed-to-reach-deal-with-u.s.-negotiator",
        confidence=CONFIRMED,
        note="24% in total: the 10% baseline plus 14 points. Dates inferred: EO 14266 suspended "
        "it for goods entered from April 10 (to July 9, then to August 1 by EO 14316), so it "
        "applied to April 9 entries only.",
        additional_sources=(
            "https://govinfo.gov/content/pkg/FR-2025-04-15/html/2025-06462.htm",
            "https://americanfocus.online/extending-the-modification-of-the-reciprocal-tariff-"
            "rates-the-white-house",
        ),
    ),
    MeasureFact(
        name=JAPAN_LETTER,
        legal_basis="Presidential letter of July 7, 2025 (intended under IEEPA/EO 14257)",
        kind="additional",
        rate_pct=Decimal("25"),
        covers_all_lines=True,
        partners=("JPN",),
        announced_on=iso("2025-07-07"),
        in_force_from=None,
        in_force_until=None,
        source_url="https://www.freightwaves.com/news/"
        "trump-announces-flurry-of-new-import-tariffs-on-global-trade-partners",
        confidence=CONFIRMED,
        note="Announced for August 1, 2025, separate from sectoral tariffs; never applied: the "
        "July 22 deal superseded it.",
    ),
    MeasureFact(
        name=JAPAN_STACKED,
        legal_basis="EO 'Further Modifying the Reciprocal Tariff Rates' (July 31, 2025)",
        kind="additional",
        rate_pct=Decimal("15"),
        covers_all_lines=True,
        partners=("JPN",),
        displaces=(BASELINE,),
        announced_on=iso("2025-07-31"),
        in_force_from=iso("2025-08-07"),
        in_force_until=None,
        source_url="https://www.alojapan.com/1340649/u-s-denies-tariff-exemption-for-japan-at-odds-with-tokyo",
        confidence=CONFIRMED,
        note="Added to MFN rates (beef 26.4% -> 41.4%). EO 14345 replaced it retroactively "
        "with 15% all-in, which displaces it here.",
        additional_sources=(
            "https://www.whitehouse.gov/presidential-actions/2025/07/"
            "further-modifying-the-reciprocal-tariff-rates/",
            "https://www.nnrglobal.com/insight/new-higher-reciprocal-tariffs-start-aug-7",
        ),
    ),
    MeasureFact(
        name=JAPAN_ALL_IN,
        legal_basis="EO 14345 (Sep 4, 2025) under IEEPA",
        kind="total",
        rate_pct=Decimal("15"),
        covers_all_lines=True,
        partners=("JPN",),
        displaces=(BASELINE, JAPAN_STACKED),
        announced_on=iso("2025-09-04"),
        in_force_from=iso("2025-08-07"),
        in_force_until=None,
        source_url="https://www.govinfo.gov/content/pkg/FR-2025-09-09/html/2025-17389.htm",
        confidence=CONFIRMED,
        note="MFN + reciprocal = 15%; no reciprocal duty where MFN is 15% or more. Backdated to "
        "entries from 12:01 a.m. EDT August 7, 2025; refunds through CBP. Aircraft exempt, "
        "generic pharmaceuticals and unavailable natural resources at 0 reciprocal (not "
        "modelled).",
        additional_sources=(
            "https://taxnews.ey.com/news/2025-1803-us-president-trump-issues-executive-order-"
            "implementing-terms-of-united-states-japan-agreement",
            "https://www.valexander.com/?p=3556",
        ),
    ),
    MeasureFact(
        name=JAPAN_AUTOS,
        legal_basis="EO 14345; Commerce/ITA notice FR 2025-17908",
        kind="total",
        rate_pct=Decimal("15"),
        lines=("8703", "8708"),
        partners=("JPN",),
        displaces=(AUTOS_232, AUTO_PARTS_232, *RECIPROCAL),
        announced_on=iso("2025-09-04"),
        in_force_from=iso("2025-09-16"),
        in_force_until=None,
        source_url="https://www.govinfo.gov/content/pkg/FR-2025-09-16/html/2025-17908.htm",
        confidence=CONFIRMED,
        note="Replaces the Section 232 rate on Japanese cars and parts (HTS 9903.94.40–.43); "
        "no quota.",
        additional_sources=(
            "https://www.valexander.com/?p=3556",
            "https://usafricaonline.com/2025/07/23/u-s-and-japan-agree-on-a-new-tariff-deal",
        ),
    ),
    MeasureFact(
        name=UK_CARS,
        legal_basis="EO 14309 (June 16, 2025)",
        kind="total",
        rate_pct=Decimal("10"),
        lines=("8703",),
        partners=("GBR",),
        displaces=(AUTOS_232, *RECIPROCAL),
        announced_on=iso("2025-06-16"),
        in_force_from=iso("2025-06-30"),
        in_force_until=None,
        source_url="https://ca.hoganlovells.com/en/publications/uk-and-us-economic-prosperity-deal-key-takeaways",
        confidence=CONFIRMED,
        note="7.5% plus the 2.5% MFN = 10% within a quota of 100,000 cars a year; 27.5% above "
        "it. The quota itself is not modelled: every U.K. car gets 10% here.",
        additional_sources=(
            "https://sidebar.btlaw.com/post/102kp9t/"
            "u-s-uk-trade-deal-automobiles-aerospace-steel-and-aluminum",
            "https://parallelparliament.co.uk/debate/2025-06-18/commons/written-statements/"
            "uk-us-economic-prosperity-deal/ministerial-extracts",
        ),
    ),
    MeasureFact(
        name=EU_ANNEX_I,
        legal_basis="EO 14257 Annex I",
        kind="additional",
        rate_pct=Decimal("20"),
        covers_all_lines=True,
        partners=("EUU",),
        displaces=(BASELINE,),
        announced_on=iso("2025-04-02"),
        in_force_from=iso("2025-04-09"),
        in_force_until=iso("2025-04-09"),
        source_url="https://blob.circex.org/p/19897",
        confidence=CONFIRMED,
        note="Suspended from April 10 like other partners; dates inferred: it applied to April "
        "9 entries only.",
    ),
    MeasureFact(
        name=EU_ALL_IN,
        legal_basis="EO of July 31, 2025",
        kind="total",
        rate_pct=Decimal("15"),
        covers_all_lines=True,
        partners=("EUU",),
        displaces=(BASELINE,),
        announced_on=iso("2025-07-31"),
        in_force_from=iso("2025-08-07"),
        in_force_until=None,
        source_url="https://www.awpa.org/?p=9522",
        confidence=CONFIRMED,
        note="MFN + reciprocal = 15%; no reciprocal duty where MFN is 15% or more.",
    ),
    MeasureFact(
        name=EU_AUTOS,
        legal_basis="EO 14346 + Commerce/USTR FR notice (Sep 25, 2025)",
        kind="total",
        rate_pct=Decimal("15"),
        lines=("8703", "8708"),
        partners=("EUU",),
        displaces=(AUTOS_232, AUTO_PARTS_232, *RECIPROCAL),
        announced_on=iso("2025-09-25"),
        in_force_from=iso("2025-08-01"),
        in_force_until=None,
        source_url="https://www.butzel.com/alert-us-implements-eu-trade-deal-reducing-tariffs-"
        "on-eu-autos-parts-and-eliminating-tariffs-on-certain-other-products",
        confidence=CONFIRMED,
        note="Backdated to August 1, 2025 (announced September 25); previously 27.5%.",
        additional_sources=(
            "https://www.mondaq.com/unitedstates/international-trade-investment/1687338/"
            "55-october-2-2025-%7c-implementation-of-us-eu-trade-framework",
        ),
    ),
]

# --- Issues: whose tariff lines they concern ----------------------------------------------
# The issues (issues-2025.csv) concern U.S. lines, except Japan's agriculture: Japan's rice.
ISSUE_LINE_IMPORTERS = {("japan-us-2025", "agriculture"): "JPN"}

# U.K. agriculture (0202 beef, 2207 ethanol) concerns U.K. imports, and the facts give no
# U.K. tariff lines: linking the U.S. beef line would tie the issue to the wrong importer.
ISSUES_WITHOUT_LINES = {("uk-us-2025", "agriculture")}
