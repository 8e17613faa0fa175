from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from imo.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Logs in with either the username or the e-mail address (case-insensitive for both)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        login = str(username).strip()
        field = "email__iexact" if "@" in login else "username__iexact"
        user = User.objects.filter(**{field: login}).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal users
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user, read on every request: by a statement the ORM compiles once per process
        (compiling `User.objects.get(pk=…)` cost as much as running it: ~10 % of a small page)."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(User.objects.raw(_user_by_pk_sql(), [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj: Any, perm: str, obj: object | None = None) -> bool:
        # Permissions come from `rules` predicates on memberships; Django's permission tables are used only
        # to let the technical administrator (a superuser) into Django's admin. Skipping them saves two
        # queries on every page that builds the menu.
        return bool(user_obj.is_active and user_obj.is_superuser)


@functools.cache
def _user_by_pk_sql() -> str:
    """SELECT every column of a user WHERE pk = %s, as the ORM writes it for this database."""
    sql, params = User.objects.filter(pk=0).query.sql_with_params()
    assert params == (0,), params  # the one parameter is the key
    return sql
