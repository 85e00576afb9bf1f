"""Role fixtures shared by every test file: anonymous, analyst, editor."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client


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
