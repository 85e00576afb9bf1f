"""What the API answers, as pydantic schemas: the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema
from pydantic import create_model

from api.records import record_schema
from negotiations.csv_formats import GAP_TABLE, NEGOTIATION_SUMMARIES
from tariffs.csv_formats import TARIFF_LINE_SEARCH

NegotiationOut = record_schema("Negotiation", NEGOTIATION_SUMMARIES)
GapRowOut = record_schema("GapRow", GAP_TABLE)
TariffLineOut = record_schema("TariffLine", TARIFF_LINE_SEARCH)


class ErrorOut(Schema):
    message: str = Field(description="What was wrong, in words")
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="Each parameter refused, with its reason"
    )


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-3 (EUU for the EU)")
    name: str
    is_bloc: bool


class HSCodeOut(Schema):
    code: str = Field(description="2, 4 or 6 digits: a chapter, heading or subheading")
    dotted: str = Field(description="As it is usually written: 87, 87.03, 8703.23")
    level: str = Field(description="chapter, heading or subheading")
    description: str
    section: str = Field(description="The section's Roman numeral")
    parent: str | None = Field(description="The code above it; none for a chapter")

    @staticmethod
    def resolve_level(hs) -> str:
        return hs.level.label

    @staticmethod
    def resolve_parent(hs) -> str | None:
        return hs.parent_id


class SourceOut(Schema):
    url: str
    title: str
    publisher: str
    published_on: date | None


class OfficialOut(Schema):
    id: int
    name: str
    native_name: str
    native_name_lang: str
    title: str
    organization: str
    country: str = Field(description="ISO code of the official's country")

    @staticmethod
    def resolve_country(official) -> str:
        return official.country.code


class ParticipantOut(Schema):
    id: int
    name: str
    country: str

    @staticmethod
    def resolve_country(official) -> str:
        return official.country.code


class RoundOut(Schema):
    number: int
    start_date: date
    end_date: date | None
    location: str
    participants: list[ParticipantOut]
    summary: str
    outcome: str
    source: SourceOut | None
    confidence: str

    @staticmethod
    def resolve_participants(talk_round) -> list:
        return list(talk_round.participants.all())


class MilestoneOut(Schema):
    id: int
    date: date
    kind: str
    title: str
    source: SourceOut | None
    confidence: str


class IssueOut(Schema):
    slug: str
    name: str
    sector: str
    covers_all_goods: bool
    target_rate_means: str
    tariff_lines: list[str] = Field(description="HS codes of the lines the issue concerns")
    hs_code: str | None = Field(
        description="The chapter, heading or subheading of the HS nomenclature (2022) the "
        "issue is about, digits only (8703); null when none is set"
    )

    @staticmethod
    def resolve_hs_code(issue) -> str | None:
        return issue.hs_code_id

    @staticmethod
    def resolve_tariff_lines(issue) -> list[str]:
        return [f"{line.importer.code} {line.hs_code}" for line in issue.tariff_lines.all()]


class PositionOut(Schema):
    id: int
    negotiation: str
    round: int
    party: str
    speaker: str | None
    issue: str
    stance: str
    target_rate_pct: float | None = Field(
        description="The all-in rate that side asks for, in percent; null where none was stated"
    )
    statement: str
    stated_on: date
    confidence: str = Field(description="confirmed, reported or inferred")
    source: SourceOut | None
    version: int

    @staticmethod
    def resolve_negotiation(position) -> str:
        return position.round.negotiation.slug

    @staticmethod
    def resolve_round(position) -> int:
        return position.round.number

    @staticmethod
    def resolve_party(position) -> str:
        return position.party.code

    @staticmethod
    def resolve_speaker(position) -> str | None:
        return position.speaker.name if position.speaker else None

    @staticmethod
    def resolve_issue(position) -> str:
        return position.issue.slug


class MeasureOut(Schema):
    id: int
    importer: str
    name: str
    legal_basis: str
    kind: str = Field(description="additional (adds points) or total (sets the all-in rate)")
    rate_pct: float
    covers_all_lines: bool
    line_count: int
    lines_shown: list[str] = Field(description="The HS codes of its first five lines")
    partners: list[str] = Field(description="ISO codes; empty: every partner")
    announced_on: date | None
    in_force_from: date | None
    in_force_until: date | None
    source_url: str
    confidence: str

    @staticmethod
    def resolve_importer(measure) -> str:
        return measure.importer.code

    @staticmethod
    def resolve_partners(measure) -> list[str]:
        return [country.code for country in measure.partners.all()]


class RatePartOut(Schema):
    label: str
    points: float
    measure: str | None


class RateOut(Schema):
    importer: str
    partner: str
    hs_code: str
    description: str
    on: date
    base_pct: float | None
    rate_pct: float | None = Field(
        description="The applied rate in percent; null for a specific duty"
    )
    parts: list[RatePartOut] = Field(description="The base rate and what each measure added")
    displaced: list[str] = Field(description="Measures that did not count, displaced by another")


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of a list: its items in a stable order and the links to the pages beside it
    (null at either end); follow `next` until it is null to read them all."""
    return create_model(
        name,
        __base__=Schema,
        next=(str | None, Field(description="The next page's URL; null on the last")),
        previous=(str | None, Field(description="The previous page's URL; null on the first")),
        results=(list[item], ...),
    )
