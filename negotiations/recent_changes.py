"""Recent changes, in words: what the history of each tracked model says changed, grouped
by change set (one save in the admin, one import), for the Recent changes page, its CSV
and the Atom feeds.

"Japan's position on Passenger cars in round 2: target rate 2.5 % → 3 %", who made it,
when, and the page that shows it. A page of change sets costs a few queries per kind of
row (the records, their previous versions, the rows they name), not one per change.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from changes.describe import (
    Names,
    field_changes,
    format_changes,
    m2m_links,
    prefetch_link_names,
)
from changes.models import ChangeSet
from negotiations.models import (
    Issue,
    Milestone,
    Negotiation,
    Official,
    Source,
    StatedPosition,
    TalkRound,
)
from tariffs.models import Country, TariffLine, TariffMeasure, TradeValue

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
# Change lines shown per change set on a page or in a feed entry; the CSV has them all.
LINES_PER_SET = 20


class Rows:
    """Rows by primary key, fetched once per model for a page of changes."""

    def __init__(self):
        self.cache: dict = {}

    def prefetch(self, model, pks, *related) -> None:
        known = self.cache.setdefault(model, {})
        wanted = {pk for pk in pks if pk is not None and pk not in known}
        if wanted:
            known.update(model._default_manager.select_related(*related).in_bulk(wanted))

    def get(self, model, pk):
        return self.cache.get(model, {}).get(pk)


def possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") else f"{name}’s"


@dataclass
class Kind:
    """How the changes of one model are told: its subject, its page, its negotiation."""

    model: type
    negotiation_path: str = ""  # from a historical row to its negotiation's id

    def prefetch(self, records, rows: Rows) -> None:
        pass

    def subject(self, record, rows: Rows) -> str:
        return str(record.instance)

    def url(self, record, rows: Rows) -> str:
        return ""

    def negotiation(self, record, rows: Rows) -> Negotiation | None:
        return None

    def added(self, record, names: Names) -> str:
        return ""


class PositionKind(Kind):
    def prefetch(self, records, rows):
        rows.prefetch(TalkRound, [r.round_id for r in records], "negotiation")
        rows.prefetch(Issue, [r.issue_id for r in records])
        rows.prefetch(Country, [r.party_id for r in records])

    def subject(self, record, rows):
        party, issue = rows.get(Country, record.party_id), rows.get(Issue, record.issue_id)
        round_ = rows.get(TalkRound, record.round_id)
        who = possessive(party.name) if party else "A party’s"
        what = issue.name if issue else "a removed issue"
        when = f" in round {round_.number}" if round_ else ""
        return f"{who} position on {what}{when}"

    def url(self, record, rows):
        round_ = rows.get(TalkRound, record.round_id)
        return round_.get_absolute_url() if round_ else ""

    def negotiation(self, record, rows):
        round_ = rows.get(TalkRound, record.round_id)
        return round_.negotiation if round_ else None

    def added(self, record, names):
        target = record.target_rate_pct
        stance = dict(StatedPosition._meta.get_field("stance").flatchoices)[record.stance]
        rate = f", target rate {target.normalize():f} %" if target is not None else ""
        return f"{stance}{rate}: “{record.statement[:120]}”"


class RoundKind(Kind):
    def prefetch(self, records, rows):
        rows.prefetch(Negotiation, [r.negotiation_id for r in records])

    def subject(self, record, rows):
        negotiation = rows.get(Negotiation, record.negotiation_id)
        return f"Round {record.number} of the {negotiation.title if negotiation else 'talks'}"

    def url(self, record, rows):
        negotiation = rows.get(Negotiation, record.negotiation_id)
        if negotiation is None or record.history_type == "-":
            return negotiation.get_absolute_url() if negotiation else ""
        return reverse("negotiations:round", args=[negotiation.slug, record.number])

    def negotiation(self, record, rows):
        return rows.get(Negotiation, record.negotiation_id)

    def added(self, record, names):
        return f"{record.start_date:%Y-%m-%d}{', ' + record.location if record.location else ''}"


class OfNegotiation(Kind):
    """Issues and milestones: rows of one negotiation, shown on its pages."""

    label = ""

    def prefetch(self, records, rows):
        rows.prefetch(Negotiation, [r.negotiation_id for r in records])

    def subject(self, record, rows):
        negotiation = rows.get(Negotiation, record.negotiation_id)
        title = getattr(record, "name", "") or getattr(record, "title", "")
        return f"{self.label} “{title}” of the {negotiation.title if negotiation else 'talks'}"

    def url(self, record, rows):
        negotiation = rows.get(Negotiation, record.negotiation_id)
        if negotiation is None:
            return ""
        if self.model is Issue and record.history_type != "-":
            return reverse("negotiations:issue_history", args=[negotiation.slug, record.slug])
        return negotiation.get_absolute_url()

    def negotiation(self, record, rows):
        return rows.get(Negotiation, record.negotiation_id)


class IssueKind(OfNegotiation):
    label = "Issue"


class MilestoneKind(OfNegotiation):
    label = "Milestone"


class NegotiationKind(Kind):
    def subject(self, record, rows):
        return f"The negotiation “{record.title}”"

    def url(self, record, rows):
        return reverse("negotiations:detail", args=[record.slug])

    def negotiation(self, record, rows):
        return rows.get(Negotiation, record.id)

    def prefetch(self, records, rows):
        rows.prefetch(Negotiation, [r.id for r in records])


class OfficialKind(Kind):
    def subject(self, record, rows):
        return f"The official {record.name}"

    def url(self, record, rows):
        return (
            reverse("negotiations:official", args=[record.id]) if record.history_type != "-" else ""
        )


class SourceKind(Kind):
    def subject(self, record, rows):
        return f"The source “{record.title or record.url or record.publisher}”"

    def url(self, record, rows):
        return record.url


class TariffLineKind(Kind):
    def prefetch(self, records, rows):
        rows.prefetch(Country, [r.importer_id for r in records])

    def subject(self, record, rows):
        importer = rows.get(Country, record.importer_id)
        return f"{importer.code if importer else ''} tariff line {record.hs_code}".strip()

    def url(self, record, rows):
        importer = rows.get(Country, record.importer_id)
        if importer is None or record.history_type == "-":
            return ""
        return reverse("negotiations:tariff_line", args=[importer.code, record.hs_code])


class MeasureKind(Kind):
    def prefetch(self, records, rows):
        rows.prefetch(Country, [r.importer_id for r in records])

    def subject(self, record, rows):
        importer = rows.get(Country, record.importer_id)
        return f"{importer.code if importer else ''} measure “{record.name}”".strip()

    def url(self, record, rows):
        importer = rows.get(Country, record.importer_id)
        return reverse("negotiations:country", args=[importer.code]) if importer else ""


class TradeValueKind(Kind):
    def prefetch(self, records, rows):
        rows.prefetch(TariffLine, [r.line_id for r in records], "importer")
        rows.prefetch(Country, [r.partner_id for r in records])

    def subject(self, record, rows):
        line, partner = rows.get(TariffLine, record.line_id), rows.get(Country, record.partner_id)
        what = f"{line.importer.code} {line.hs_code}" if line else "a removed line"
        return f"Trade value of {what} from {partner.code if partner else '?'}, {record.year}"


# In the order a change set lists them: the talks first, then who and where, then duties.
KINDS = (
    NegotiationKind(Negotiation, "id"),
    RoundKind(TalkRound, "negotiation"),
    PositionKind(StatedPosition, "round__negotiation"),
    IssueKind(Issue, "negotiation"),
    MilestoneKind(Milestone, "negotiation"),
    OfficialKind(Official),
    SourceKind(Source),
    TariffLineKind(TariffLine),
    MeasureKind(TariffMeasure),
    TradeValueKind(TradeValue),
)


@dataclass
class Change:
    """One row's change within a change set, told in words."""

    when: datetime
    who: str
    action: str  # added, changed, removed
    kind: str  # the model's name: "stated position"
    subject: str
    details: str
    url: str
    negotiation: Negotiation | None
    change_set: ChangeSet

    @property
    def text(self) -> str:
        if self.action == "changed":
            return f"{self.subject}: {self.details}"
        return f"{self.subject} {self.action}" + (f": {self.details}" if self.details else "")


@dataclass
class ChangeSetEntry:
    change_set: ChangeSet
    changes: list[Change] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.changes))

    @property
    def who(self) -> str:
        return who_of(self.change_set)

    @property
    def title(self) -> str:
        """What the entry says first: the only change, or who did what."""
        change_set = self.change_set
        if self.total == 1 and self.changes:
            return self.changes[0].text
        if change_set.kind == "import":
            return f"{self.who} imported {change_set.name}: {plural(self.total, 'change')}"
        if change_set.kind == "demo":
            return f"The demo data was loaded: {plural(self.total, 'change')}"
        subjects = list(dict.fromkeys(change.subject for change in self.changes))
        head = subjects[0] if subjects else "the data"
        others = f" and {plural(self.total - 1, 'other change')}" if self.total > 1 else ""
        return f"{self.who} changed {head}{others}"

    @property
    def url(self) -> str:
        urls = {change.url for change in self.changes if change.url.startswith("/")}
        return urls.pop() if len(urls) == 1 else ""


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def who_of(change_set: ChangeSet) -> str:
    return change_set.username or "someone"


# --- selection ---------------------------------------------------------------------------------


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def change_sets(*, negotiation: Negotiation | None = None, since=None, until=None):
    """The change sets to show, newest first: those touching `negotiation` (when given),
    made from day `since` to day `until` (inclusive)."""
    sets = ChangeSet.objects.all()
    if since:
        sets = sets.filter(created_at__gte=day_start(since))
    if until:
        sets = sets.filter(created_at__lt=day_start(until + timedelta(days=1)))
    if negotiation is not None:
        touching = Q()
        for kind in KINDS:
            if kind.negotiation_path:
                records = kind.model.history.filter(**{kind.negotiation_path: negotiation.pk})
                touching |= Q(pk__in=records.values("change_set"))
        sets = sets.filter(touching)
    return sets.order_by("-created_at", "-pk")


def _matching(kind: Kind, change_set_ids, negotiation):
    """The historical rows of `kind` in those change sets (and of that negotiation)."""
    history = kind.model.history.model
    records = history.objects.filter(change_set__in=change_set_ids)
    if negotiation is not None:
        if not kind.negotiation_path:
            return history.objects.none()
        records = records.filter(**{kind.negotiation_path: negotiation.pk})
    return records


def _records(kind: Kind, change_set_ids, negotiation, *, limit: int | None = None):
    """The rows `_matching` gives, each with its previous version's id, in order; at most
    `limit` per change set."""
    history = kind.model.history.model
    records = _matching(kind, change_set_ids, negotiation)
    previous = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    records = records.annotate(
        previous_id=Subquery(previous.order_by("-history_id").values("history_id")[:1])
    ).select_related("change_set")
    if limit is not None:
        records = records.annotate(
            nth_in_set=Window(
                RowNumber(), partition_by=[F("change_set")], order_by=F("history_id").asc()
            )
        ).filter(nth_in_set__lte=limit)
    return records.order_by("change_set", "history_id")


def describe(kind: Kind, records: list, rows: Rows, names: Names) -> list[Change]:
    """The changes `records` (historical rows of one kind) stand for, in words."""
    if not records:
        return []
    history = kind.model.history.model
    previous = history.objects.in_bulk([r.previous_id for r in records if r.previous_id])
    changed = [r for r in records if r.history_type == "~" and r.previous_id]
    m2m = m2m_links(history, [n for r in changed for n in (r.history_id, r.previous_id)])
    prefetch_link_names(history, m2m, names)
    kind.prefetch(records, rows)
    changes = []
    for record in records:
        action = ACTIONS[record.history_type]
        details = ""
        if action == "changed":
            before = previous.get(record.previous_id)
            details = format_changes(field_changes(record, before, names, m2m)) if before else ""
            if not details:
                continue  # saved as it was (a version raised, nothing to tell)
        elif action == "added":
            details = kind.added(record, names)
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user.get_username()
                if record.history_user_id
                else who_of(record.change_set),
                action=action,
                kind=str(kind.model._meta.verbose_name),
                subject=kind.subject(record, rows),
                details=details,
                url=kind.url(record, rows),
                negotiation=kind.negotiation(record, rows),
                change_set=record.change_set,
            )
        )
    return changes


def entries(sets: Iterable[ChangeSet], *, negotiation=None) -> list[ChangeSetEntry]:
    """Each change set with its first changes in words and how many it made in all."""
    by_pk = {change_set.pk: ChangeSetEntry(change_set) for change_set in sets}
    if not by_pk:
        return []
    rows, names = Rows(), Names()
    for kind in KINDS:
        counts = _matching(kind, list(by_pk), negotiation).values("change_set").order_by()
        for row in counts.annotate(n=Count("history_id")):
            by_pk[row["change_set"]].total += row["n"]
        records = list(_records(kind, list(by_pk), negotiation, limit=LINES_PER_SET))
        for change in describe(kind, records, rows, names):
            entry = by_pk[change.change_set.pk]
            if len(entry.changes) < LINES_PER_SET:
                entry.changes.append(change)
    return list(by_pk.values())


def every_change(sets, *, negotiation=None, batch: int = 2_000) -> Iterator[Change]:
    """Every change of the change sets `sets` (newest set first), read in batches: the
    rows of a CSV download."""
    ids = list(sets.values_list("pk", flat=True))
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        rows, names = Rows(), Names()
        order = {pk: index for index, pk in enumerate(chunk)}
        found: list[Change] = []
        for kind in KINDS:
            pending = []
            for record in _records(kind, chunk, negotiation).iterator(chunk_size=batch):
                pending.append(record)
                if len(pending) == batch:
                    found += describe(kind, pending, rows, names)
                    pending = []
            found += describe(kind, pending, rows, names)
        found.sort(key=lambda change: order[change.change_set.pk])
        yield from found
