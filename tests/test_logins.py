"""Logins are throttled (django-axes), staff sessions are short, and a refused `next`
lands on the admin's index rather than a 404."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-editor-password"


def log_in(client: Client, password: str, *, next_url: str = "/admin/", address="10.0.0.1"):
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"username": "editor", "password": password, "next": next_url},
        REMOTE_ADDR=address,
    )


def test_after_too_many_wrong_passwords_the_right_one_is_refused_in_words(editor_user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error

    locked = log_in(client, "wrong")
    right = log_in(client, PASSWORD)

    assert locked.status_code == 429
    assert right.status_code == 429
    page = right.content.decode()
    assert "<h1>Too many failed logins</h1>" in page
    assert "Tariff Talks Tracker — editors" in page  # the admin's own header
    assert f"wrong {settings.AXES_FAILURE_LIMIT} times in a row from your address" in page
    assert "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_for_that_user_and_address_only(editor_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "wrong", address="10.0.0.1")

    # The same editor from another address (a colleague's office) still logs in.
    elsewhere = log_in(Client(), PASSWORD, address="10.0.0.2")

    assert elsewhere.status_code == 302


def test_a_spoofed_forwarded_address_does_not_escape_a_lockout(editor_user):
    # Without PROXY_COUNT the address is the connection's: X-Forwarded-For is ignored.
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            LOGIN,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    again = Client().post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )

    assert again.status_code == 429


def test_a_right_password_before_the_limit_logs_in_and_starts_the_count_again(editor_user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")

    assert log_in(client, PASSWORD).status_code == 302


def test_a_staff_session_ends_after_eight_hours(editor_user):
    client = Client()
    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert client.session.get_expiry_age() == 8 * 3600
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


@pytest.mark.parametrize("next_url", ["https://evil.example.org/", "//evil.example.org/", ""])
def test_a_refused_or_missing_next_lands_on_the_admin_index(editor_user, next_url):
    client = Client()
    response = log_in(client, PASSWORD, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_next_on_this_site_is_followed(editor_user):
    response = log_in(Client(), PASSWORD, next_url="/admin/negotiations/talkround/")

    assert response["Location"] == "/admin/negotiations/talkround/"
