"""The deadline policy table (data/policies.toml) and the default policy of a manifestation."""

import ast
import dataclasses
from pathlib import Path

import pytest

from ouvidoria.rules.policies import (
    INSTANCES,
    POLICIES,
    REGIMES,
    ExtensionRule,
    UnknownPolicy,
    default_policy_code,
    get_policy,
    load_policies,
)

RULES_DIR = Path(__file__).resolve().parents[1]


def test_policy_codes_are_exactly_the_public_ones():
    assert set(POLICIES) == {
        "bcb-ouvidoria",
        "ans-ouvidoria",
        "susep-ouvidoria",
        "opin-service-desk",
        "opin-participant",
        "consumidor-gov",
        "sac",
        "lgpd-titular",
        "rn593-pagamento",
    }
    assert all(policy.code == code for code, policy in POLICIES.items())


@pytest.mark.parametrize(
    ("code", "unit", "days", "pause_allowed", "bank_calendar", "rating_days"),
    [
        ("bcb-ouvidoria", "business", 10, False, True, None),  # seed 001 'Prazo para Resposta da Demanda'
        ("ans-ouvidoria", "business", 7, False, False, None),  # seed 002 art. 3 VI
        ("susep-ouvidoria", "calendar", 15, False, False, None),  # seed 000 §1.2, Res. CNSP 445/2022
        ("opin-service-desk", "calendar", 15, False, False, None),  # seed 000 §4.3.1
        ("opin-participant", "calendar", 7, False, False, None),  # seed 000 §4.3.1
        ("consumidor-gov", "calendar", 10, False, False, 20),  # seed 000 §1.2, Circular SUSEP 643/2021
        ("sac", "calendar", 7, False, False, None),  # Decreto 11.034/2022
        ("lgpd-titular", "calendar", 15, False, False, None),  # LGPD art. 19 II; seed 000 §4.3.2 2(j)
        ("rn593-pagamento", "calendar", 10, False, False, None),  # seed 004
    ],
)
def test_policy_table(code, unit, days, pause_allowed, bank_calendar, rating_days):
    policy = get_policy(code)
    assert (policy.unit, policy.days, policy.pause_allowed, policy.bank_calendar, policy.rating_days) == (
        unit,
        days,
        pause_allowed,
        bank_calendar,
        rating_days,
    )
    assert policy.label
    assert policy.source


def test_bcb_extension_rule():
    assert get_policy("bcb-ouvidoria").extension == ExtensionRule(
        max_count=1,
        days=10,
        max_total_days=None,
        requires_justification=True,
        requester_must_be_told=True,
        requires_agreement=False,
        monthly_cap_ratio=0.10,
    )


def test_ans_extension_rule():
    assert get_policy("ans-ouvidoria").extension == ExtensionRule(
        max_count=1,
        days=None,
        max_total_days=30,
        requires_justification=True,
        requester_must_be_told=True,
        requires_agreement=True,
        monthly_cap_ratio=None,
    )


def test_only_bcb_and_ans_allow_extensions():
    assert {code for code, policy in POLICIES.items() if policy.extension} == {"bcb-ouvidoria", "ans-ouvidoria"}


def test_policies_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_policy("sac").days = 30


def test_unknown_policy_lists_the_valid_codes():
    with pytest.raises(UnknownPolicy, match="Política de prazo desconhecida") as error:
        get_policy("bacen")
    assert isinstance(error.value, ValueError)
    assert "bcb-ouvidoria" in str(error.value)


@pytest.mark.parametrize(
    ("regime", "ombudsman"),
    [("bcb", "bcb-ouvidoria"), ("ans", "ans-ouvidoria"), ("susep", "susep-ouvidoria"), ("other", "susep-ouvidoria")],
)
def test_default_policy_by_instance_and_regime(regime, ombudsman):
    expected = {
        "sac": "sac",
        "transactional": "sac",
        "fale-conosco": "sac",
        "chatbot": "sac",
        "faq": "sac",
        "ouvidoria": ombudsman,
        "opin-service-desk": "opin-service-desk",
        "consumidor-gov": "consumidor-gov",
        "procon": ombudsman,
        "bacen-rdr": "bcb-ouvidoria",
        "ans": "ans-ouvidoria",
        "susep": "susep-ouvidoria",
        "reclame-aqui": ombudsman,
        "press": ombudsman,
    }
    assert set(expected) == set(INSTANCES)
    assert {instance: default_policy_code(instance, regime) for instance in INSTANCES} == expected


def test_default_policy_refuses_unknown_instance_and_regime():
    with pytest.raises(ValueError, match="Instância desconhecida"):
        default_policy_code("telegrama", "bcb")
    with pytest.raises(ValueError, match="Regime desconhecido"):
        default_policy_code("sac", "cvm")
    assert "other" in REGIMES


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('unit = "hours"', "'unit'"),
        ("days = true", "'days' deve ser do tipo int"),
        ("days = 0", "maior que zero"),
        ("colour = 1", "chaves desconhecidas: colour"),
    ],
)
def test_malformed_policy_table_is_refused(tmp_path, snippet, message):
    base = {
        "label": '"x"',
        "unit": '"calendar"',
        "days": "7",
        "source": '"y"',
        "pause_allowed": "false",
        "bank_calendar": "false",
    }
    key = snippet.split(" = ")[0]
    base[key] = snippet.split(" = ")[1]
    path = tmp_path / "policies.toml"
    path.write_text("[policies.test]\n" + "\n".join(f"{k} = {v}" for k, v in base.items()), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_policies(path)


def test_extension_needs_fixed_days_or_a_ceiling(tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text(
        "[policies.test]\n"
        'label = "x"\nunit = "business"\ndays = 7\nsource = "y"\npause_allowed = false\nbank_calendar = false\n'
        "[policies.test.extension]\n"
        "max_count = 1\nrequires_justification = true\nrequester_must_be_told = true\nrequires_agreement = false\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"'days'.*'max_total_days'"):
        load_policies(path)


def test_rules_import_no_django():
    for module in RULES_DIR.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), module
