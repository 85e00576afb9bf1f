"""The tariff in force on an issue's goods, beside what the two sides ask for.

For an issue tied to tariff lines, the applied rate of each line for the other party;
for an issue covering all goods, the rate a good with a 0% base rate pays. For an agreed
issue, whether that rate is what was agreed: implemented, pending (a measure that would
change it is scheduled), or differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from negotiations.gap import GapRow
from negotiations.models import Issue, Negotiation
from tariffs.models import TariffMeasure
from tariffs.rates import AppliedRate, compose_rate, for_partner, measures_by_importer


class Implementation:
    IMPLEMENTED = "implemented"
    PENDING = "pending"
    DIFFERS = "differs"


@dataclass(frozen=True)
class IssueRate:
    label: str  # the HS code, or "all goods"
    rate: AppliedRate


@dataclass(frozen=True)
class AppliedNow:
    """The rates in force on one issue's goods, and whether a change is scheduled."""

    rates: tuple[IssueRate, ...]
    change_scheduled: bool

    def implementation(self, row: GapRow) -> str | None:
        """For an agreed issue with an agreed rate: does the rate in force match it?"""
        agreed = row.agreed_rate_pct
        if agreed is None or not self.rates:
            return None
        if all(r.rate.rate_pct == agreed for r in self.rates):
            return Implementation.IMPLEMENTED
        return Implementation.PENDING if self.change_scheduled else Implementation.DIFFERS


def applied_now(negotiation: Negotiation, issues: list[Issue], on: date) -> dict[int, AppliedNow]:
    """issue id -> the rates in force on `on`. A fixed number of queries whatever the
    number of issues: their lines, the measures in force and those scheduled, per side."""
    other = {
        negotiation.party_a_id: negotiation.party_b,
        negotiation.party_b_id: negotiation.party_a,
    }
    links = Issue.tariff_lines.through.objects.filter(
        issue__in=[issue.pk for issue in issues], tariffline__importer__in=other
    ).select_related("tariffline")
    lines_by_issue: dict[int, list] = {}
    for link in links:
        lines_by_issue.setdefault(link.issue_id, []).append(link.tariffline)

    by_importer = measures_by_importer(other, other.values(), on)
    in_force = {
        importer: for_partner(by_importer[importer], partner) for importer, partner in other.items()
    }
    scheduled = list(
        TariffMeasure.objects.filter(importer__in=other, in_force_from__gt=on).prefetch_related(
            "lines", "partners"
        )
    )

    def rate(importer_id: int, hs_code: str | None, base: Decimal | None) -> AppliedRate:
        return compose_rate(
            hs_code=hs_code,
            base_pct=base,
            partner=other[importer_id],
            on=on,
            measures=in_force[importer_id],
        )

    result = {}
    for issue in issues:
        rates = [
            IssueRate(line.hs_code, rate(line.importer_id, line.hs_code, line.base_rate_pct))
            for line in lines_by_issue.get(issue.pk, ())
        ]
        if issue.covers_all_goods:
            rates += [
                IssueRate("all goods", rate(importer, None, Decimal("0")))
                for importer in other
                if any(m.covers_all_lines for m in in_force[importer])
            ]
        hs_codes = [r.rate.hs_code for r in rates]
        change = any(_concerns(measure, hs_codes, other) for measure in scheduled)
        result[issue.pk] = AppliedNow(tuple(rates), change)
    return result


def _concerns(measure: TariffMeasure, hs_codes: list[str | None], other) -> bool:
    """Whether a scheduled measure would change the rate of these goods for this side."""
    partners = [partner.pk for partner in measure.partners.all()]
    if partners and other[measure.importer_id].pk not in partners:
        return False
    if measure.covers_all_lines:
        return True
    return any(
        code is not None and code.startswith(line.hs_code)
        for code in hs_codes
        for line in measure.lines.all()
    )
