"""Where an uploaded file waits between the admin's preview and its confirmation."""

import base64
from importlib import import_module

from django.conf import settings
from import_export.tmp_storages import BaseStorage


def expired_message() -> str:
    minutes = settings.CSV_IMPORT_PREVIEW_MINUTES
    kept = f"{minutes} minutes" if minutes % 60 else f"{minutes // 60} hour{'s' * (minutes > 60)}"
    return f"the uploaded file is no longer kept (a preview is kept for {kept}); upload it again."


class SessionFileStorage(BaseStorage):
    """Keeps an uploaded file between preview and confirm in a session record of its own.

    The library's default is a temporary file on the server that took the upload, which
    the confirm request may not reach behind a load balancer; sessions live in the
    database, which every app server shares. An abandoned preview's record expires after
    `CSV_IMPORT_PREVIEW_MINUTES` (an hour by default), and `manage.py clearsessions`
    (run it hourly) removes it; a confirmed or refused one is removed at once.
    """

    KEY = "csv_upload"

    def _store(self):
        return import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.name)

    def save(self, data: bytes) -> None:
        store = self._store()
        store[self.KEY] = base64.b64encode(data).decode("ascii")
        store.set_expiry(settings.CSV_IMPORT_PREVIEW_MINUTES * 60)
        store.create()
        self.name = store.session_key
        self._data = data

    def read(self) -> bytes | None:
        if getattr(self, "_data", None) is not None:
            return self._data
        stored = self._store().get(self.KEY)
        return None if stored is None else base64.b64decode(stored)

    def remove(self) -> None:
        # The name comes back in a form field: delete nothing but an upload.
        store = self._store()
        if store.get(self.KEY) is not None:
            store.delete()
