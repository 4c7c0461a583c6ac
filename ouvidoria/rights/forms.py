"""The citizen's request form and the analyst's forms: shapes and limits; the services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvidoria.rules.rights import RIGHTS

DETAILS_LIMIT = 2000


class RightsRequestForm(forms.Form):
    """Exercer meus direitos sobre dados pessoais (LGPD art. 18; seed 000 §4.3.2 item 2)."""

    name = forms.CharField(
        label=_("Nome completo"), max_length=200, error_messages={"required": _("Informe seu nome completo.")}
    )
    document = forms.CharField(
        label=_("CPF"),
        max_length=20,
        help_text=_("É pelo CPF e pelo e-mail que encontramos os seus dados em todas as empresas atendidas aqui."),
        error_messages={"required": _("Informe seu CPF: é por ele que encontramos os seus dados.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={"required": _("Informe seu e-mail: é por ele que responderemos."),
                        "invalid": _("E-mail inválido.")},
    )  # fmt: skip
    rights = forms.MultipleChoiceField(
        label=_("O que você quer fazer"),
        choices=[(r.code, r.plain) for r in RIGHTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Escolha ao menos uma opção em “O que você quer fazer”.")},
    )
    details = forms.CharField(
        label=_("Detalhes (opcional)"),
        max_length=DETAILS_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Por exemplo: qual dado está errado e qual é o correto. Não escreva senhas nem dados de cartão."),
    )
    chat_protocols = forms.CharField(
        label=_("Protocolos de conversas com o assistente virtual (opcional)"),
        max_length=200,
        required=False,
        help_text=_("As conversas não guardam seu nome nem CPF: informe o protocolo delas para incluí-las no pedido."),
    )
    website = forms.CharField(required=False, label=_("Deixe este campo em branco"))


class IdentityForm(forms.Form):
    checks = forms.MultipleChoiceField(label=_("Dados confirmados com o titular"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, choices: list[tuple[str, Any]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["checks"].choices = choices  # type: ignore[attr-defined]
        self.fields["checks"].required = False


class CorrectionForm(forms.Form):
    requester = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nome completo"), max_length=200, required=False)
    social_name = forms.CharField(label=_("Nome social"), max_length=200, required=False)
    document = forms.CharField(label=_("CPF/CNPJ"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefone"), max_length=20, required=False)
    address = forms.CharField(label=_("Endereço"), max_length=300, required=False)
