"""Every page carries a strict Content-Security-Policy, the admin's included: scripts and
styles from this site's files only, never `unsafe-inline` or `unsafe-eval`; and no
template has what the policy forbids (inline scripts, styles, event handlers, hx-on)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in header.split(";"))
        if directive
    }


def assert_strict(response, url):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"], url
    assert directives["script-src"] == ["'self'"], url
    assert directives["style-src"] == ["'self'"], url
    assert directives["object-src"] == ["'none'"], url
    assert directives["frame-ancestors"] == ["'none'"], url
    assert "unsafe-inline" not in response["Content-Security-Policy"], url
    assert "unsafe-eval" not in response["Content-Security-Policy"], url


def test_every_analyst_page_has_a_strict_policy(analyst, cast):
    for url in [
        reverse("negotiations:home"),
        cast.japan_us.negotiation.get_absolute_url(),
        reverse("negotiations:round", args=["japan-us-2025", 2]),
        reverse("negotiations:tariff_lines"),
        reverse("negotiations:changes"),
        reverse("negotiations:search") + "?q=steel",
        "/nowhere/",
    ]:
        assert_strict(analyst.get(url), url)


def test_the_htmx_fragments_and_the_admin_have_it_too(analyst, editor, cast):
    fragment = analyst.get(cast.japan_us.negotiation.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert_strict(fragment, "fragment")
    for url in [
        reverse("admin:login"),
        reverse("admin:index"),
        reverse("admin:negotiations_talkround_add"),
        reverse("admin:negotiations_statedposition_changelist"),
    ]:
        assert_strict(editor.get(url), url)


FORBIDDEN = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"\sstyle=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an event handler attribute"),
    (re.compile(r"\shx-on", re.I), "an hx-on attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_has_what_the_policy_forbids():
    templates = [
        path
        for folder in ("templates", "csvport/templates", "negotiations", "tariffs", "changes")
        for path in (ROOT / folder).rglob("*.html")
    ]
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for pattern, what in FORBIDDEN
        if pattern.search(path.read_text())
    ]

    assert len(templates) > 20
    assert found == []


def test_htmx_is_told_to_inject_no_style_and_evaluate_nothing(analyst, db):
    page = analyst.get(reverse("negotiations:home")).content.decode()

    assert '"allowEval": false' in page
    assert '"includeIndicatorStyles": false' in page
