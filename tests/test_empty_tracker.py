"""A fresh install with no data: every page still answers, and says what to do.

Kept apart from the other page tests, which build the cast of tests/casts.py first.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_empty_home_page_says_how_to_load_data(analyst):
    body = analyst.get(reverse("negotiations:home")).content.decode()

    assert "python manage.py load_demo" in body
    assert "Data as of" not in body


def test_an_empty_compare_page_says_nothing_is_tracked(analyst):
    response = analyst.get(reverse("negotiations:compare"))

    assert response.status_code == 200
    assert "No negotiation is tracked yet" in response.content.decode()
