"""`manage.py create_editor`: how `make run` tells a new user to get an editor login."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_create_editor_makes_a_staff_user_in_the_editors_group(monkeypatch, capsys):
    monkeypatch.setenv("EDITOR_PASSWORD", "tariff-talks-editor-2025")

    call_command("create_editor", "hana")

    user = get_user_model().objects.get(username="hana")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password("tariff-talks-editor-2025")
    assert "can now log in at /admin/" in capsys.readouterr().out


def test_create_editor_refuses_a_weak_password_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "123")

    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_editor", "hana")

    assert not get_user_model().objects.filter(username="hana").exists()


def test_an_editor_logs_in_and_reaches_the_round_form(monkeypatch, client):
    monkeypatch.setenv("EDITOR_PASSWORD", "tariff-talks-editor-2025")
    call_command("create_editor", "hana")

    # Through the login page, as a browser does (the login throttling needs the request).
    logged_in = client.post(
        "/admin/login/", {"username": "hana", "password": "tariff-talks-editor-2025"}
    )
    assert logged_in.status_code == 302
    assert client.get("/admin/negotiations/talkround/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_create_editor_refuses_an_existing_user_and_changes_nothing(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "tariff-talks-editor-2025")
    call_command("create_editor", "hana")
    monkeypatch.setenv("EDITOR_PASSWORD", "another-long-password-2026")

    with pytest.raises(CommandError, match="A user “hana” exists already; nothing changed"):
        call_command("create_editor", "hana")

    assert get_user_model().objects.get(username="hana").check_password("tariff-talks-editor-2025")


def test_reset_password_gives_an_existing_user_a_new_password(monkeypatch):
    get_user_model().objects.create_user("hana", password="old-password-of-hana")
    monkeypatch.setenv("EDITOR_PASSWORD", "another-long-password-2026")

    call_command("create_editor", "hana", "--reset-password")

    user = get_user_model().objects.get(username="hana")
    assert user.check_password("another-long-password-2026")
    assert user.is_staff and user.groups.filter(name="Editors").exists()
