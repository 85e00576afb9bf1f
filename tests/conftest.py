"""Fixtures shared by every test file: the roles (anonymous, analyst, editor), the small
cast of talks the page tests build (tests/casts.py), and the demo data for the tests of
the demo itself."""

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from negotiations.demo.loader import load_demo
from tests.casts import Cast, the_cast


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


@pytest.fixture
def cast(db) -> Cast:
    """The Japan–U.S. talks in five rounds, the U.K.–U.S. and EU–U.S. talks beside them,
    and the U.S. duties they are about: see tests/casts.py for every fact."""
    return the_cast()


@contextmanager
def demo_rolled_back(django_db_blocker):
    """The demo data inside a transaction rolled back at the end; the tests within run in
    savepoints of it. Loading it for every test would cost seconds each."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_demo()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data for a whole test module, for the tests of the demo and of the CSV
    files made from it. Browser tests, which need committed data, load it themselves."""
    with demo_rolled_back(django_db_blocker):
        yield


@pytest.fixture
def demo(demo_data, db):
    """The demo data `make run` serves: the Japan–U.S., U.K.–U.S. and EU–U.S. talks."""
