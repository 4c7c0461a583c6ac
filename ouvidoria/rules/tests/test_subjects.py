import tomllib

import pytest

from ouvidoria.rules import subjects
from ouvidoria.rules.subjects import TaxonomyRow, catalogues_for, fold, taxonomy_subjects

BANKS = "Bancos, Financeiras e Administradoras de Cartão"
HEALTH = "Operadoras de Planos de Saúde e Administradoras de Benefícios"
CARD = "Cartão de Crédito / Cartão de Débito / Cartão de Loja"
HEALTH_PLAN = "Plano de Saúde (convênio, autogestão, seguro saúde )"


def row(segment=BANKS, area="Serviços Financeiros", topic=CARD, group="Cobrança / Contestação", problem="Anuidade"):
    return TaxonomyRow(segment, area, topic, group, problem)


@pytest.mark.parametrize(
    ("regime", "kind", "opin", "chosen", "expected"),
    [
        ("ans", "", False, (), ("health",)),
        ("susep", "", False, (), ("insurer",)),
        ("susep", "", True, (), ("opin", "insurer")),
        ("bcb", "consortium", False, (), ("consortium",)),
        ("bcb", "bank", False, (), ("bank",)),
        ("bcb", "", False, (), ("bank",)),  # a Banco Central institution not said otherwise is a bank
        ("bcb", "bank", False, ("bank", "consortium"), ("bank", "consortium")),
        # OPIN's subjects belong to OPIN participants only, even when an administrator picks the catalogue.
        ("bcb", "consortium", False, ("consortium", "opin"), ("consortium",)),
        ("other", "", False, (), ("bank", "consortium", "insurer", "health")),
    ],
)
def test_each_regime_is_offered_its_own_catalogue_and_opin_only_to_participants(regime, kind, opin, chosen, expected):
    assert sorted(catalogues_for(regime, opin=opin, chosen=chosen, kind=kind)) == sorted(expected)


def test_the_taxonomy_maps_segments_to_regimes_and_leaves_other_markets_out():
    found = taxonomy_subjects(
        [
            row(),
            row(),
            row(segment=HEALTH, area="Saúde", topic=HEALTH_PLAN, problem="Negativa de cobertura"),
            row(topic="Consórcio de Imóveis", problem="Devolução"),  # a bank's consórcio: both catalogues
            row(topic="Seguros de Veículos", problem="Sinistro"),  # a bank's insurance: both catalogues
            row(segment="Operadoras de Telecomunicações", area="Telecomunicações", topic="Telefonia Móvel"),
            row(area="Produtos de telefonia e informática", topic="Tablet"),  # a bank's retail sale: not a subject
        ],
        source="amostra",
    )
    by_label = {s.label: s for s in found.subjects}
    assert set(by_label) == {
        f"{CARD} — Anuidade",
        "Plano de Saúde — Negativa de cobertura",
        "Consórcio de Imóveis — Devolução",
        "Seguros de Veículos — Sinistro",
    }
    assert by_label[f"{CARD} — Anuidade"].complaints == 2
    assert by_label[f"{CARD} — Anuidade"].catalogues == ("bank",)
    # "seguro saúde" inside the parenthesis does not make a health plan insurance.
    assert by_label["Plano de Saúde — Negativa de cobertura"].catalogues == ("health",)
    assert (
        by_label["Plano de Saúde — Negativa de cobertura"].topic
        == "Plano de Saúde (convênio, autogestão, seguro saúde)"
    )
    assert by_label["Consórcio de Imóveis — Devolução"].catalogues == ("bank", "consortium")
    assert by_label["Seguros de Veículos — Sinistro"].catalogues == ("bank", "insurer")


def test_accents_lost_in_a_utf8_file_are_put_back_from_the_same_text_seen_intact():
    lost = row(segment=BANKS.replace("ã", "\ufffd"), topic=CARD.replace("ã", "\ufffd"))
    found = taxonomy_subjects([row(), lost], source="amostra")
    assert [(s.label, s.complaints) for s in found.subjects] == [(f"{CARD} — Anuidade", 2)]
    alone = taxonomy_subjects([lost], source="amostra")
    assert (alone.subjects, alone.unrepaired) == ([], 1)


def test_codes_are_stable_slugs_that_fit_the_field():
    code = subjects.subject_code(HEALTH_PLAN, "Negativa de cobertura total ou parcial / Demora injustificada")
    assert code == subjects.subject_code(
        " ".join(HEALTH_PLAN.split()), "negativa de cobertura total ou parcial / demora injustificada"
    )
    assert code.startswith("plano-de-saude-convenio-auto--negativa-de-cobertura")
    assert len(code) <= 80


def test_the_generated_file_reads_back_as_written(tmp_path):
    found = taxonomy_subjects([row(), row(problem='Aspas "e" barra \\')], source="amostra")
    path = tmp_path / "subjects.toml"
    path.write_text(subjects.subjects_toml(found.subjects, header=["gerado"]), encoding="utf-8")
    assert subjects.read_subjects(path) == tuple(found.subjects)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["subject"][0]["source"] == "amostra"


SHIPPED = subjects.shipped_subjects()


def _labels(catalogue: str) -> str:
    return " | ".join(fold(s.label) for s in SHIPPED if catalogue in s.catalogues)


@pytest.mark.parametrize(
    ("catalogue", "topics"),
    [
        # Issue 14's lists, the sample completed from the seeds where it lacks them (subjects_supplement.toml).
        ("health", ("cobertura", "autorizacao", "reembolso", "rede credenciada", "reajuste", "cancel", "carencia")),
        ("consortium", ("contemplacao", "lance", "assembleia", "cobranca", "cancelamento", "devolucao")),
        ("insurer", ("sinistro", "indenizacao", "previdencia", "capitalizacao")),
        ("bank", ("cartao de credito", "conta corrente", "consignado", "financiamento")),
    ],
)
def test_the_shipped_catalogue_of_each_regime_covers_its_topics(catalogue, topics):
    labels = _labels(catalogue)
    assert [t for t in topics if t not in labels] == []


def test_the_shipped_subjects_say_where_they_come_from():
    sources = {s.source.split(" (")[0].split(",")[0] for s in SHIPPED}
    assert "consumidor.gov.br" in sources
    assert all(s.source for s in SHIPPED)
    supplemented = [s for s in SHIPPED if not s.source.startswith("consumidor.gov.br")]
    assert supplemented
    assert all(s.complaints == 0 for s in supplemented)
    assert not any("opin" in s.catalogues for s in SHIPPED)  # OPIN's eight stay in rules/catalogue.py
