"""Writes that take more than one step, each in one transaction."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITORS_GROUP = "Editors"


class UserExists(Exception):
    """An account of that name exists, and resetting its password was not asked for."""


@transaction.atomic
def editor_create(*, username: str, password: str, email: str = "", reset_password=False):
    """A staff user in the Editors group (created by a migration). An existing user of
    that name is refused (UserExists) unless `reset_password`: then it becomes an editor
    with the new password. Raises ValidationError for a weak password; either way before
    anything is written."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None and not reset_password:
        raise UserExists(username)
    user = user or User(username=username)
    validate_password(password, user)
    user.email = email or user.email
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user
