from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvidoria.accounts.disclosure import CHANNEL_LABELS
from ouvidoria.rules.periods import EARLIEST, LATEST
from ouvidoria.rules.protocol import normalize_protocol

# An export covers at most a year: the auditor asks for periods, and it bounds one request's work.
MAX_PERIOD_DAYS = 366


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 30 days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


class PeriodForm(forms.Form):
    """A period of local days, both included, of at most a year."""

    date_from = forms.DateField(label=_("De"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Até"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].error_messages["invalid"] = _("De: informe uma data válida.")
        self.fields["date_to"].error_messages["invalid"] = _("Até: informe uma data válida.")

    def _in_range(self, name: str, label: str) -> date:
        day: date = self.cleaned_data[name]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("%(field)s: escolha uma data entre %(a)s e %(b)s.")
                % {"field": label, "a": EARLIEST.year, "b": LATEST.year}
            )
        return day

    def clean_date_from(self) -> date:
        return self._in_range("date_from", "De")

    def clean_date_to(self) -> date:
        return self._in_range("date_to", "Até")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("Até: o fim do período é anterior ao início."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("date_to", _("Até: escolha um período de até um ano."))
        return data


class ReadsFilterForm(PeriodForm):
    who = forms.CharField(label=_("Quem (usuário ou token)"), required=False, max_length=150)
    protocol = forms.CharField(label=_("Protocolo"), required=False, max_length=40)
    channel = forms.ChoiceField(label=_("Por onde"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("(todos)")), *CHANNEL_LABELS.items()]  # type: ignore[attr-defined]

    def clean_protocol(self) -> str:
        return normalize_protocol(self.cleaned_data["protocol"]) if self.cleaned_data["protocol"].strip() else ""
