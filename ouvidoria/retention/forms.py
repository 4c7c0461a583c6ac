from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.entities.models import Entity
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import clean_document
from ouvidoria.rules.protocol import normalize_protocol


class HoldForm(forms.Form):
    """A hold on one thing: a protocol, a requester (by CPF/CNPJ) or an entity."""

    protocol = forms.CharField(label=_("Protocolo"), required=False, max_length=30)
    document = forms.CharField(label=_("CPF/CNPJ do manifestante"), required=False, max_length=20)
    entity = forms.ModelChoiceField(label=_("Entidade"), queryset=Entity.objects.none(), required=False)
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    until = forms.DateField(
        label=_("Até (dd/mm/aaaa; em branco: até ser retirado)"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )

    def __init__(self, *args: Any, manifestations: Any, entities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manifestations = manifestations
        self.fields["entity"].queryset = entities  # type: ignore[attr-defined]

    def clean_protocol(self) -> Manifestation | None:
        text = self.cleaned_data["protocol"].strip()
        if not text:
            return None
        found = self.manifestations.filter(protocol=normalize_protocol(text)).first()
        if found is None:
            raise forms.ValidationError(_("Protocolo: nenhuma manifestação sua com este número."))
        return found  # type: ignore[no-any-return]

    def clean_document(self) -> Requester | None:
        text = self.cleaned_data["document"].strip()
        if not text:
            return None
        try:
            _kind, digits = clean_document(text)
        except RuleViolation as exc:
            raise forms.ValidationError(exc.message) from exc
        found = Requester.objects.filter(
            document_hash=blind_index(digits), manifestations__in=self.manifestations
        ).first()
        if found is None:
            raise forms.ValidationError(_("CPF/CNPJ: nenhum manifestante com este documento nas suas entidades."))
        return found
