"""Writes that take more than one step, each in one transaction."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITORS_GROUP = "Editors"


@transaction.atomic
def editor_create(*, username: str, password: str, email: str = ""):
    """A staff user in the Editors group (created by a migration); an existing user of
    that name becomes an editor with the new password. Raises ValidationError for a weak
    password, before anything is written."""
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    validate_password(password, user)
    user.email = email or user.email
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user
