"""Addresses and deletions: only http and https addresses become links, whatever wrote
them; the admin and the importer accept the same addresses; deleting a row that a link
table names (a line an issue concerns, an official who attended) is refused, as the
README promises for anything whose deletion would lose history."""

import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from csvport.parsers import url as url_parser
from negotiations.models import Milestone, Official, Source
from tariffs.models import TariffLine, TariffMeasure, TradeValue
from tests.factories import OfficialFactory, TariffMeasureFactory, TradeValueFactory

pytestmark = pytest.mark.django_db

HOSTILE = "javascript:alert(document.domain)"


def pages(cast) -> list[str]:
    talks = cast.japan_us
    return [
        reverse("negotiations:home"),
        reverse("negotiations:detail", args=["japan-us-2025"]) + "?round=5",
        reverse("negotiations:round", args=["japan-us-2025", 2]),
        reverse("negotiations:issue_history", args=["japan-us-2025", "autos"]),
        reverse("negotiations:official", args=[cast.akazawa.pk]),
        reverse("negotiations:official", args=[cast.bessent.pk]),
        reverse("negotiations:country", args=["USA"]),
        reverse("negotiations:country", args=["JPN"]),
        reverse("negotiations:tariff_line", args=["USA", "8703"]),
        reverse("negotiations:compare") + "?importer=USA",
        talks.negotiation.get_absolute_url(),
    ]


def test_an_address_written_by_other_means_becomes_a_link_only_if_http_or_https(analyst, cast):
    # Past every form and importer: a shell, a restore, a future bug.
    TradeValueFactory(line=cast.lines["8703"], partner=cast.japan)
    for source in Source.objects.all():
        Source.objects.filter(pk=source.pk).update(url=f"{HOSTILE} // {source.pk}")
    Milestone.objects.update(source=Source.objects.first())
    TariffMeasure.objects.update(source_url="ftp://files.example.org/measure.pdf")
    TradeValue.objects.update(source_url="data:text/html,<script>alert(1)</script>")

    for url in pages(cast):
        response = analyst.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert not [h for h in hrefs if re.match(r"(?i)\s*(javascript|data|ftp):", h)], url


def test_an_http_address_is_still_a_link(analyst, cast):
    page = analyst.get(reverse("negotiations:round", args=["japan-us-2025", 2])).content.decode()

    assert 'href="https://japannews.yomiuri.co.jp/politics/' in page


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-long-enough")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "address", ["ftp://files.example.org/report.pdf", "ftps://files.example.org/report.pdf"]
)
def test_the_admin_refuses_the_addresses_the_importer_refuses(superuser_client, address):
    response = superuser_client.post(
        reverse("admin:negotiations_source_add"),
        {"url": address, "title": "Report", "publisher": "Example News", "published_on": ""},
    )

    assert response.status_code == 200
    assert "Enter a full web address starting with http:// or https://." in (
        response.content.decode()
    )
    assert not Source.objects.exists()
    with pytest.raises(Exception, match="is not a web address"):
        url_parser(max_length=500)(address, "source_url")


def test_the_admin_refuses_an_ftp_address_for_a_measure(superuser_client, cast):
    measure = cast.measures[next(iter(cast.measures))]
    url = reverse("admin:tariffs_tariffmeasure_change", args=[measure.pk])
    from tests.admin_forms import posted

    data = posted(superuser_client.get(url))
    data["source_url"] = "ftp://files.example.org/measure.pdf"

    response = superuser_client.post(url, data)

    assert "Enter a full web address starting with http:// or https://." in (
        response.content.decode()
    )
    assert TariffMeasure.objects.get(pk=measure.pk).source_url != data["source_url"]


def test_a_line_an_issue_concerns_or_a_measure_covers_cannot_be_deleted(cast):
    cars = cast.lines["8703"]
    assert cars.issues.exists() and cars.measures.exists()

    with pytest.raises(ProtectedError):
        cars.delete()
    with pytest.raises(ProtectedError):
        TariffLine.objects.filter(pk=cars.pk).delete()

    assert TariffLine.objects.filter(pk=cars.pk).exists()
    assert cars.issues.exists() and cars.measures.exists()


def test_an_official_who_attended_a_round_cannot_be_deleted(cast):
    # Lutnick spoke too; an official who only attended is protected the same way.
    listener = OfficialFactory(name="A note-taker", country=cast.united_states)
    cast.japan_us.rounds[2].participants.add(listener)

    with pytest.raises(ProtectedError):
        listener.delete()

    assert Official.objects.filter(pk=listener.pk).exists()


def test_a_measure_another_displaces_cannot_be_deleted_but_the_displacing_one_can(cast):
    displaced = TariffMeasureFactory(importer=cast.united_states, name="Displaced")
    displacing = TariffMeasureFactory(
        importer=cast.united_states, name="Displacing", displaces=[displaced]
    )

    with pytest.raises(ProtectedError):
        displaced.delete()
    displacing.delete()

    assert TariffMeasure.objects.filter(pk=displaced.pk).exists()


def test_the_admin_says_why_a_line_cannot_be_deleted(superuser_client, cast):
    cars = cast.lines["8703"]
    url = reverse("admin:tariffs_tariffline_delete", args=[cars.pk])

    page = superuser_client.get(url).content.decode()
    response = superuser_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert "covers USA 8703" in page and "concerns USA 8703" in page
    assert TariffLine.objects.filter(pk=cars.pk).exists()
    assert response.status_code == 200  # the same page again: nothing deleted
