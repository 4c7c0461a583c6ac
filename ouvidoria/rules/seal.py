"""The digital-maturity seal of an entity's services to the public (seed 003, Selo ANS de Maturidade Digital, 3ª ed.).

The level of a service (Tabela 1, Figura 6) follows from its "Canais de Prestação" (Figura 7, "Informações
utilizadas para classificação") and from how it is analysed and delivered; editions are compared service by
service as Tabela 2 does; the quality goal is the one of section 7.2 (rating ≥ 4,5); savings follow a standard-cost
model (section 6, "modelo de custo padrão"), with every parameter given by the entity. The choices the seed leaves
open are in docs/regulation.md, "Selo de maturidade digital".
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Level = Literal["A1", "A2", "A3", "B", "C"]

# Figura 6, from the most digital to the least.
LEVEL_LABELS: dict[str, str] = {
    "A1": "A1 – Autosserviço",
    "A2": "A2 – Análise digital",
    "A3": "A3 – Digital para o usuário",
    "B": "B – Parcialmente digital",
    "C": "C – Manual",
}
LEVELS: tuple[Level, ...] = ("A1", "A2", "A3", "B", "C")
# Section 6: "Os serviços A1, A2 e A3 são variações de serviços digitais; B e C ... ainda não são digitais."
DIGITAL_LEVELS: frozenset[str] = frozenset({"A1", "A2", "A3"})

# "Canais de Prestação" (Figura 7). Digital access is the web (portal self-service, a web form); e-mail is its own
# case in Tabela 1 (Parcialmente digital, option 2); the rest are the non-digital examples of Tabela 1, "Manual".
CHANNEL_LABELS: dict[str, str] = {
    "portal": "Autosserviço no portal",
    "web_form": "Formulário web",
    "email": "E-mail",
    "phone": "Telefone",
    "in_person": "Presencial",
    "post": "Correspondência / ofício não eletrônico",
}
DIGITAL_CHANNELS: frozenset[str] = frozenset({"portal", "web_form"})
NON_DIGITAL_CHANNELS: frozenset[str] = frozenset({"phone", "in_person", "post"})


@dataclass(frozen=True)
class Derivation:
    level: Level
    # The words of the seed the level follows from (pt-BR), shown beside the level.
    reason: str


def derive_level(
    channels: Sequence[str],
    *,
    person_analyses: bool,
    digital_delivery: bool,
    person_validates: bool = False,
    digital_processing: bool = False,
) -> Derivation:
    """The maturity level of a service from its channels of delivery and how it is analysed and delivered.

    ``person_analyses``: a person must analyse the request before delivery. ``digital_delivery``: the final
    delivery is digital (web). ``person_validates``: the analysis is digital but a person completes or validates the
    delivery (Tabela 1, "Análise digital"). ``digital_processing``: a service reached only by non-digital channels
    is processed digitally inside the entity (Tabela 1, "Parcialmente digital", option 3).
    """
    unknown = sorted(set(channels) - set(CHANNEL_LABELS))
    if unknown:
        raise ValueError(f"Canal de prestação desconhecido: {', '.join(unknown)}.")
    if not channels:
        raise ValueError("Informe ao menos um canal de prestação.")
    chosen = set(channels)
    digital = bool(chosen & DIGITAL_CHANNELS)
    non_digital = bool(chosen & NON_DIGITAL_CHANNELS)
    if "email" in chosen:
        return Derivation("B", "Tabela 1, Parcialmente digital (2): opção de acesso ao serviço por e-mail.")
    if digital and non_digital:
        return Derivation(
            "B", "Tabela 1, Parcialmente digital (1): duas opções de acesso – o digital (web) e/ou o não digital."
        )
    if not digital:
        if digital_processing:
            return Derivation(
                "B",
                "Tabela 1, Parcialmente digital (3): acesso não digital, mas o processo de análise interno é digital.",
            )
        return Derivation("C", "Tabela 1, Manual: acesso exclusivamente por meio não digital.")
    if not digital_delivery:
        # Section 6 and Decreto nº 8.936/2016: digital is a service delivered by electronic means; one reached on the
        # web but delivered otherwise is not, so it is the least of the non-manual levels.
        return Derivation(
            "B",
            "Seção 6 (Decreto nº 8.936/2016): acesso digital, mas a entrega não é por meio eletrônico; "
            "Tabela 1, Parcialmente digital.",
        )
    if person_analyses:
        return Derivation(
            "A3",
            "Tabela 1, Digital para o usuário: acesso digital, análise feita por pessoa, entrega final digital.",
        )
    if person_validates:
        return Derivation(
            "A2",
            "Tabela 1, Análise digital: acesso e análise digitais; uma pessoa complementa ou valida a entrega final.",
        )
    return Derivation(
        "A1", "Tabela 1, Autosserviço: oferecido integralmente de forma digital (web), sem intervenção humana."
    )


# --- Editions (section 7, Tabela 2) ---

Action = Literal["Mantido", "Alterado", "Incluído", "Excluído"]


@dataclass(frozen=True)
class Entry:
    """A service as an edition shows it."""

    name: str
    level: str


def same_name(a: str, b: str) -> bool:
    """Are two names the same wording, but for case, accents and spaces?"""
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def compare(previous: Entry | None, current: Entry | None, *, renames_count: bool = True) -> Action | None:
    """What happened to a service from one edition to the next (Tabela 2, "Ações"); None if in neither.

    Alterado: renamed or re-levelled (issue 16); ``renames_count=False`` follows the seed's own practice, which calls
    a reworded service "Mantido" (Tabela 2: "Cancelar registro de operadora…" → "Solicitar cancelamento…").
    """
    if previous is None and current is None:
        return None
    if previous is None:
        return "Incluído"
    if current is None:
        return "Excluído"
    if previous.level != current.level or (renames_count and not same_name(previous.name, current.name)):
        return "Alterado"
    return "Mantido"


def evolution_action(
    history: Sequence[Entry | None], *, baseline: int = 0, renames_count: bool = True
) -> Action | None:
    """The "Ações" of a service across editions (oldest first), as in Tabela 2: the last edition against the
    ``baseline`` one (the first edition the comparison starts from), or against the service's first appearance
    when it appeared after the baseline (then "Incluído")."""
    if not history:
        return None
    last = history[-1]
    earlier = [entry for entry in history[:-1] if entry is not None]
    if last is None:
        return "Excluído" if earlier else None
    upto_baseline = [entry for entry in history[: baseline + 1] if entry is not None]
    if not upto_baseline:
        return "Incluído"
    # The baseline's entry, or the last one before it when the service was missing from the baseline itself.
    reference = upto_baseline[-1]
    return compare(reference, last, renames_count=renames_count)


def digital_share(levels: Sequence[str]) -> Decimal | None:
    """The share of digital services (A1–A3) in an edition, in percent with one decimal (Figura 10)."""
    if not levels:
        return None
    digital = sum(1 for level in levels if level in DIGITAL_LEVELS)
    return (Decimal(100 * digital) / len(levels)).quantize(Decimal("0.1"))


# --- Quality (section 6, section 7.2) ---

# Section 7.2: "alcançar a avaliação dos serviços pelos usuários ... maior ou igual a 4,5".
SATISFACTION_GOAL = Decimal("4.5")
# Not in the seed (ours; docs/regulation.md): below 10 ratings the mean of a 1–5 scale moves by more than half a
# point with one evaluation either way, too little to tell a service at 4.5 from one at 4.0.
MIN_EVALUATIONS = 10


def improvement_reason(mean: Decimal | None, count: int, *, minimum: int = MIN_EVALUATIONS) -> str | None:
    """Why a service goes to the improvement cycle (Figura 9), in pt-BR; None if it meets the goal."""
    if mean is None or count < minimum:
        return f"Avaliações insuficientes para aferir a meta ({count} de no mínimo {minimum})."
    if mean < SATISFACTION_GOAL:
        return f"Satisfação {mean} abaixo da meta de {SATISFACTION_GOAL} (seção 7.2)."
    return None


@dataclass(frozen=True)
class ChannelCost:
    """Minutes a case takes through a channel, of the entity's staff and of the citizen (modelo de custo padrão)."""

    staff_minutes: Decimal
    citizen_minutes: Decimal


@dataclass(frozen=True)
class CostModel:
    """The standard-cost model's parameters; all the entity's own, all shown beside the savings."""

    channels: Mapping[str, ChannelCost]
    staff_cost_per_minute: Decimal
    citizen_cost_per_minute: Decimal
    # The manual channel a digital case would otherwise have taken.
    manual_channel: str = "in_person"


@dataclass(frozen=True)
class Savings:
    staff: Decimal
    citizen: Decimal

    @property
    def total(self) -> Decimal:
        return self.staff + self.citizen


def savings(digital_cases: Mapping[str, int], model: CostModel) -> Savings:
    """What the cases served digitally saved against the manual channel: per case, the minutes saved (manual minus
    digital, staff and citizen) times the cost of a minute; in reais, two decimals. Channels without a cost in the
    model are not counted (ValueError names them: every parameter must be explicit)."""
    missing = sorted((set(digital_cases) | {model.manual_channel}) - set(model.channels))
    if missing:
        raise ValueError(f"Custo padrão não informado para o canal: {', '.join(missing)}.")
    manual = model.channels[model.manual_channel]
    staff = citizen = Decimal(0)
    for channel, count in digital_cases.items():
        cost = model.channels[channel]
        staff += (manual.staff_minutes - cost.staff_minutes) * count * model.staff_cost_per_minute
        citizen += (manual.citizen_minutes - cost.citizen_minutes) * count * model.citizen_cost_per_minute
    cent = Decimal("0.01")
    return Savings(staff.quantize(cent), citizen.quantize(cent))
