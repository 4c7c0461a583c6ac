"""The gate of every workspace page: signed in, second factor when required or enrolled, and some role."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django_otp import user_has_device

from ouvidoria.accounts.access import access_for
from ouvidoria.rules.roles import TOTP_REQUIRED

View = Callable[..., HttpResponseBase]


def second_factor_pending(request: HttpRequest) -> str | None:
    """Where to send a signed-in user who still owes a second factor, or None."""
    user: Any = request.user
    if user.is_verified():
        return None
    if user_has_device(user):
        return "accounts:otp_verify"
    if user.is_superuser or access_for(user).role in TOTP_REQUIRED:
        return "accounts:totp_setup"
    return None


def workspace_view(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        pending = second_factor_pending(request)
        if pending:
            return redirect(pending)
        if not access_for(request.user).role:
            return render(request, "accounts/no_role.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
