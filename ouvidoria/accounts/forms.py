from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Código de 6 dígitos do aplicativo autenticador"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={
            "required": _("Informe o código do aplicativo autenticador."),
            "min_length": _("O código tem 6 dígitos."),
            "max_length": _("O código tem 6 dígitos."),
        },
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("O código tem somente números."))
        return token
