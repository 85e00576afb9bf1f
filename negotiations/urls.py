from django.urls import path

from negotiations.feeds import ChangesFeed, NegotiationChangesFeed
from negotiations.views import (
    changes,
    compare,
    countries,
    downloads,
    home,
    hs_codes,
    negotiation,
    officials,
    rounds,
    search,
    tariff_lines,
)

app_name = "negotiations"

urlpatterns = [
    path("", home.home, name="home"),
    path("negotiations.csv", downloads.negotiations_csv, name="home_csv"),
    path("positions.csv", downloads.positions_csv, name="all_positions_csv"),
    path("changes/", changes.recent, name="changes"),
    path("changes.csv", downloads.changes_csv, name="changes_csv"),
    path("changes.atom", ChangesFeed(), name="changes_feed"),
    path(
        "negotiations/<slug:slug>/changes.atom", NegotiationChangesFeed(), name="negotiation_feed"
    ),
    path("compare/", compare.compare, name="compare"),
    path("compare.csv", downloads.compare_csv, name="compare_csv"),
    path("negotiations/<slug:slug>/", negotiation.detail, name="detail"),
    path(
        "negotiations/<slug:slug>/issues/<slug:issue_slug>/",
        negotiation.issue_history,
        name="issue_history",
    ),
    path("negotiations/<slug:slug>/gap.csv", downloads.gap_csv, name="gap_csv"),
    path(
        "negotiations/<slug:slug>/gap-by-round.csv",
        downloads.gap_by_round_csv,
        name="gap_by_round_csv",
    ),
    path("negotiations/<slug:slug>/positions.csv", downloads.positions_csv, name="positions_csv"),
    path(
        "negotiations/<slug:slug>/issues/<slug:issue_slug>/history.csv",
        downloads.history_csv,
        name="history_csv",
    ),
    path("negotiations/<slug:slug>/rounds/<int:number>/", rounds.detail, name="round"),
    path(
        "negotiations/<slug:slug>/rounds/<int:number>/positions.csv",
        downloads.round_csv,
        name="round_csv",
    ),
    path("search/", search.search, name="search"),
    path("officials/<int:pk>/", officials.detail, name="official"),
    path("countries/<str:code>/", countries.country, name="country"),
    path("tariff-lines/", tariff_lines.lines, name="tariff_lines"),
    path("tariff-lines.csv", downloads.tariff_lines_csv, name="tariff_lines_csv"),
    path(
        "tariff-lines/<str:importer>/<str:hs_code>/",
        tariff_lines.line_detail,
        name="tariff_line",
    ),
    path("hs/<str:code>/", hs_codes.hs_code, name="hs_code"),
]
