import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from negotiations.services import UserExists, editor_create


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Editors group who can enter rounds and "
        "positions in the admin. The password is asked for, or read from EDITOR_PASSWORD. "
        "An existing user is refused unless --reset-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="the user exists: make it an editor and give it this new password",
        )

    def handle(self, *args, username, email, reset_password, **options):
        exists = get_user_model().objects.filter(username=username).exists()
        if exists and not reset_password:
            raise CommandError(self.exists_message(username))
        password = os.environ.get("EDITOR_PASSWORD") or self._ask_password()
        try:
            user = editor_create(
                username=username, password=password, email=email, reset_password=reset_password
            )
        except UserExists:
            raise CommandError(self.exists_message(username)) from None
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Editor {user.username!r} can now log in at /admin/.")
        )

    @staticmethod
    def exists_message(username: str) -> str:
        return (
            f"A user “{username}” exists already; nothing changed. To make it an editor "
            f"with a new password: manage.py create_editor {username} --reset-password"
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
