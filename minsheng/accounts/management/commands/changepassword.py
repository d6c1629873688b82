"""``minsheng changepassword [USERNAME]``: Django's command, saving through
``accounts.services.user_set_password`` so that the user's API tokens are revoked too.

It replaces ``django.contrib.auth``'s command of the same name (same arguments, prompts and
messages) because ``minsheng.accounts`` comes before it in ``INSTALLED_APPS``.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from minsheng.accounts.services import user_set_password

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a user's password (and revoke their API tokens)."

    def ask(self, prompt: str) -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("aborted")
        return password

    def handle(self, *args: Any, **options: Any) -> str:
        user_model = get_user_model()
        username = options["username"] or getpass.getuser()
        try:
            user = user_model._default_manager.using(options["database"]).get(
                **{user_model.USERNAME_FIELD: username}
            )
        except user_model.DoesNotExist:
            raise CommandError(f"user '{username}' does not exist") from None

        self.stdout.write(f"Changing password for user '{user}'")
        for _attempt in range(MAX_TRIES):
            password = self.ask("Password: ")
            if self.ask("Password (again): ") != password:
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            user_set_password(user=user, password=password)
            return f"Password changed successfully for user '{user}'; API tokens revoked"
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
