"""Imports from the workspace, for administrators: upload, background run, progress bar, outcome."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.imports.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("O que importar"), choices=ImportJob.KINDS)
    file = forms.FileField(label=_("Arquivo"), error_messages={"required": _("Escolha o arquivo a importar.")})
    create_entities = forms.BooleanField(
        label=_("Criar as entidades que ainda não existem (histórico de manifestações)"), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Arquivo: use CSV ou XLSX."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Arquivo: no máximo %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if data.get("kind") == "consumidor_gov" and upload is not None and upload.name.lower().endswith(".xlsx"):
            self.add_error("file", _("Os dados abertos do consumidor.gov.br são arquivos CSV."))
        return data


def _allowed(request: HttpRequest) -> None:
    if not access_for(request.user).can("configure"):
        raise Http404


@workspace_view
def import_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=form.cleaned_data["kind"],
                file=upload,
                original_name=upload.name[:200],
                create_entities=form.cleaned_data["create_entities"],
                uploaded_by=cast(Any, request.user),
            )
            from ouvidoria.imports.tasks import import_job_task

            transaction.on_commit(lambda: import_job_task(job.pk))
        messages.success(request, "Importação na fila.")
        return redirect("imports:detail", pk=job.pk)
    return render(
        request,
        "imports/list.html",
        {"nav": "imports", "form": form, "jobs": ImportJob.objects.select_related("uploaded_by")[:50]},
        status=400 if form.errors else 200,
    )


@workspace_view
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    template = "imports/progress.html" if getattr(request, "htmx", False) else "imports/detail.html"
    return render(request, template, {"nav": "imports", "job": job})
