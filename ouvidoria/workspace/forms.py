"""Forms of the workspace: they only shape input; the services validate the rules and write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvidoria.catalogue.models import Instance, Medium, RecordType, Subject
from ouvidoria.catalogue.selectors import subject_choices
from ouvidoria.entities.models import Entity
from ouvidoria.rules.catalogue import GENDERS
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import check_identity_confirmed
from ouvidoria.rules.rights import RIGHTS
from ouvidoria.rules.workflow import MERITS_REASONS, STATUS_LABELS

# Seed 004 "Atendimento Receptivo": confirm three registration data, CPF mandatory, before personal or financial
# matters are discussed.
IDENTITY_CHECKS = [
    ("cpf", _("CPF")),
    ("name", _("Nome completo")),
    ("mother_name", _("Nome da mãe")),
    ("birth_date", _("Data de nascimento")),
    ("address", _("Endereço")),
    ("phone", _("Telefone cadastrado")),
    ("email", _("E-mail cadastrado")),
]
# Contacts registered by the team (the citizen's own channels register themselves).
STAFF_MEDIA = ("phone", "email", "letter", "in-person", "whatsapp", "chat")


def _choices(rows: Any, blank: Any = None) -> list[tuple[str, str]]:
    items = [(str(code), str(label)) for code, label in rows]
    return ([("", blank)] if blank is not None else []) + items


class RegistrationForm(forms.Form):
    protocol_token = forms.CharField(widget=forms.HiddenInput)
    entity = forms.ChoiceField(label=_("Entidade"))
    instance = forms.ChoiceField(label=_("Instância"))
    medium = forms.ChoiceField(label=_("Meio de contato"))
    record_type = forms.ChoiceField(label=_("Tipo"))
    subject = forms.ChoiceField(label=_("Assunto"), required=False)
    description = forms.CharField(label=_("Descrição"), widget=forms.Textarea, max_length=20000)
    anonymous = forms.BooleanField(label=_("Denúncia anônima"), required=False)
    name_confidential = forms.BooleanField(label=_("Manifestante pediu sigilo do nome"), required=False)
    document = forms.CharField(label=_("CPF ou CNPJ"), required=False, max_length=30)
    name = forms.CharField(label=_("Nome completo"), required=False, max_length=200)
    social_name = forms.CharField(
        label=_("Nome social"), required=False, max_length=200, help_text=_("Usado no lugar do nome civil.")
    )
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telefone"), required=False, max_length=30)
    address = forms.CharField(label=_("Endereço para correspondência"), required=False, max_length=300)
    gender = forms.ChoiceField(label=_("Gênero declarado"), required=False)
    state = forms.CharField(label=_("UF"), required=False, max_length=2)
    city = forms.CharField(label=_("Cidade"), required=False, max_length=120)
    earlier_protocols = forms.CharField(
        label=_("Protocolos anteriores"),
        required=False,
        max_length=400,
        help_text=_("Separe por espaço ou vírgula. Obrigatório para a Ouvidoria de bancos e do Open Insurance."),
    )
    personal_matters = forms.BooleanField(
        label=_("O atendimento tratará de dados pessoais ou financeiros"), required=False, initial=True
    )
    identity_checks = forms.MultipleChoiceField(
        label=_("Identidade confirmada com"),
        required=False,
        choices=IDENTITY_CHECKS,
        widget=forms.CheckboxSelectMultiple,
    )
    # A data subject's request (LGPD art. 18): the policy lgpd-titular, 15 calendar days (ouvidoria/rights).
    lgpd_request = forms.BooleanField(
        label=_("Pedido do titular de dados (LGPD): prazo de 15 dias corridos"), required=False
    )
    lgpd_rights = forms.MultipleChoiceField(
        label=_("Direitos pedidos"),
        required=False,
        choices=[(r.code, f"({r.code}) {r.label}") for r in RIGHTS],
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility_override = forms.CharField(
        label=_("Motivo para admitir na Ouvidoria mesmo assim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, entities: list[Entity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["entity"].choices = [(e.slug, e.name) for e in entities]  # type: ignore[attr-defined]
        if len(entities) == 1:
            f["entity"].initial = entities[0].slug
        f["instance"].choices = _choices(  # type: ignore[attr-defined]
            Instance.objects.exclude(kind="opin").values_list("code", "label")
        )
        f["instance"].initial = "sac"
        f["medium"].choices = _choices(  # type: ignore[attr-defined]
            Medium.objects.filter(code__in=STAFF_MEDIA).values_list("code", "label")
        )
        f["medium"].initial = "phone"
        # No default type: the attendant chooses (a default Denúncia was kept by mistake in the first week).
        f["record_type"].choices = _choices(  # type: ignore[attr-defined]
            RecordType.objects.values_list("code", "label"), blank=_("Escolha o tipo…")
        )
        f["record_type"].error_messages["required"] = _("Tipo: escolha o tipo da manifestação.")
        # The subjects of the chosen entity's catalogues (issue 14); the screen reloads them when the entity changes.
        chosen = self.data.get("entity") if self.is_bound else self.initial.get("entity", f["entity"].initial)
        entity = next((e for e in entities if e.slug == chosen), entities[0] if entities else None)
        f["subject"].choices = (  # type: ignore[attr-defined]
            subject_choices(entity, blank=_("(sem assunto)")) if entity is not None else [("", _("(sem assunto)"))]
        )
        f["subject"].error_messages["invalid_choice"] = _(
            "Assunto: escolha um dos assuntos da entidade (o catálogo muda com a entidade)."
        )
        f["gender"].choices = _choices(GENDERS, blank=_("(não informado)"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("personal_matters") and not data.get("anonymous"):
            try:
                check_identity_confirmed(set(data.get("identity_checks") or ()))
            except RuleViolation as exc:
                self.add_error(exc.field, exc.message)
        if data.get("lgpd_request"):
            if data.get("anonymous"):
                self.add_error("anonymous", _("Pedido do titular: não pode ser anônimo."))
            if not (data.get("document") or "").strip():
                self.add_error("document", _("Pedido do titular: informe o CPF, pelo qual os dados são encontrados."))
            if not data.get("lgpd_rights"):
                self.add_error("lgpd_rights", _("Pedido do titular: marque ao menos um direito pedido."))
        return data

    @property
    def earlier_list(self) -> list[str]:
        raw = self.cleaned_data.get("earlier_protocols", "") if hasattr(self, "cleaned_data") else ""
        return [p for p in raw.replace(",", " ").replace(";", " ").split() if p]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200)
    entity = forms.ChoiceField(label=_("Entidade"), required=False)
    status = forms.ChoiceField(label=_("Situação"), required=False)
    record_type = forms.ChoiceField(label=_("Tipo"), required=False)
    subject = forms.ChoiceField(label=_("Assunto"), required=False)
    instance = forms.ChoiceField(label=_("Instância"), required=False)
    medium = forms.ChoiceField(label=_("Meio"), required=False)
    assignee = forms.CharField(label=_("Responsável (usuário)"), required=False, max_length=150)
    area = forms.TypedChoiceField(label=_("Área encaminhada"), required=False, coerce=int, empty_value=None)
    received_from = forms.DateField(
        label=_("Recebidas de"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(label=_("até"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, entities: list[Entity], areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = _("(todas)")
        f = self.fields
        f["entity"].choices = [("", any_)] + [(e.slug, e.name) for e in entities]  # type: ignore[attr-defined]
        f["status"].choices = _choices(STATUS_LABELS.items(), any_)  # type: ignore[attr-defined]
        f["record_type"].choices = _choices(RecordType.objects.values_list("code", "label"), any_)  # type: ignore[attr-defined]
        f["subject"].choices = _choices(  # type: ignore[attr-defined]
            Subject.objects.filter(active=True).values_list("code", "label"), any_
        )
        f["instance"].choices = _choices(Instance.objects.values_list("code", "label"), any_)  # type: ignore[attr-defined]
        f["medium"].choices = _choices(Medium.objects.values_list("code", "label"), any_)  # type: ignore[attr-defined]
        f["area"].choices = [("", any_)] + [(str(pk), name) for pk, name in areas]  # type: ignore[attr-defined]


MERITS_CHOICES = [
    (code, f"{'Procedente' if m == 'upheld' else 'Improcedente'} — {label}")
    for code, (m, label) in MERITS_REASONS.items()
]
