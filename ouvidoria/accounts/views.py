"""Sign-in (password, then the TOTP second factor), enrolment of an authenticator app, sign-out."""

from typing import Any

import segno
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouvidoria.accounts.decorators import second_factor_pending
from ouvidoria.accounts.forms import TokenForm


class SignInView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect("workspace:queue")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(user, confirmed=True):
            allowed, _detail = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(request.GET.get("next") or "workspace:queue")
        form.add_error("token", _("Código inválido ou expirado. Aguarde o próximo código e tente de novo."))
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a QR code (and the key, for typing) and a first code to confirm it."""
    user: Any = request.user
    if user.is_verified() or (second_factor_pending(request) == "accounts:otp_verify"):
        return redirect("workspace:queue")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Aplicativo autenticador"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("workspace:queue")
        form.add_error("token", _("O código não confere. Confira o relógio do celular e tente o próximo código."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            # segno writes a self-contained SVG from our own data: safe to inline.
            "qr_svg": mark_safe(qr.svg_inline(scale=4, title=_("Código QR para o aplicativo autenticador"))),  # noqa: S308
            "secret": _group(device.config_url.split("secret=")[1].split("&")[0]),
            "required": bool(second_factor_pending(request)),
        },
    )


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
