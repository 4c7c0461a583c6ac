import pytest
from django.core import signing
from django.urls import reverse

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user
from ouvidoria.workspace.models import SavedFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity():
    return EntityFactory.create(regime="bcb", name="Banco Alfa", slug="banco-alfa")


@pytest.fixture
def analyst(entity):
    return staff_user("analyst", entities=[entity], username="ana")


def registration_payload(client, **overrides):
    page = client.get(reverse("workspace:register"))
    token = page.context["form"].initial["protocol_token"]
    data = {
        "protocol_token": token,
        "entity": "banco-alfa",
        "instance": "sac",
        "medium": "phone",
        "record_type": "reclamacao",
        "subject": "",
        "description": "Tarifa cobrada duas vezes na conta corrente.",
        "document": "529.982.247-25",
        "name": "Maria da Silva",
        "social_name": "Maria Clara",
        "email": "maria@example.com",
        "phone": "11987654321",
        "personal_matters": "on",
        "identity_checks": ["cpf", "name", "mother_name"],
    }
    data.update(overrides)
    return page, data


def test_the_protocol_is_shown_as_the_registration_form_opens_and_is_the_one_saved(analyst):
    client = signed_in(analyst)
    page, data = registration_payload(client)
    shown = page.context["protocol"]
    assert shown in page.content.decode()
    response = client.post(reverse("workspace:register"), data)
    assert response.status_code == 302
    m = Manifestation.objects.get()
    assert m.formatted_protocol == shown
    assert response["Location"] == reverse("workspace:case", args=[m.protocol])
    assert m.events.filter(kind="internal_note", body__contains="Identidade confirmada com: CPF").exists()


def test_identity_needs_three_data_with_the_cpf_before_personal_matters(analyst):
    client = signed_in(analyst)
    _, data = registration_payload(client, identity_checks=["name", "mother_name", "phone"])
    response = client.post(reverse("workspace:register"), data)
    assert response.status_code == 400
    assert "CPF obrigatório" in response.content.decode()
    assert not Manifestation.objects.exists()


def test_a_tampered_protocol_token_gets_a_fresh_protocol_not_the_forged_one(analyst):
    client = signed_in(analyst)
    _, data = registration_payload(client, protocol_token=signing.dumps("202600000017", salt="other"))
    client.post(reverse("workspace:register"), data)
    assert Manifestation.objects.get().protocol != "202600000017"


def test_bcb_ouvidoria_without_earlier_protocol_is_refused_unless_the_analyst_writes_why(analyst):
    client = signed_in(analyst)
    _, data = registration_payload(client, instance="ouvidoria")
    refused = client.post(reverse("workspace:register"), data)
    assert refused.status_code == 400
    assert "última instância interna" in refused.content.decode()
    assert not Manifestation.objects.exists()
    data["eligibility_override"] = "Cliente idoso, atendido pessoalmente pela Ouvidoria na agência."
    assert client.post(reverse("workspace:register"), data).status_code == 302
    m = Manifestation.objects.get()
    assert m.events.filter(kind="eligibility_override").exists()


def test_ans_ouvidoria_never_blocks_for_a_missing_protocol():
    health = EntityFactory.create(regime="ans", slug="saude-beta")
    client = signed_in(staff_user("analyst", entities=[health]))
    _, data = registration_payload(client, instance="ouvidoria", entity="saude-beta")
    assert client.post(reverse("workspace:register"), data).status_code == 302


def test_the_eligibility_panel_explains_in_plain_words(analyst, entity):
    sac = register(entity, instance="sac")
    client = signed_in(analyst)
    url = reverse("workspace:eligibility")
    panel = client.get(url, {"entity": entity.slug, "instance": "ouvidoria", "earlier_protocols": sac.protocol})
    assert "menos de 3 dias úteis" in panel.content.decode()
    assert client.get(url, {"entity": entity.slug, "instance": "sac"}).content.decode().strip().endswith("</div>")


def test_queue_tabs_show_the_deadline_buckets(analyst, entity):
    register(entity, instance="sac")
    client = signed_in(analyst)
    for tab in ("mine", "unassigned", "due_today", "at_risk", "overdue", "open", "all"):
        response = client.get(reverse("workspace:queue"), {"tab": tab})
        assert response.status_code == 200
    page = client.get(reverse("workspace:queue"), {"tab": "unassigned"})
    assert len(page.context["rows"]) == 1


def test_queue_search_finds_by_protocol_and_words(analyst, entity):
    m = register(entity, description="Seguro viagem negado sem justificativa")
    register(entity, description="Outro assunto")
    client = signed_in(analyst)
    by_protocol = client.get(reverse("workspace:queue"), {"q": m.formatted_protocol, "tab": "all"})
    assert [row[0] for row in by_protocol.context["rows"]] == [m]
    by_words = client.get(reverse("workspace:queue"), {"q": "viagem negado", "tab": "all"})
    assert [row[0] for row in by_words.context["rows"]] == [m]


def test_a_search_pages_in_the_queue_order_with_the_related_names(analyst, entity):
    from datetime import date, timedelta

    from ouvidoria.cases.search import search_filter
    from ouvidoria.workspace import selectors

    today = date(2026, 11, 23)
    matching = [register(entity, description=f"Cobrança indevida número {n}") for n in range(7)]
    register(entity, description="Outro assunto")
    for n, m in enumerate(matching):  # deadlines out of registration order
        Manifestation.objects.filter(pk=m.pk).update(due_on=today + timedelta(days=(n * 5) % 7))
    filters = selectors.QueueFilters(tab="open", q="cobrança")
    expected = list(search_filter(selectors.queue(analyst, filters, today), "cobrança").values_list("pk", flat=True))

    pages = [selectors.queue_page(analyst, filters, today, start, 3) for start in (0, 3, 6)]

    assert [m.pk for page in pages for m in page] == expected
    assert sorted(expected) == sorted(m.pk for m in matching)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert pages[0][0].entity.name == "Banco Alfa"  # read with the row, as the template shows it


def test_saved_filters_and_bulk_assignment(entity):
    ouvidor = staff_user("ombudsman", entities=[entity], username="chefe")
    colleague = staff_user("analyst", entities=[entity], username="bia")
    outsider = staff_user("analyst", entities=[EntityFactory.create()], username="fora")
    cases = [register(entity), register(entity)]
    client = signed_in(ouvidor)
    client.post(reverse("workspace:filter_save"), {"name": "Reclamações", "query": "record_type=reclamacao"})
    assert SavedFilter.objects.get(user=ouvidor).query == "record_type=reclamacao"
    protocols = [m.protocol for m in cases]
    client.post(reverse("workspace:bulk_assign"), {"assignee": "fora", "protocols": protocols})
    assert not Manifestation.objects.filter(assignee=outsider).exists()
    client.post(reverse("workspace:bulk_assign"), {"assignee": "bia", "protocols": protocols})
    assert Manifestation.objects.filter(assignee=colleague).count() == 2


def test_case_page_masks_personal_data_until_asked_and_records_the_view(analyst, entity):
    m = register(entity)
    client = signed_in(analyst)
    page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "529.982.247-25" not in page
    assert "maria@example.com" not in page
    full = client.post(reverse("workspace:case_personal_data", args=[m.protocol])).content.decode()
    assert "52998224725" in full or "529.982.247-25" in full
    reads = PersonalDataView.objects.filter(user=analyst, manifestation=m).order_by("id")
    assert [(r.channel, r.fields) for r in reads] == [
        ("workspace", ["name"]),
        ("workspace_full", ["name", "document", "email"]),
    ]


def test_managers_never_see_personal_data(entity):
    m = register(entity)
    client = signed_in(staff_user("manager", entities=[entity]))
    assert client.get(reverse("workspace:case", args=[m.protocol])).status_code == 200
    assert client.post(reverse("workspace:case_personal_data", args=[m.protocol])).status_code == 404


def test_the_ouvidoria_answer_waits_for_the_ouvidor_who_approves_it(analyst, entity):
    m = register(entity, instance="ouvidoria")
    client = signed_in(analyst)
    url = lambda action: reverse("workspace:case_action", args=[m.protocol, action])  # noqa: E731
    assert client.post(url("triagem")).status_code == 302
    direct = client.post(url("responder"), {"body": "Resposta"})
    assert direct.status_code == 403
    missing_merits = client.post(url("propor-resposta"), {"body": "Estornamos a tarifa."})
    assert missing_merits.status_code == 400
    assert "procedente ou improcedente" in missing_merits.content.decode()
    client.post(url("propor-resposta"), {"body": "Estornamos a tarifa.", "merits_reason": "contract_breach"})
    m.refresh_from_db()
    assert m.status == "in_analysis"
    ouvidor = signed_in(staff_user("ombudsman", entities=[entity]))
    draft = m.answer_drafts.get()
    assert ouvidor.post(url("aprovar-resposta"), {"draft": draft.pk, "body": ""}).status_code == 302
    m.refresh_from_db()
    assert m.status == "answered"
    assert m.merits == "upheld"
    assert m.events.filter(kind="answer", actor__staff_profile__role="ombudsman").exists()


def test_forward_and_the_area_answers_from_its_own_view(analyst, entity):
    legal = AreaFactory.create(entity=entity, name="Jurídico")
    m = register(entity, instance="sac")
    client = signed_in(analyst)
    response = client.post(
        reverse("workspace:case_action", args=[m.protocol, "encaminhar"]), {"area": legal.pk, "question": "Procede?"}
    )
    assert response.status_code == 302
    area_client = signed_in(staff_user("area", entities=[entity], areas=[legal]))
    page = area_client.get(reverse("workspace:case", args=[m.protocol]))
    assert "Procede?" in page.content.decode()
    forward = m.forwards.get()
    area_client.post(
        reverse("workspace:case_action", args=[m.protocol, "resposta-area"]), {"forward": forward.pk, "reply": "Sim."}
    )
    assert m.events.filter(kind="area_reply").exists()


def test_bad_input_on_an_action_comes_back_in_portuguese_naming_the_field(analyst, entity):
    m = register(entity, instance="sac")
    client = signed_in(analyst)
    response = client.post(reverse("workspace:case_action", args=[m.protocol, "encaminhar"]), {"area": "abc"})
    assert response.status_code == 400
    assert "Área" in response.content.decode() or "area" in response.content.decode()
    response = client.post(reverse("workspace:case_action", args=[m.protocol, "prorrogar"]), {"days": "x"})
    assert response.status_code == 400


def test_services_reject_bad_merits_reason(entity):
    m = register(entity, instance="ouvidoria")
    with pytest.raises(Exception, match="Motivo"):
        services.answer_propose(m, body="x", merits_reason="nonsense", actor=None)


def test_a_standard_answer_fills_the_reply_with_the_case_placeholders(analyst, entity):
    from ouvidoria.notify.models import ReplyTemplate

    template = ReplyTemplate.objects.create(
        title="Recebimento", category="message", body="Olá, {nome}. Protocolo {protocolo}, prazo {prazo}."
    )
    m = register(entity, instance="sac")
    client = signed_in(analyst)
    page = client.get(reverse("workspace:case", args=[m.protocol]), {"acao": "mensagem", "modelo": template.pk})
    html = page.content.decode()
    assert f"Olá, Maria da Silva. Protocolo {m.formatted_protocol}, prazo {m.due_on:%d/%m/%Y}." in html
    assert "Recebimento" in html


def test_an_agreement_is_recorded_on_the_case(entity):
    from ouvidoria.cases.models import Agreement

    m = register(entity, instance="ouvidoria")
    client = signed_in(staff_user("analyst", entities=[entity]))
    url = reverse("workspace:case_action", args=[m.protocol, "acordo"])
    bad = client.post(url, {"description": "Estorno", "amount": "doze reais"})
    assert bad.status_code == 400
    assert "Valor inválido" in bad.content.decode()
    assert client.post(url, {"description": "Estorno da parcela", "amount": "1.234,56"}).status_code == 302
    assert str(Agreement.objects.get().amount) == "1234.56"
    assert m.events.filter(kind="agreement").exists()


def test_typing_a_known_cpf_shows_the_requesters_earlier_protocols_of_granted_entities_only(analyst, entity):
    mine = register(entity, instance="sac")
    register(EntityFactory.create(), instance="sac")  # same requester, another entity
    client = signed_in(analyst)
    url = reverse("workspace:requester_history")
    assert client.get(url, {"document": "529.982.247-25"}).status_code == 405  # never in a URL
    page = client.post(url, {"document": "529.982.247-25"})
    assert [c.pk for c in page.context["cases"]] == [mine.pk]
    assert mine.formatted_protocol in page.content.decode()
    assert client.post(url, {"email": "MARIA@example.com"}).context["cases"] == [mine]
    assert client.post(url, {"document": "111"}).context["cases"] == []


def test_linked_protocols_show_on_both_cases(analyst, entity):
    first, second = register(entity, instance="sac"), register(entity, instance="ouvidoria")
    services.manifestation_link(second, other_protocol=first.protocol, actor=None)
    client = signed_in(analyst)
    assert client.get(reverse("workspace:case", args=[second.protocol])).context["earlier"] == [first]
    assert client.get(reverse("workspace:case", args=[first.protocol])).context["later"] == [second]


def test_only_the_actions_the_cases_state_and_instance_allow_are_offered(analyst, entity):
    """The first week: "Resposta conclusiva (para aprovação do Ouvidor)" on an answered case; "Enviar resposta à
    Ouvidoria" on a SAC case."""
    from ouvidoria.cases.tests.factories import AreaFactory

    m = register(entity, instance="ouvidoria")
    services.manifestation_set_merits(m, reason="no_breach", actor=None)
    services.manifestation_answer(m, body="Resposta.", actor=None)
    page = signed_in(analyst).get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Resposta conclusiva (para aprovação do Ouvidor)" not in page
    area = AreaFactory.create(entity=entity, name="Cobrança")
    sac = register(entity, instance="sac")
    services.manifestation_forward(sac, area=area, question="Houve estorno?", actor=None)
    area_user = staff_user("area", entities=[entity], areas=[area])
    page = signed_in(area_user).get(reverse("workspace:case", args=[sac.protocol])).content.decode()
    assert "Enviar resposta ao atendimento" in page
    assert "Enviar resposta à Ouvidoria" not in page


def test_the_ouvidor_is_warned_of_a_forward_still_unanswered_before_approving(entity):
    from ouvidoria.cases.tests.factories import AreaFactory

    m = register(entity, instance="ouvidoria")
    services.manifestation_forward(m, area=AreaFactory.create(entity=entity), question="?", actor=None)
    services.answer_propose(m, body="Resposta.", merits_reason="no_breach", actor=None)
    ouvidor = signed_in(staff_user("ombudsman", entities=[entity]))
    page = ouvidor.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Atenção: 1 encaminhamento a uma área ainda sem resposta." in page


def test_the_timeline_says_to_whom_a_case_was_assigned_by_name(analyst, entity):
    m = register(entity)
    colleague = staff_user("attendant", entities=[entity], username="beto", first_name="Beto", last_name="Souza")
    services.manifestation_assign(m, assignee=colleague, actor=analyst)
    page = signed_in(analyst).get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "para Beto Souza" in page


def test_the_registration_form_has_no_default_type_and_names_a_missing_one(analyst, entity):
    client = signed_in(analyst)
    page = client.get(reverse("workspace:register")).content.decode()
    assert '<option value="" selected>Escolha o tipo…</option>' in page
    form = client.get(reverse("workspace:register")).context["form"]
    assert not form.fields["record_type"].initial


def test_the_area_filter_says_which_entity_each_area_belongs_to():
    from ouvidoria.cases.tests.factories import AreaFactory

    first, second = EntityFactory.create(slug="a", name="Banco A"), EntityFactory.create(slug="b", name="Banco B")
    for e in (first, second):
        AreaFactory.create(entity=e, name="Análise de Crédito")
    client = signed_in(staff_user("analyst", entities=[first, second]))
    page = client.get(reverse("workspace:queue")).content.decode()
    assert "Análise de Crédito — Banco A" in page
    assert "Análise de Crédito — Banco B" in page


def test_the_ouvidor_has_a_tab_of_the_answers_waiting_for_their_approval(entity):
    waiting = register(entity, instance="ouvidoria")
    services.answer_propose(waiting, body="Resposta.", merits_reason="no_breach", actor=None)
    register(entity, instance="ouvidoria")  # nothing to approve
    ouvidor = signed_in(staff_user("ombudsman", entities=[entity]))
    page = ouvidor.get(reverse("workspace:queue"), {"tab": "approval"})
    assert "Aguardando minha aprovação" in page.content.decode()
    assert [m.pk for m, _ in page.context["rows"]] == [waiting.pk]
    assert page.context["counts"]["approval"] == 1
    analyst = signed_in(staff_user("analyst", entities=[entity]))
    assert "Aguardando minha aprovação" not in analyst.get(reverse("workspace:queue")).content.decode()


def test_the_queue_finds_a_requesters_cases_by_cpf_or_email_and_records_the_search(analyst, entity):
    """The first week: teams look people up first; the search found nothing by CPF or e-mail."""
    from ouvidoria.accounts.models import PersonalDataView

    m = register(entity)
    register(entity, requester=services.RequesterData(document="111.444.777-35", name="Outra Pessoa", email="o@x.com"))
    client = signed_in(analyst)
    for term in ("529.982.247-25", "52998224725", "MARIA@example.com"):
        page = client.get(reverse("workspace:queue"), {"tab": "all", "q": term})
        assert [row.pk for row, _ in page.context["rows"]] == [m.pk], term
    assert PersonalDataView.objects.filter(user=analyst, channel="workspace_search").count() == 3
    manager = signed_in(staff_user("manager", entities=[entity]))
    assert manager.get(reverse("workspace:queue"), {"tab": "all", "q": "52998224725"}).context["rows"] == []


def test_the_queue_exports_as_it_is_filtered_to_csv_and_xlsx(analyst, entity):
    """The first week: the queue (with its filters) exports to CSV and XLSX."""
    import csv
    import io

    from openpyxl import load_workbook

    sac, ouvidoria = register(entity, instance="sac"), register(entity, instance="ouvidoria")
    client = signed_in(analyst)
    response = client.get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all", "instance": "sac"})
    assert response["Content-Disposition"].startswith('attachment; filename="fila-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Protocolo", "Entidade", "Instância"]
    assert [r[0] for r in rows[1:]] == [sac.formatted_protocol]
    xlsx = client.get(reverse("workspace:queue_export", args=["xlsx"]), {"tab": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).active
    assert sheet is not None
    assert sorted(row[0] for row in list(sheet.iter_rows(values_only=True))[1:]) == sorted(
        [sac.formatted_protocol, ouvidoria.formatted_protocol]
    )
    assert client.get(reverse("workspace:queue_export", args=["pdf"])).status_code == 404


def test_the_queue_export_reads_the_cases_in_chunks_while_it_sends_them(analyst, entity, monkeypatch):
    """A million rows: the cases come through ``iterator(chunk_size=…)``, never as a list, and the CSV is read only
    as it is sent, and so is the XLSX (bench/exports.py measures the memory, docs/benchmarks.md section 9)."""
    from django.db.models.query import QuerySet

    chunk_sizes = []
    iterator = QuerySet.iterator

    def recorded(self, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", recorded)
    cases = [register(entity), register(entity)]
    client = signed_in(analyst)
    response = client.get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all"})
    assert response.streaming
    assert chunk_sizes == []  # nothing read before the response starts
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert chunk_sizes == [2000]
    assert all(m.formatted_protocol in body for m in cases)
    response = client.get(reverse("workspace:queue_export", args=["xlsx"]), {"tab": "all"})
    assert response.streaming
    assert chunk_sizes == [2000]
    b"".join(response.streaming_content)
    assert chunk_sizes == [2000, 2000]


def test_the_case_page_shows_the_earlier_protocol_the_citizen_cited_linked_or_as_written(analyst, entity):
    """The first week: the case page showed neither the earlier protocol a citizen cited nor a link to it."""
    sac = register(entity, instance="sac")
    linked = register(entity, instance="ouvidoria", earlier_protocols=[sac.protocol])
    page = signed_in(analyst).get(reverse("workspace:case", args=[linked.protocol])).content.decode()
    assert f'href="/painel/m/{sac.protocol}/"' in page
    other = register(entity, instance="ouvidoria", earlier_reference="SAC-ANTIGO-77")
    page = signed_in(analyst).get(reverse("workspace:case", args=[other.protocol])).content.decode()
    assert "SAC-ANTIGO-77" in page


def test_the_deadline_badge_speaks_the_policys_unit():
    """The first week: "15 dias corridos" on the entity page, "11 dias úteis" in the badges."""
    insurer = EntityFactory.create(slug="seguradora", regime="susep")
    m = register(insurer, instance="ouvidoria")
    page = signed_in(staff_user("analyst", entities=[insurer])).get(reverse("workspace:queue")).content.decode()
    assert f"{m.due_on:%d/%m} · {(m.due_on - m.received_on).days} dias corridos" in page
    assert "dias úteis" not in page


def test_the_queue_export_keeps_the_area_filter(analyst, entity):
    """The export read the filters with no areas offered, so an area filter dropped every filter and exported all."""
    import csv
    import io

    from ouvidoria.cases.tests.factories import AreaFactory

    area = AreaFactory.create(entity=entity, name="Cobrança")
    forwarded, other = register(entity, instance="sac"), register(entity, instance="sac")
    services.manifestation_forward(forwarded, area=area, question="?", actor=None)
    response = signed_in(analyst).get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all", "area": area.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [forwarded.formatted_protocol]
    assert other.formatted_protocol not in str(rows)


def test_the_queue_finds_a_requesters_cases_by_phone_or_name_and_records_what_it_read(analyst, entity):
    """The first week: search by phone (any punctuation, with or without area code) and by name (whole words, any
    order, accents and case ignored), through keyed hashes: nobody is decrypted to be found."""
    from ouvidoria.accounts.models import PersonalDataView

    vanessa = register(
        entity,
        requester=services.RequesterData(
            document="111.444.777-35", name="Vanessa Araújo Almeida", email="v@x.com", phone="(11) 98765-4321"
        ),
        description="Seguro residencial.",
    )
    register(entity)  # Maria da Silva, no phone
    client = signed_in(analyst)

    def found(term: str) -> list[int]:
        return [row.pk for row, _ in client.get(reverse("workspace:queue"), {"tab": "all", "q": term}).context["rows"]]

    for term in ("(11) 98765-4321", "+55 11 98765-4321", "11987654321", "98765-4321"):
        assert found(term) == [vanessa.pk], term
    for term in ("vanessa", "ARAUJO almeida", "Almeida Araújo"):
        assert found(term) == [vanessa.pk], term
    assert found("Vanes") == []  # whole words only
    assert found("Vanessa Silva") == []  # every word, of one person's name
    searches = PersonalDataView.objects.filter(user=analyst, channel="workspace_search").order_by("pk")
    reads = list(searches.values_list("fields", flat=True))
    assert reads == [["phone"]] * 4 + [["name"]] * 3
    # A word of the description is not a read of anyone's name.
    assert found("residencial") == [vanessa.pk]
    assert PersonalDataView.objects.filter(user=analyst, channel="workspace_search").count() == 7
    # A role that may not identify the requester does not find them by their name or phone.
    manager = signed_in(staff_user("manager", entities=[entity]))
    for term in ("Vanessa", "98765-4321"):
        assert manager.get(reverse("workspace:queue"), {"tab": "all", "q": term}).context["rows"] == [], term


def test_a_change_of_name_or_phone_moves_what_the_requester_is_found_by(analyst, entity):
    first = services.RequesterData(document="111.444.777-35", name="Ana Souza", phone="(21) 3456-7890")
    m = register(entity, requester=first)
    register(
        entity, requester=services.RequesterData(document="111.444.777-35", name="Ana Lima", phone="21 99999-0000")
    )
    client = signed_in(analyst)

    def found(term: str) -> list[int]:
        return [row.pk for row, _ in client.get(reverse("workspace:queue"), {"tab": "all", "q": term}).context["rows"]]

    assert m.pk in found("Ana Lima")
    assert m.pk in found("99999-0000")
    assert found("Souza") == []
    assert found("3456-7890") == []
