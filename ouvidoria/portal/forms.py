"""The citizen's forms: only shapes and limits here; the case services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvidoria.catalogue.models import RecordType
from ouvidoria.catalogue.selectors import subject_choices
from ouvidoria.entities.models import Entity

DESCRIPTION_LIMIT = 4000
MAX_FILES = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES files in one input; each is checked on its content by the attachment service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Anexos: no máximo %(n)s arquivos.") % {"n": MAX_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ContactForm(forms.Form):
    """Seed 000 §4.3.1, "Fale conosco": name, social name, e-mail, earlier ticket, subject, type, description."""

    name = forms.CharField(label=_("Nome completo"), max_length=200)
    social_name = forms.CharField(
        label=_("Nome social (opcional)"),
        max_length=200,
        required=False,
        help_text=_("Se informado, é o nome que usaremos para falar com você."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, error_messages={"invalid": _("E-mail inválido.")})
    document = forms.CharField(label=_("CPF ou CNPJ (opcional)"), max_length=20, required=False)
    phone = forms.CharField(
        label=_("Telefone com DDD (opcional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Endereço para correspondência (opcional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    # Seed 001: "manter sigilo sobre o nome do reclamante (a pedido)".
    name_confidential = forms.BooleanField(
        label=_("Quero que meu nome seja mantido em sigilo"),
        required=False,
        help_text=_(
            "Seu nome e seus dados de contato ficam visíveis só para quem vai responder à manifestação; "
            "nas áreas consultadas e nos relatórios aparece “Nome sob sigilo”."
        ),
    )
    earlier_protocol = forms.CharField(
        label=_("Número de protocolo anterior (opcional)"), max_length=40, required=False
    )
    record_type = forms.ChoiceField(label=_("Tipo de manifestação"))
    subject = forms.ChoiceField(label=_("Assunto"), required=False)
    description = forms.CharField(
        label=_("Descreva sua manifestação"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Até %(n)s caracteres. Não escreva senhas nem dados de cartão.") % {"n": DESCRIPTION_LIMIT},
    )
    attachments = MultipleFileField(
        label=_("Anexos (opcional)"), required=False, help_text=_("Até 3 arquivos (PDF, imagem ou texto), 10 MB cada.")
    )
    # A field people never see: bots fill every field (honeypot).
    website = forms.CharField(required=False, label=_("Deixe este campo em branco"))

    ombudsman = False

    def __init__(self, *args: Any, entity: Entity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Escolha…")),
            *RecordType.objects.values_list("code", "label"),
        ]
        # Only the entity's own subjects, grouped by área and assunto (issue 14).
        self.fields["subject"].choices = subject_choices(entity, blank=_("(outro assunto)"))  # type: ignore[attr-defined]
        self.fields["subject"].error_messages["invalid_choice"] = _("Assunto: escolha um dos assuntos da lista.")
        self.fields["record_type"].error_messages["required"] = _("Escolha o tipo de manifestação.")
        self.fields["name"].error_messages["required"] = _("Informe seu nome completo.")
        self.fields["email"].error_messages["required"] = _("Informe seu e-mail: é por ele que responderemos.")
        self.fields["description"].error_messages["required"] = _("Descreva sua manifestação.")


class OmbudsmanForm(ContactForm):
    """The Ouvidoria: CPF required (seed 001 triage), the earlier protocol asked for and explained."""

    ombudsman = True

    def __init__(self, *args: Any, earlier_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].required = True
        self.fields["document"].label = _("CPF ou CNPJ")
        self.fields["document"].error_messages["required"] = _("A Ouvidoria precisa do seu CPF ou CNPJ.")
        # Seed 001 "Atendimento das Solicitações": the Ouvidoria's triage needs the contact data — phones, e-mail and
        # the mailing address (asked, optional: docs/regulation.md).
        phone = self.fields["phone"]
        phone.required = True
        phone.label = _("Telefone com DDD")
        phone.error_messages["required"] = _("Informe um telefone com DDD: a Ouvidoria pode precisar falar com você.")
        earlier = self.fields["earlier_protocol"]
        earlier.label = _("Protocolo do atendimento anterior (SAC ou central)")
        earlier.required = earlier_required
        earlier.error_messages["required"] = _(
            "Informe o protocolo do atendimento anterior: a Ouvidoria é a última instância interna."
        )


class LookupForm(forms.Form):
    protocol = forms.CharField(label=_("Número de protocolo"), max_length=40)
    contact = forms.CharField(
        label=_("E-mail ou CPF informado na manifestação"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ComplementForm(forms.Form):
    body = forms.CharField(
        label=_("Complemento"), max_length=DESCRIPTION_LIMIT, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Anexos (opcional)"), required=False)


class EvaluationForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Sua manifestação foi resolvida?"),
        choices=[("yes", _("Sim")), ("no", _("Não"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Diga se a manifestação foi resolvida.")},
    )
    rating = forms.TypedChoiceField(
        label=_("Nota para o atendimento (1 = péssimo, 5 = ótimo)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dê uma nota de 1 a 5.")},
    )
    comment = forms.CharField(
        label=_("Comentário (opcional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
