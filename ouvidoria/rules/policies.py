"""Deadline policies: the table in data/policies.toml, and the default policy of a manifestation.

Sources: DOMAIN.md "Deadlines"; each policy's ``source`` names its seed section or norm.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

POLICIES_FILE = Path(__file__).parent / "data" / "policies.toml"

Unit = Literal["business", "calendar"]


class UnknownPolicy(ValueError):
    """A policy code that is not in the table."""


@dataclass(frozen=True, slots=True)
class ExtensionRule:
    """How a deadline may be extended (prorrogação)."""

    max_count: int
    # Fixed length of each extension in the policy's unit ("por igual período"), or None when it is asked.
    days: int | None
    # Ceiling of the whole deadline (base + extensions) in the policy's unit, or None.
    max_total_days: int | None
    requires_justification: bool
    requester_must_be_told: bool
    requires_agreement: bool
    # Extensions of a month divided by the manifestations of that month may not exceed this, or None.
    monthly_cap_ratio: float | None


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    code: str
    label: str
    unit: Unit
    days: int
    source: str
    pause_allowed: bool
    bank_calendar: bool
    extension: ExtensionRule | None
    rating_days: int | None


# -- loading -----------------------------------------------------------------------------------------------

_POLICY_KEYS = {
    "label": str,
    "unit": str,
    "days": int,
    "source": str,
    "pause_allowed": bool,
    "bank_calendar": bool,
    "extension": dict,
    "rating_days": int,
}
_POLICY_REQUIRED = {"label", "unit", "days", "source", "pause_allowed", "bank_calendar"}
_EXTENSION_KEYS = {
    "max_count": int,
    "days": int,
    "max_total_days": int,
    "requires_justification": bool,
    "requester_must_be_told": bool,
    "requires_agreement": bool,
    "monthly_cap_ratio": float,
}
_EXTENSION_REQUIRED = {"max_count", "requires_justification", "requester_must_be_told", "requires_agreement"}


def _check_table(where: str, table: dict[str, Any], keys: dict[str, type], required: set[str]) -> None:
    unknown = set(table) - set(keys)
    if unknown:
        raise ValueError(f"{where}: chaves desconhecidas: {', '.join(sorted(unknown))}.")
    missing = required - set(table)
    if missing:
        raise ValueError(f"{where}: chaves obrigatórias ausentes: {', '.join(sorted(missing))}.")
    for key, value in table.items():
        expected = keys[key]
        # bool is a subclass of int: refuse `days = true`.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"{where}: '{key}' deve ser do tipo {expected.__name__}.")


def _positive(where: str, key: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{where}: '{key}' deve ser maior que zero.")


def _extension_from_toml(where: str, table: dict[str, Any]) -> ExtensionRule:
    _check_table(where, table, _EXTENSION_KEYS, _EXTENSION_REQUIRED)
    rule = ExtensionRule(
        max_count=table["max_count"],
        days=table.get("days"),
        max_total_days=table.get("max_total_days"),
        requires_justification=table["requires_justification"],
        requester_must_be_told=table["requester_must_be_told"],
        requires_agreement=table["requires_agreement"],
        monthly_cap_ratio=table.get("monthly_cap_ratio"),
    )
    for key in ("max_count", "days", "max_total_days"):
        _positive(where, key, getattr(rule, key))
    if (rule.days is None) == (rule.max_total_days is None):
        raise ValueError(f"{where}: informe 'days' (prorrogação fixa) ou 'max_total_days' (teto), um dos dois.")
    if rule.monthly_cap_ratio is not None and not 0 < rule.monthly_cap_ratio <= 1:
        raise ValueError(f"{where}: 'monthly_cap_ratio' deve estar entre 0 e 1.")
    return rule


def _policy_from_toml(code: str, table: dict[str, Any]) -> DeadlinePolicy:
    where = f"Política '{code}'"
    _check_table(where, table, _POLICY_KEYS, _POLICY_REQUIRED)
    if table["unit"] not in ("business", "calendar"):
        raise ValueError(f"{where}: 'unit' deve ser 'business' ou 'calendar'.")
    extension = table.get("extension")
    policy = DeadlinePolicy(
        code=code,
        label=table["label"],
        unit=cast(Unit, table["unit"]),
        days=table["days"],
        source=table["source"],
        pause_allowed=table["pause_allowed"],
        bank_calendar=table["bank_calendar"],
        extension=None if extension is None else _extension_from_toml(f"{where}, prorrogação", extension),
        rating_days=table.get("rating_days"),
    )
    _positive(where, "days", policy.days)
    _positive(where, "rating_days", policy.rating_days)
    ceiling = policy.extension.max_total_days if policy.extension else None
    if ceiling is not None and ceiling <= policy.days:
        raise ValueError(f"{where}: 'max_total_days' deve ser maior que 'days'.")
    return policy


def load_policies(path: Path = POLICIES_FILE) -> dict[str, DeadlinePolicy]:
    """Read and validate the policy table (a malformed table fails at import, not in front of a requester)."""
    with path.open("rb") as file:
        document = tomllib.load(file)
    if set(document) != {"policies"}:
        raise ValueError(f"{path.name}: o arquivo deve ter apenas a tabela [policies].")
    return {code: _policy_from_toml(code, table) for code, table in document["policies"].items()}


POLICIES: dict[str, DeadlinePolicy] = load_policies()


def get_policy(code: str) -> DeadlinePolicy:
    try:
        return POLICIES[code]
    except KeyError:
        raise UnknownPolicy(
            f"Política de prazo desconhecida: {code!r}. Políticas válidas: {', '.join(sorted(POLICIES))}."
        ) from None


# -- default policy of a manifestation ---------------------------------------------------------------------

INSTANCES = (
    "sac",
    "transactional",
    "fale-conosco",
    "chatbot",
    "faq",
    "ouvidoria",
    "opin-service-desk",
    "consumidor-gov",
    "procon",
    "bacen-rdr",
    "ans",
    "susep",
    "reclame-aqui",
    "press",
)
REGIMES = ("susep", "ans", "bcb", "other")

# The ombudsman policy of each regime. "other" (an entity under none of the three regulators) gets the SUSEP
# reading, 15 calendar days: our choice, the seeds are silent (docs/regulation.md).
_OMBUDSMAN_POLICY = {
    "bcb": "bcb-ouvidoria",  # seed 001 'Prazo para Resposta da Demanda'
    "ans": "ans-ouvidoria",  # seed 002 art. 3 VI
    "susep": "susep-ouvidoria",  # seed 000 §1.2 (Res. CNSP 445/2022)
    "other": "susep-ouvidoria",
}

# Instances whose policy does not depend on the regime.
_INSTANCE_POLICY = {
    # First instance (seed 000 §4.2.1-4.2.5): the SAC rule, Decreto 11.034/2022.
    "sac": "sac",
    "transactional": "sac",
    "fale-conosco": "sac",
    "chatbot": "sac",
    "faq": "sac",
    "opin-service-desk": "opin-service-desk",  # seed 000 §4.3.1
    "consumidor-gov": "consumidor-gov",  # seed 000 §1.2 (Circular SUSEP 643/2021)
    # Demands the regulators send to the ombudsman take that regulator's ombudsman deadline.
    # seed 001 'Definições' (RDR) and 'Manifestações Provenientes de Outros Órgãos'
    "bacen-rdr": "bcb-ouvidoria",
    "ans": "ans-ouvidoria",  # seed 002 art. 4 V
    "susep": "susep-ouvidoria",  # seed 000 §1.2
}
# Cases from other external bodies get "o mesmo tratamento" as the ombudsman's own, so its deadline
# (seed 001 'Manifestações Provenientes de Outros Órgãos' and 'Para ser elegível').
_OMBUDSMAN_INSTANCES = frozenset({"ouvidoria", "procon", "reclame-aqui", "press"})


def default_policy_code(instance: str, regime: str) -> str:
    """The default deadline policy of a manifestation received through ``instance`` by a ``regime`` entity."""
    if regime not in _OMBUDSMAN_POLICY:
        raise ValueError(f"Regime desconhecido: {regime!r}. Regimes válidos: {', '.join(REGIMES)}.")
    if instance in _OMBUDSMAN_INSTANCES:
        return _OMBUDSMAN_POLICY[regime]
    if instance in _INSTANCE_POLICY:
        return _INSTANCE_POLICY[instance]
    raise ValueError(f"Instância desconhecida: {instance!r}. Instâncias válidas: {', '.join(INSTANCES)}.")


def web_contact_instance(*, opin_structure: bool) -> str:
    """Where the citizen's web form (Fale Conosco) registers.

    An entity's own form is its first instance, the SAC rule (seed 000 §4.2.5; Decreto 11.034/2022), and an Open
    Insurance participant's form is no exception: its cases go into the OPIN quarterly file with the SAC's (§8.4).
    Only the Open Insurance structure itself answers through the Service Desk (§4.2.3, §4.3.1: 15 days overall)."""
    return "opin-service-desk" if opin_structure else "fale-conosco"
