from django.urls import path

from negotiations.views import compare, home, negotiation, officials, rounds

app_name = "negotiations"

urlpatterns = [
    path("", home.home, name="home"),
    path("compare/", compare.compare, name="compare"),
    path("negotiations/<slug:slug>/", negotiation.detail, name="detail"),
    path(
        "negotiations/<slug:slug>/issues/<slug:issue_slug>/",
        negotiation.issue_history,
        name="issue_history",
    ),
    path("negotiations/<slug:slug>/rounds/<int:number>/", rounds.detail, name="round"),
    path("officials/<int:pk>/", officials.detail, name="official"),
]
