"""The person's notifications: the list, opening one (read, then the case), all read, and what comes by e-mail."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.inbox import selectors, services
from ouvidoria.inbox.models import KIND_LABELS, StaffNotification

PAGE_SIZE = 50


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Receber também por e-mail"),
        choices=list(KIND_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@workspace_view
def notifications(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("mostrar") != "todas"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    rows = list(selectors.notifications_for(request.user, unread_only=unread_only)[start : start + PAGE_SIZE + 1])
    context = {
        "nav": "inbox",
        "rows": rows[:PAGE_SIZE],
        "unread_only": unread_only,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": "" if unread_only else "mostrar=todas",
        "email_kinds": [KIND_LABELS[k] for k in selectors.email_kinds_for(request.user)],
    }
    return render(request, "inbox/list.html", context)


@workspace_view
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    mine = StaffNotification.objects.filter(pk=pk, user_id=int(request.user.pk or 0))
    notification = mine.select_related("manifestation").first()
    if notification is None:
        raise Http404
    # Opening one reads every notification of that case: the person is looking at it now.
    services.notifications_read(request.user, manifestation_id=notification.manifestation_id)
    return redirect("workspace:case", notification.manifestation.protocol)


@workspace_view
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read(request.user)
    messages.success(request, _("%(n)d notificações marcadas como lidas.") % {"n": count})
    return redirect("inbox:list")


@workspace_view
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(request.user, email_kinds=form.cleaned_data["email_kinds"])
            messages.success(request, _("Preferências de notificação salvas."))
            return redirect("inbox:list")
    else:
        form = PreferencesForm(initial={"email_kinds": selectors.email_kinds_for(request.user)})
    has_email = bool(getattr(request.user, "email", ""))
    return render(request, "inbox/preferences.html", {"nav": "inbox", "form": form, "has_email": has_email})
