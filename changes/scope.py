"""The change set that history rows written now belong to.

A request in the admin is one change set; an import (admin or command) or a demo load is
one of its own, named after the file. The change set row is created when the first
history row needs it, so a request that writes nothing leaves no trace.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from changes.models import ChangeKind, ChangeSet


@dataclass
class Scope:
    user: object = None
    username: str = ""
    kind: str = ChangeKind.OTHER
    name: str = ""
    summary: str = ""
    change_set: ChangeSet | None = None

    def get_change_set(self) -> ChangeSet:
        if self.change_set is None or self.change_set.pk is None:
            user = self.user if getattr(self.user, "is_authenticated", False) else None
            self.change_set = ChangeSet.objects.create(
                user=user,
                username=self.username or (user.get_username() if user else ""),
                kind=self.kind,
                name=self.name[:300],
                summary=self.summary[:500],
            )
        return self.change_set

    @property
    def history_user(self):
        return self.user if getattr(self.user, "is_authenticated", False) else None


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("change_set", default=None)


@contextmanager
def change_set(*, user=None, username: str = "", kind: str = ChangeKind.OTHER, name: str = ""):
    """Every history row written inside belongs to one change set (created when needed);
    set `scope.summary` before leaving to describe it."""
    scope = Scope(user=user, username=username, kind=kind, name=name)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        if scope.change_set is not None and scope.change_set.pk and scope.summary:
            ChangeSet.objects.filter(pk=scope.change_set.pk).update(summary=scope.summary[:500])


def current_scope() -> Scope:
    """The active scope; outside any, a fresh one per call, so a change made in a shell
    or a test is a change set of its own."""
    return _current.get() or Scope()


def link_historical_record(sender, history_instance, **kwargs):
    """pre_create_historical_record: the row joins the current change set."""
    scope = current_scope()
    history_instance.change_set = scope.get_change_set()
    if history_instance.history_user_id is None and scope.history_user is not None:
        history_instance.history_user = scope.history_user


class ChangeSetMiddleware:
    """One change set per request: everything one press of Save writes, together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with change_set(user=request.user, kind=ChangeKind.EDIT):
            return self.get_response(request)
