"""An issue tied to the HS nomenclature: chosen in the admin from a read-only list of
codes, shown on the issue's page and in the negotiation's gap table, given by the API.

The cast (tests/casts.py): the Japan–U.S. issue on cars is tied to heading 87.03, parts to
87.08, rice to 10.06; steel and aluminum to none."""

import html
import re

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from negotiations.models import Issue
from tariffs.models import HSCode
from tests.admin_forms import posted

pytestmark = pytest.mark.django_db

JAPAN_US = "/negotiations/japan-us-2025/"
HS_ADMIN = "/admin/tariffs/hscode/"


def text(content: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def test_the_issue_page_names_its_hs_code_with_a_link(analyst, cast):
    response = analyst.get(f"{JAPAN_US}issues/autos/")

    content = response.content.decode()
    assert '<a href="/hs/8703/">87.03</a>' in content
    assert "HS code: 87.03 Motor cars and other motor vehicles;" in text(content)
    assert "(heading)" in text(content)


def test_an_issue_tied_to_no_code_says_nothing_of_one(analyst, cast):
    response = analyst.get(f"{JAPAN_US}issues/steel-aluminum/")

    assert "HS code:" not in text(response.content.decode())


def test_the_gap_table_shows_each_issues_hs_code_small_and_linked(analyst, cast):
    content = analyst.get(JAPAN_US).content.decode()

    cars = re.search(r'<tr id="issue-autos">(.*?)</tr>', content, re.S).group(1)
    rice = re.search(r'<tr id="issue-agriculture">(.*?)</tr>', content, re.S).group(1)
    steel = re.search(r'<tr id="issue-steel-aluminum">(.*?)</tr>', content, re.S).group(1)
    assert '<a class="hs-link" href="/hs/8703/">HS 87.03</a>' in cars
    assert "automotive · HS 87.03" in text(cars)
    assert '<a class="hs-link" href="/hs/1006/">HS 10.06</a>' in rice
    assert "/hs/" not in steel


def test_the_api_gives_each_issues_hs_code(analyst, cast):
    issues = analyst.get("/api/negotiations/japan-us-2025/issues", {"page_size": 50}).json()

    codes = {issue["slug"]: issue["hs_code"] for issue in issues["results"]}
    assert codes["autos"] == "8703"
    assert codes["agriculture"] == "1006"
    assert codes["steel-aluminum"] is None


def test_a_code_tied_to_an_issue_cannot_be_deleted(cast):
    with pytest.raises(ProtectedError):
        HSCode.objects.filter(code="8703").delete()


# --- the admin -----------------------------------------------------------------------------


def test_editors_see_the_nomenclature_but_nobody_adds_changes_or_deletes_a_code(
    editor, admin_client
):
    for client in (editor, admin_client):
        assert client.get(HS_ADMIN).status_code == 200
        assert client.get(f"{HS_ADMIN}add/").status_code == 403
        assert client.get(f"{HS_ADMIN}8703/delete/").status_code == 403
        view = client.get(f"{HS_ADMIN}8703/change/")
        assert view.status_code == 200
        assert not view.context["has_change_permission"]
        assert 'name="_save"' not in view.content.decode()
        client.post(f"{HS_ADMIN}8703/change/", {"description": "Changed"})
    assert HSCode.objects.get(code="8703").description.startswith("Motor cars")


@pytest.mark.parametrize("term", ["87.03", "8703", "motor cars"])
def test_the_admin_finds_a_code_with_or_without_dots_and_by_description(editor, term):
    response = editor.get(HS_ADMIN, {"q": term})

    found = [hs.code for hs in response.context["cl"].result_list]
    assert "8703" in found
    if term != "motor cars":
        assert found[0] == "8703" and all(code.startswith("8703") for code in found)


def test_an_editor_chooses_an_issues_code_by_autocomplete_and_saves_it(editor, cast):
    answer = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "negotiations",
            "model_name": "issue",
            "field_name": "hs_code",
            "term": "87.03",
        },
    )
    assert answer.status_code == 200
    first = answer.json()["results"][0]
    assert first["id"] == "8703"
    assert first["text"].startswith("87.03 Motor cars")

    issue = cast.japan_us.issues["steel-aluminum"]
    url = reverse("admin:negotiations_issue_change", args=[issue.pk])
    data = posted(editor.get(url))
    data["hs_code"] = "72"
    response = editor.post(url, data)

    assert response.status_code == 302
    assert Issue.objects.get(pk=issue.pk).hs_code_id == "72"
    changes = text(editor.get(reverse("negotiations:changes")).content.decode())
    assert "HS code — → 72 Iron and steel" in changes


def test_a_code_not_in_the_nomenclature_is_a_form_error(editor, cast):
    issue = cast.japan_us.issues["steel-aluminum"]
    url = reverse("admin:negotiations_issue_change", args=[issue.pk])
    data = posted(editor.get(url))
    data["hs_code"] = "7701"

    response = editor.post(url, data)

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).hs_code_id is None
