from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvidoria.catalogue.models import Instance
from ouvidoria.entities.models import Entity
from ouvidoria.rules.periods import EARLIEST, LATEST

# A longer period is refused: the dashboard is for months and years, not decades (and it bounds the work).
MAX_PERIOD_DAYS = 3 * 366


class IndicatorsFilterForm(forms.Form):
    # ISO dates: what <input type="date"> takes and sends, whatever the locale shows.
    date_from = forms.DateField(label=_("De"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Até"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    entity = forms.ChoiceField(label=_("Entidade"), required=False)
    instance = forms.ChoiceField(label=_("Instância"), required=False)

    def __init__(self, *args: Any, entities: list[Entity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = _("(todas)")
        self.fields["entity"].choices = [("", any_)] + [(e.slug, e.name) for e in entities]  # type: ignore[attr-defined]
        instances = Instance.objects.order_by("label").values_list("code", "label")
        self.fields["instance"].choices = [("", any_), *instances]  # type: ignore[attr-defined]

    def _in_range(self, name: str) -> date:
        day: date = self.cleaned_data[name]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Escolha uma data entre %(a)s e %(b)s.") % {"a": EARLIEST.year, "b": LATEST.year}
            )
        return day

    def clean_date_from(self) -> date:
        return self._in_range("date_from")

    def clean_date_to(self) -> date:
        return self._in_range("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("O fim do período é anterior ao início."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("date_to", _("Escolha um período de até três anos."))
        return data
