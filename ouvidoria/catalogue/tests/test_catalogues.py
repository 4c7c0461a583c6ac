import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.catalogue.models import Subject, SubjectCatalogue
from ouvidoria.catalogue.selectors import entity_catalogues, entity_subjects
from ouvidoria.catalogue.services import catalogues_load, subjects_generate
from ouvidoria.opin.services import opin_selection
from ouvidoria.rules import subjects
from ouvidoria.rules.opin import Quarter

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/data/consumidor-gov")
HEADER = ";".join(
    ["Região", "UF", "Cidade", "Sexo", "Faixa Etária", "Ano Abertura", "Mês Abertura", "Data Abertura", "Data Resposta",
     "Data Finalização", "Tempo Resposta", "Nome Fantasia", "Segmento de Mercado", "Área", "Assunto", "Grupo Problema",
     "Problema", "Como Comprou Contratou", "Procurou Empresa", "Respondida", "Situação", "Avaliação Reclamação",
     "Nota do Consumidor", "Canal de Origem"]
)  # fmt: skip
LINES = [
    "NE;BA;Salvador;F;entre 31 a 40 anos;2014;7;31/07/2014;25/08/2014;14/09/2014;10;Luizacred;Bancos, Financeiras e "
    "Administradoras de Cartão;Serviços Financeiros;Cartão de Crédito / Cartão de Débito / Cartão de Loja;Cobrança / "
    "Contestação;Cobrança em duplicidade / Cobrança referente a pagamento já efetuado;Loja física;S;S;Finalizada "
    "avaliada;Não Resolvida;1",
    "SE;SP;São Paulo;M;entre 41 a 50 anos;2014;8;19/08/2014;25/08/2014;14/09/2014;6;Unimed;Operadoras de Planos de "
    "Saúde e Administradoras de Benefícios;Saúde;Plano de Saúde (convênio, autogestão, seguro saúde );Vício de "
    "Qualidade;Negativa de cobertura total ou parcial / Demora injustificada;Telefone;S;S;Finalizada não avaliada;Não "
    "Avaliada;",
    "SE;SP;Franca;M;entre 21 a 30 anos;2014;8;25/08/2014;29/08/2014;15/09/2014;4;Tim;Operadoras de Telecomunicações "
    "(Telefonia, Internet, TV por assinatura);Telecomunicações;Telefonia Móvel Pós-paga;Cobrança / Contestação;"
    "Cobrança indevida;Loja física;S;S;Finalizada avaliada;Não Resolvida;1",
]
HEALTH_LABEL = "Plano de Saúde — Negativa de cobertura total ou parcial / Demora injustificada"
CARD_LABEL = (
    "Cartão de Crédito / Cartão de Débito / Cartão de Loja — Cobrança em duplicidade / Cobrança referente a pagamento "
    "já efetuado"
)
CONSORTIUM_LABEL = "Consórcios — Lance: oferta, apuração ou devolução do lance"


def _generate(tmp_path: Path, name: str, text: str, encoding: str) -> list[subjects.TaxonomySubject]:
    source = tmp_path / name
    source.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    out = tmp_path / f"{name}.toml"
    subjects_generate([source], out=out, supplement=tmp_path / "empty.toml")
    return list(subjects.read_subjects(out))


def test_the_importer_reads_windows_1252_without_header_and_utf8_with_header_alike(tmp_path):
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    early = _generate(tmp_path, "a.csv", "\n".join(LINES) + "\n", "cp1252")
    later = _generate(tmp_path, "b.csv", "\n".join([HEADER, *(line + ";Site" for line in LINES)]) + "\n", "utf-8")
    assert {s.label for s in early} == {CARD_LABEL, HEALTH_LABEL}  # the telecom complaint is no regime's
    assert [(s.label, s.catalogues, s.area, s.problem_group) for s in early] == [
        (s.label, s.catalogues, s.area, s.problem_group) for s in later
    ]


def test_the_command_rewrites_the_catalogue_from_the_open_data_with_the_supplement(tmp_path):
    out = StringIO()
    target = tmp_path / "subjects.toml"
    call_command("subjects_from_consumidor_gov", *sorted(map(str, SAMPLE.glob("*.csv"))), "--out", str(target),
                 "--json", stdout=out)  # fmt: skip
    result = json.loads(out.getvalue())
    assert result["linhas"] == 5517 + 5901
    assert result["segmentos"]["Administradoras de Consórcios"] == 50
    # The committed file is what the command writes from the sample: regenerating changes nothing.
    assert target.read_text(encoding="utf-8") == subjects.SUBJECTS_FILE.read_text(encoding="utf-8")


def test_the_command_names_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Arquivo não encontrado"):
        call_command("subjects_from_consumidor_gov", str(tmp_path / "nada.csv"))


def test_loading_twice_keeps_one_row_per_subject_and_a_deactivated_subject_off():
    Subject.objects.filter(label=HEALTH_LABEL).update(active=False)
    catalogues_load()
    catalogues_load()
    shipped = subjects.shipped_subjects()
    assert Subject.objects.filter(code__in=[s.code for s in shipped]).count() == len(shipped)
    assert not Subject.objects.get(label=HEALTH_LABEL).active
    assert set(SubjectCatalogue.objects.get(code="opin").subjects.values_list("is_opin", flat=True)) == {True}


def test_each_entity_is_offered_its_regimes_subjects_and_opin_only_when_a_participant():
    health = EntityFactory(regime="ans")
    insurer = EntityFactory(regime="susep", opin_participant=True)
    consortium = EntityFactory(regime="bcb")
    SubjectCatalogue.objects.get(code="consortium").entities.add(consortium)
    assert entity_catalogues(health) == ("health",)
    health_labels = set(entity_subjects(health).values_list("label", flat=True))
    assert HEALTH_LABEL in health_labels
    assert CARD_LABEL not in health_labels
    assert not entity_subjects(health).filter(is_opin=True).exists()
    assert entity_subjects(insurer).filter(is_opin=True).count() == 8
    assert entity_subjects(insurer).filter(catalogues="insurer").exists()
    assert entity_catalogues(consortium) == ("consortium",)
    assert set(entity_subjects(consortium).values_list("catalogues", flat=True)) == {"consortium"}


def test_registration_refuses_a_subject_outside_the_entitys_catalogue_naming_the_field():
    health = EntityFactory(regime="ans", name="Vida Saúde")
    with pytest.raises(ValidationError) as refused:
        register(health, subject=CARD_LABEL)
    (message,) = refused.value.message_dict["subject"]
    assert message.startswith("Assunto: ")
    assert "Vida Saúde" in message
    assert "Planos de saúde (ANS)" in message
    with pytest.raises(ValidationError) as opin:
        register(health, subject="opin-lgpd")
    assert "subject" in opin.value.message_dict
    assert register(health, subject=HEALTH_LABEL).subject.label == HEALTH_LABEL


def test_triage_refuses_a_subject_of_another_regime():
    m = register(EntityFactory(regime="bcb"))
    with pytest.raises(ValidationError) as refused:
        services.manifestation_triage(m, actor=None, subject=HEALTH_LABEL)
    assert "subject" in refused.value.message_dict
    m.refresh_from_db()
    assert m.subject is None


def test_the_opin_file_takes_the_opin_subjects_cases_and_not_the_regimes():
    insurer = EntityFactory(regime="susep", opin_participant=True)
    sinistro = Subject.objects.filter(catalogues="insurer").first()
    assert sinistro is not None
    opin_case = register(insurer, instance="sac", record_type="solicitacao", subject="opin-lgpd")
    regime_case = register(insurer, instance="sac", subject=sinistro.code)
    day = opin_case.received_on
    quarter = Quarter(day.year, (day.month - 1) // 3 + 1)
    selected = set(opin_selection(insurer, quarter).values_list("pk", flat=True))
    assert opin_case.pk in selected
    assert regime_case.pk not in selected


def test_the_demo_consortium_gets_consortium_subjects_and_each_entity_its_own():
    from ouvidoria.cases.models import Manifestation

    call_command("seed_demo", "--cases", "300", "--json", stdout=StringIO())
    offered = {
        slug: set(entity_subjects(EntityFactory(slug=slug)).values_list("pk", flat=True))
        for slug in ("prisma-consorcios", "vitalis-saude", "horizonte-seguros", "horizonte-nordeste-seguros")
    }
    cases = Manifestation.objects.filter(subject__isnull=False).values_list("entity__slug", "subject_id")
    assert {slug for slug, _ in cases} == set(offered)
    assert [(slug, pk) for slug, pk in cases if pk not in offered[slug]] == []
    assert entity_catalogues(EntityFactory(slug="prisma-consorcios")) == ("consortium",)
