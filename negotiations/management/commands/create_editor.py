import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from negotiations.services import editor_create


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Editors group who can enter rounds and "
        "positions in the admin. The password is asked for, or read from EDITOR_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        password = os.environ.get("EDITOR_PASSWORD") or self._ask_password()
        try:
            user = editor_create(username=username, password=password, email=email)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Editor {user.username!r} can now log in at /admin/.")
        )

    def _ask_password(self) -> str:
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given; set EDITOR_PASSWORD or type one.") from None
        if password != again:
            raise CommandError("The two passwords differ; nothing was created.")
        if not password:
            raise CommandError("An empty password is not allowed; nothing was created.")
        return password
