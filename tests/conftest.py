"""Role fixtures shared by every test file: anonymous, analyst, editor."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from negotiations.demo.loader import load_demo


@pytest.fixture
def anonymous(db) -> Client:
    return Client()


@pytest.fixture
def analyst(db) -> Client:
    """Analysts read without an account: the same client as anonymous, named for intent."""
    return Client()


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-editor-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once per test module inside a transaction that is rolled
    back when the module ends; each test runs in a savepoint within it.

    Loading it for every test would cost seconds each. Browser tests, which need
    committed data, load it themselves.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_data, db):
    """The demo data `make run` serves: the Japan–U.S., U.K.–U.S. and EU–U.S. talks."""
