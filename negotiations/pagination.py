"""Every list a page shows comes in pages, so that its cost follows the page, not the
database: `paginate` cuts a queryset (or a list) into them, reads the page asked for from
a query parameter, and gives what `includes/pagination.html` needs for its links."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import F, Func, QuerySet, Subquery

from tariffs.forms import ignored_notice


@dataclass(frozen=True)
class Listing:
    """One page of a list, and how to link to the others.

    `query` is the rest of the query string, kept in the links; `target`, the id of the
    element an HTMX link swaps with the answer (none: plain links); `push`, whether that
    swap also changes the address (not for a list shown inside another page's)."""

    page: Page
    url: str
    param: str
    query: str = ""
    target: str = ""
    push: bool = True
    notices: list[str] = field(default_factory=list)

    def link(self, number: int) -> str:
        pairs = f"{self.query}&" if self.query else ""
        return f"{self.url}?{pairs}{urlencode({self.param: number})}"

    @property
    def previous_url(self) -> str:
        return self.link(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.link(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def first_url(self) -> str:
        return self.link(1)

    @property
    def last_url(self) -> str:
        return self.link(self.page.paginator.num_pages)

    @property
    def items(self):
        return self.page.object_list


def paginate(
    request,
    items,
    *,
    per_page: int,
    param: str = "page",
    label: str = "Page",
    query: str | None = None,
    target: str = "",
    push: bool = True,
    count: int | None = None,
) -> Listing:
    """The page of `items` that query parameter `param` asks for (the first by default).
    A number that is not one falls back to the first page, one past the end to the last,
    each with a notice in `Listing.notices` saying so. `query`: the query string the links
    keep (default: the request's, without `param`). Two queries for a queryset: its count
    (unless given: a page counting several lists at once, see `count_of`) and the page."""
    notices = []
    raw = request.GET.get(param, "")
    number = 1
    if raw:
        if raw.isascii() and raw.isdigit() and int(raw) >= 1:
            number = int(raw)
        else:
            notices.append(ignored_notice(label, raw, "Enter a whole number from 1."))
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: the given count is used, not queried
    if number > paginator.num_pages:
        notices.append(
            f"{label} {number} does not exist; showing the last page, {paginator.num_pages}."
        )
        number = paginator.num_pages
    if query is None:
        kept = request.GET.copy()
        kept.pop(param, None)
        query = kept.urlencode()
    return Listing(
        paginator.page(number),
        url=request.path,
        param=param,
        query=query,
        target=target,
        push=push,
        notices=notices,
    )


def count_of(queryset: QuerySet) -> Subquery:
    """The number of rows of `queryset` as an expression, to count several lists in one
    query (`Model.objects.filter(pk=…).annotate(a=count_of(…), b=count_of(…))`)."""
    counted = queryset.order_by().annotate(count=Func(F("pk"), function="COUNT"))
    return Subquery(counted.values("count"))
