from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Dossiê (PDF)"),
        error_messages={
            "required": _("Arquivo: escolha o PDF do dossiê."),
            "empty": _("Arquivo: o arquivo está vazio."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > settings.DOSSIER_VERIFY_MAX_BYTES:
            limit = settings.DOSSIER_VERIFY_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("Arquivo: o PDF passa de %(n)s MB, o maior que a verificação aceita."), params={"n": limit}
            )
        return bytes(upload.read())
