"""Every role × every page and endpoint that shows a case × every personal field.

Where the role may not read a field, its value is nowhere in the answer (page, JSON, file), in any spelling; where it
may, the read is recorded (``PersonalDataView``: who, which case, which fields, through what). The expectations are
written out here, role by role, from docs/regulation.md "Papéis"; they do not read the product's table.

``test_every_url_is_in_the_matrix`` walks the URL resolver: a new page or endpoint fails it until it is listed here,
either as a case surface the matrix probes or with the reason it shows no personal data.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.api.models import ApiToken
from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases import services
from ouvidoria.cases.models import Attachment, Manifestation
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, UserFactory, register, signed_in, staff_user

pytestmark = pytest.mark.django_db

NAME = "Quitéria Bernardes Valadares"
SOCIAL_NAME = "Quelly Valadares"
CPF = "529.982.247-25"
EMAIL = "quiteria.valadares@exemplo.com.br"
PHONE = "(11) 98765-4321"
ADDRESS = "Rua das Acácias Brancas, 1234, Jardim Paraíso, Campinas"

# Each field in every spelling it could take on a page or in JSON.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": ("Quitéria", "Quiteria", "Bernardes"),
    "social_name": ("Quelly",),
    "document": (CPF, "52998224725", "529.982.247"),
    "email": (EMAIL, "quiteria.valadares@"),
    "phone": (PHONE, "11987654321", "98765-4321"),
    "address": ("Acácias Brancas", "Jardim Paraíso"),
}

# A marker for each part of a case, written into it below.
PARTS = {
    "description": "MARCA-DESCRICAO",
    "conversation": "MARCA-CONVERSA",
    "internal_note": "MARCA-NOTA",
    "own_forward": "MARCA-AREA-PROPRIA",
    "own_reply": "MARCA-RESPOSTA-AREA",
    "other_forward": "MARCA-OUTRA-AREA",
    "draft": "MARCA-RASCUNHO",
    "attachment": "documento-recibo.txt",
    "area_attachment": "planilha-da-area.txt",
}
EVERY_PART = frozenset(PARTS)

# --- The expectations (docs/regulation.md, "Papéis") -------------------------------------------------------

ROLES = ["attendant", "analyst", "ombudsman", "area", "manager", "director", "auditor", "admin", "token", "superuser"]
# Who reads the requester's identity in clear, on an ordinary case.
IDENTITY = {"attendant", "analyst", "ombudsman", "auditor", "token", "superuser"}
# On a case whose requester asked for a confidential name: only whoever answers the case.
IDENTITY_CONFIDENTIAL = {
    "ouvidoria": {"analyst", "ombudsman", "token", "superuser"},
    "sac": {"attendant", "analyst", "ombudsman", "token", "superuser"},
}
VISIBLE_PARTS: dict[str, frozenset[str]] = {
    "attendant": EVERY_PART,
    "analyst": EVERY_PART,
    "ombudsman": EVERY_PART,
    "auditor": EVERY_PART,
    "token": EVERY_PART,
    "superuser": EVERY_PART,
    # The demand, its own forward and answer, what its people attached; never the requester nor the conversation.
    "area": frozenset({"description", "own_forward", "own_reply", "area_attachment"}),
    # The case and its conversation without identity; no documents.
    "manager": frozenset(EVERY_PART - {"attachment", "area_attachment"}),
    "director": frozenset(EVERY_PART - {"attachment", "area_attachment"}),
    # Configuration, not case work: nothing written by people.
    "admin": frozenset(),
}
# Where the attachments can be downloaded (the parts above list them).
DOWNLOADS = {r: {p for p in ("attachment", "area_attachment") if p in VISIBLE_PARTS[r]} for r in ROLES}


@dataclass
class World:
    case: Manifestation
    attachments: dict[str, Attachment]
    clients: dict[str, Any]
    apis: dict[str, APIClient]
    users: dict[str, Any]


def _world(instance: str, confidential: bool) -> World:
    entity = EntityFactory.create(slug="matriz", regime="bcb")
    own, other = (
        AreaFactory.create(entity=entity, name="Financeiro"),
        AreaFactory.create(entity=entity, name="Jurídico"),
    )
    users: dict[str, Any] = {
        role: staff_user(role, entities=[entity], areas=[own] if role == "area" else [])
        for role in ROLES
        if role not in ("token", "superuser")
    }
    users["superuser"] = UserFactory.create(username="raiz", is_superuser=True)
    analyst = users["analyst"]
    m = register(
        entity,
        instance=instance,
        name_confidential=confidential,
        description=f"{PARTS['description']}: sou {NAME}, e-mail {EMAIL}, CPF {CPF}, moro na {ADDRESS}.",
        requester=services.RequesterData(
            document=CPF, name=NAME, social_name=SOCIAL_NAME, email=EMAIL, phone=PHONE, address=ADDRESS, gender="F"
        ),
        earlier_reference="SAC-123",
    )
    services.manifestation_triage(m, actor=analyst)
    services.manifestation_message_in(m, body=f"{PARTS['conversation']} ligou de {PHONE}", actor=analyst)
    services.manifestation_note(m, body=f"{PARTS['internal_note']} {NAME} é cliente antiga", actor=analyst)
    mine = services.manifestation_forward(
        m, area=own, question=f"{PARTS['own_forward']} a cliente {NAME} pagou?", actor=analyst
    )
    services.manifestation_forward(m, area=other, question=f"{PARTS['other_forward']} {EMAIL}", actor=analyst)
    services.manifestation_area_reply(m, forward_id=mine.pk, reply=f"{PARTS['own_reply']} sim", actor=users["area"])
    attachments = {
        "attachment": services.manifestation_attach(
            m, upload=SimpleUploadedFile(PARTS["attachment"], b"recibo", "text/plain"), actor=analyst
        ),
        "area_attachment": services.manifestation_attach(
            m, upload=SimpleUploadedFile(PARTS["area_attachment"], b"planilha", "text/plain"), actor=users["area"]
        ),
    }
    m.refresh_from_db()
    services.answer_propose(
        m, body=f"{PARTS['draft']} Prezada {NAME}, resolvemos.", merits_reason="contract_breach", actor=analyst
    )
    m.refresh_from_db()
    token, key = ApiToken.issue(name="crm", entities=[entity])
    clients = {role: signed_in(user) for role, user in users.items()}
    apis: dict[str, APIClient] = {}
    for role, user in users.items():
        api = APIClient()
        api.force_authenticate(user)
        apis[role] = api
    token_api = APIClient()
    token_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    apis["token"] = token_api
    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        PersonalDataView.objects.all().delete()
    return World(case=m, attachments=attachments, clients=clients, apis=apis, users=users | {"token": token})


def _absent(body: str, fields: Any) -> list[str]:
    return [f"{f}: {s!r}" for f in fields for s in SPELLINGS[f] if s.lower() in body.lower()]


def _reads(world: World, role: str, channel: str) -> list[list[str]]:
    who = world.users[role]
    qs = PersonalDataView.objects.filter(manifestation=world.case, channel=channel)
    qs = qs.filter(token=who) if role == "token" else qs.filter(user=who)
    return [r.fields for r in qs.order_by("id")]


# --- The surfaces ----------------------------------------------------------------------------------------


def _workspace_page(world: World, role: str) -> tuple[int, str]:
    response = world.clients[role].get(reverse("workspace:case", args=[world.case.protocol]))
    return response.status_code, response.content.decode()


def _workspace_full(world: World, role: str) -> tuple[int, str]:
    response = world.clients[role].post(reverse("workspace:case_personal_data", args=[world.case.protocol]))
    return response.status_code, response.content.decode()


def _workspace_action(world: World, role: str) -> tuple[int, str]:
    # An action refused or in error renders the case page again: the same rules apply to it.
    response = world.clients[role].post(reverse("workspace:case_action", args=[world.case.protocol, "nota"]), {})
    return response.status_code, response.content.decode()


def _api_detail(world: World, role: str) -> tuple[int, str]:
    response = world.apis[role].get(f"/api/v1/manifestations/{world.case.protocol}/")
    return response.status_code, response.content.decode()


def _api_action(world: World, role: str) -> tuple[int, str]:
    response = world.apis[role].post(
        f"/api/v1/manifestations/{world.case.protocol}/notes/", {"body": "acompanhamento"}, format="json"
    )
    return response.status_code, response.content.decode()


def _api_list(world: World, role: str) -> tuple[int, str]:
    response = world.apis[role].get("/api/v1/manifestations/")
    return response.status_code, response.content.decode()


def _queue(world: World, role: str) -> tuple[int, str]:
    if role == "token":
        return 200, ""
    response = world.clients[role].get(reverse("workspace:queue"), {"tab": "all"})
    return response.status_code, response.content.decode()


def _queue_export(world: World, role: str) -> tuple[int, str]:
    if role == "token":
        return 200, ""
    response = world.clients[role].get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all"})
    return response.status_code, b"".join(response.streaming_content).decode("utf-8-sig")


def _queue_search(world: World, role: str) -> tuple[int, str]:
    if role == "token":
        return 200, ""
    response = world.clients[role].get(reverse("workspace:queue"), {"tab": "all", "q": "MARCA-DESCRICAO"})
    return response.status_code, response.content.decode()


@pytest.fixture(
    params=[("ouvidoria", False), ("ouvidoria", True), ("sac", True)], ids=["ouvidoria", "sigilo", "sac-sigilo"]
)
def world(request):
    return _world(*request.param)


def _may_identify(world: World, role: str) -> bool:
    if world.case.name_confidential:
        return role in IDENTITY_CONFIDENTIAL[world.case.instance_id]
    return role in IDENTITY


FULL_FIELDS = ["name", "social_name", "document", "email", "phone", "address", "gender"]


@pytest.mark.parametrize("role", ROLES)
def test_the_case_page_shows_each_role_only_what_it_may_read_and_records_the_read(world, role):
    if role == "token":
        pytest.skip("tokens reach the API only")
    code, page = _workspace_page(world, role)
    assert code == 200
    identified = _may_identify(world, role)
    if identified:
        # The name (the social name first) to greet the requester; the rest masked until asked for.
        assert SOCIAL_NAME in page
        requester_card = page[page.index('id="manifestante"') :]
        requester_card = requester_card[: requester_card.index("</section>")]
        assert _absent(requester_card, ["document", "email", "phone", "address"]) == []
        assert "529•" in requester_card
        assert "Ver dados completos" in page
        # The name on the card, and what the description and messages spell out in clear (CPF, e-mail, phone,
        # address written by the citizen): all of it read, all of it recorded.
        assert _reads(world, role, "workspace") == [["name", "social_name", "document", "email", "phone", "address"]]
    else:
        assert _absent(page, SPELLINGS) == []
        assert ("Nome sob sigilo" in page) == world.case.name_confidential
        assert _reads(world, role, "workspace") == []
    _assert_parts(page, role)

    code, full = _workspace_full(world, role)
    if identified:
        assert code == 200
        for field in ("name", "social_name", "email", "address"):
            assert any(s in full for s in SPELLINGS[field]), field
        assert "52998224725" in full or CPF in full
        assert _reads(world, role, "workspace_full") == [FULL_FIELDS]
    else:
        assert code == 404
        assert _absent(full, SPELLINGS) == []
        assert _reads(world, role, "workspace_full") == []

    code, again = _workspace_action(world, role)
    assert code in (400, 403)
    if not identified:
        assert _absent(again, SPELLINGS) == []
    _assert_parts(again, role)


def _assert_parts(body: str, role: str) -> None:
    for part, marker in PARTS.items():
        assert (marker in body) == (part in VISIBLE_PARTS[role]), f"{role} / {part}"


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_each_role_only_what_it_may_read_and_records_the_read(world, role):
    code, body = _api_detail(world, role)
    assert code == 200
    channel = "api_token" if role == "token" else "api_session"
    if _may_identify(world, role):
        for field in ("name", "social_name", "email", "address"):
            assert any(s in body for s in SPELLINGS[field]), field
        assert "52998224725" in body
        assert _reads(world, role, channel) == [FULL_FIELDS]
    else:
        assert _absent(body, SPELLINGS) == []
        assert '"restricted":true' in body
        assert _reads(world, role, channel) == []
    _assert_parts(body, role)

    code, after = _api_action(world, role)
    if code == 200:
        if not _may_identify(world, role):
            assert _absent(after, SPELLINGS) == []
        _assert_parts(after, role)
    else:
        assert code == 403
        assert _absent(after, SPELLINGS) == []

    code, listing = _api_list(world, role)
    assert code == 200
    assert _absent(listing, SPELLINGS) == []


@pytest.mark.parametrize("role", ROLES)
def test_attachments_download_only_where_the_role_may_read_them_and_each_download_is_recorded(world, role):
    m = world.case
    for part, attachment in world.attachments.items():
        allowed = part in DOWNLOADS[role]
        api = world.apis[role].get(f"/api/v1/manifestations/{m.protocol}/attachments/{attachment.pk}/")
        assert api.status_code == (200 if allowed else 404), (role, part)
        if role != "token":
            page = world.clients[role].get(reverse("workspace:case_attachment", args=[m.protocol, attachment.pk]))
            assert page.status_code == (200 if allowed else 404), (role, part)
    expected = [
        [f"attachment:{world.attachments[p].pk}"] for p in ("attachment", "area_attachment") if p in DOWNLOADS[role]
    ]
    assert _reads(world, role, "api_attachment") == expected
    if role != "token":
        assert _reads(world, role, "workspace_attachment") == expected


# Who may take the whole case away as a signed dossier (ouvidoria/dossier): whoever reads the demand and every step
# of the timeline; the internal area (only its forwards) and the administrator (only the workflow) get none.
DOSSIER = {"attendant", "analyst", "ombudsman", "manager", "director", "auditor", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_the_signed_dossier_shows_each_role_what_its_case_page_shows_and_records_the_read(
    world, role, settings, tmp_path
):
    import io
    import re

    from pypdf import PdfReader

    from ouvidoria.dossier.credentials import development_pkcs12

    if role == "token":
        pytest.skip("tokens reach the API only")
    (tmp_path / "entidade.pfx").write_bytes(development_pkcs12("Entidade"))
    settings.OUVIDORIA_DOSSIER_PKCS12 = str(tmp_path / "entidade.pfx")
    response = world.clients[role].post(reverse("dossier:download", args=[world.case.protocol]))
    if role not in DOSSIER:
        assert response.status_code == 404
        assert _reads(world, role, "dossier") == []
        return
    assert response.status_code == 200
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s", "", text).lower()
    absent = [f"{f}: {s!r}" for f in SPELLINGS for s in SPELLINGS[f] if re.sub(r"\s", "", s).lower() in flat]
    if _may_identify(world, role):
        assert SOCIAL_NAME.replace(" ", "").lower() in flat
        assert "529•" in flat
        assert _reads(world, role, "dossier") == [["name", "social_name", "document", "email", "phone", "address"]]
    else:
        assert absent == []
        assert _reads(world, role, "dossier") == []
    # The pending draft is not part of the record of the case; every other part follows the case page.
    for part, marker in PARTS.items():
        if part != "draft":
            assert (re.sub(r"\s", "", marker).lower() in flat) == (part in VISIBLE_PARTS[role]), f"{role} / {part}"


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_and_its_search_show_no_personal_data_to_anyone(world, role):
    for surface in (_queue, _queue_search, _queue_export):
        code, body = surface(world, role)
        assert code == 200
        assert _absent(body, SPELLINGS) == []


@pytest.mark.parametrize("role", ROLES)
def test_the_email_preview_is_for_who_sends_and_its_read_is_recorded(world, role):
    """The preview greets the requester and shows their address: only those who may send it see it, recorded."""
    from ouvidoria.accounts.access import access_for

    if role == "token":
        return
    url = reverse("workspace:case_email_preview", args=[world.case.protocol, "mensagem"])
    response = world.clients[role].post(url, {"body": "Texto da mensagem."}, HTTP_HX_REQUEST="true")
    if not access_for(world.users[role]).can("message_out", world.case.instance_id):
        assert response.status_code == 404
        assert _reads(world, role, "email_preview") == []
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Texto da mensagem." in body
    if _may_identify(world, role):
        assert EMAIL in body
        assert _reads(world, role, "email_preview") == [["name", "email"]]
    else:
        assert _absent(body, SPELLINGS) == []
        assert _reads(world, role, "email_preview") == []


@pytest.mark.parametrize("role", ROLES)
def test_notifications_carry_no_identity(world, role):
    """Whoever is told of a case (an area user of its forward, too) reads its protocol, never its requester."""
    if role == "token":
        return
    response = world.clients[role].get(reverse("inbox:list"), {"mostrar": "todas"})
    assert response.status_code == 200
    assert _absent(response.content.decode(), SPELLINGS) == []


@pytest.mark.parametrize("role", ["attendant", "analyst", "ombudsman"])
def test_finding_earlier_cases_by_cpf_records_a_read_of_each_case_found(world, role):
    response = world.clients[role].post(reverse("workspace:requester_history"), {"document": CPF})
    if _may_identify(world, role):
        assert world.case.formatted_protocol in response.content.decode()
        assert _reads(world, role, "workspace_search") == [["document"]]
    else:
        # A confidential case is not found by the data of a requester the role may not identify on it.
        assert world.case.formatted_protocol not in response.content.decode()
        assert _reads(world, role, "workspace_search") == []


@pytest.mark.parametrize("role", ["area", "manager", "director", "auditor", "admin"])
def test_roles_that_do_not_register_cannot_look_people_up(world, role):
    response = world.clients[role].post(reverse("workspace:requester_history"), {"document": CPF})
    assert world.case.formatted_protocol not in response.content.decode()
    assert PersonalDataView.objects.count() == 0


def test_the_issues_probe_manager_and_area_get_no_cpf_email_nor_foreign_events():
    """The report that opened the issue: a manager and an area user, signed in, open the API in the browser."""
    w = _world("ouvidoria", False)
    for role in ("manager", "area"):
        client = w.clients[role]
        response = client.get(f"/api/v1/manifestations/{w.case.protocol}/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        body = response.content.decode()
        assert _absent(body, SPELLINGS) == [], role
        kinds = {e["kind"] for e in response.json()["timeline"]}
        if role == "area":
            assert kinds <= {"registration", "forward", "area_reply", "attachment"}
            assert [f["area"] for f in response.json()["forwards"]] == ["Financeiro"]
    assert PersonalDataView.objects.count() == 0


# Who runs the data subject's rights on an LGPD request (rules/roles.py "data_subject_rights").
RIGHTS_PANEL = {"analyst", "ombudsman", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_the_rights_panel_is_for_analysts_and_the_ombudsman_and_records_each_read(world, role):
    if role == "token":
        pytest.skip("tokens reach the API only")
    from ouvidoria.rights.services import rights_request_register

    request = rights_request_register(
        entity=world.case.entity, name=NAME, document=CPF, email=EMAIL, rights=["a", "b"], instance="sac"
    )
    client = world.clients[role]
    page = client.get(reverse("rights:panel", args=[request.protocol]))
    acted = client.post(reverse("rights:action", args=[request.protocol, "confirmar"]))
    reads = PersonalDataView.objects.filter(channel="rights", user=world.users.get(role))
    if role in RIGHTS_PANEL:
        assert page.status_code == 200
        assert acted.status_code == 302
        assert CPF in page.content.decode() or "52998224725" in page.content.decode()
        assert set(reads.values_list("manifestation_id", flat=True)) == {world.case.pk, request.pk}
    else:
        assert page.status_code == 404
        assert acted.status_code == 404
        assert _absent(page.content.decode() + acted.content.decode(), SPELLINGS) == []
        assert not reads.exists()


# --- Every URL is in the matrix ------------------------------------------------------------------------------

# Pages and endpoints that show a case, each probed above.
_DOWNLOADS = test_attachments_download_only_where_the_role_may_read_them_and_each_download_is_recorded
CASE_SURFACES: dict[str, Any] = {
    "workspace:case": test_the_case_page_shows_each_role_only_what_it_may_read_and_records_the_read,
    "workspace:case_personal_data": test_the_case_page_shows_each_role_only_what_it_may_read_and_records_the_read,
    "workspace:case_action": test_the_case_page_shows_each_role_only_what_it_may_read_and_records_the_read,
    "workspace:case_attachment": _DOWNLOADS,
    "workspace:queue": test_the_queue_and_its_search_show_no_personal_data_to_anyone,
    "workspace:queue_export": test_the_queue_and_its_search_show_no_personal_data_to_anyone,
    "workspace:requester_history": test_finding_earlier_cases_by_cpf_records_a_read_of_each_case_found,
    "workspace:case_email_preview": test_the_email_preview_is_for_who_sends_and_its_read_is_recorded,
    "manifestation-detail": test_the_api_gives_each_role_only_what_it_may_read_and_records_the_read,
    "manifestation-list": test_the_api_gives_each_role_only_what_it_may_read_and_records_the_read,
    "manifestation-attachment": _DOWNLOADS,
    "dossier:download": test_the_signed_dossier_shows_each_role_what_its_case_page_shows_and_records_the_read,
    "rights:panel": test_the_rights_panel_is_for_analysts_and_the_ombudsman_and_records_each_read,
    "rights:action": test_the_rights_panel_is_for_analysts_and_the_ombudsman_and_records_each_read,
}
# Every API action answers with the case's detail, built by the same serializer and view as the detail.
API_ACTIONS = {
    "manifestation-triage", "manifestation-assignment", "manifestation-message-in", "manifestation-message-out",
    "manifestation-notes", "manifestation-forwards", "manifestation-area-reply", "manifestation-complement-request",
    "manifestation-extension", "manifestation-merits", "manifestation-answer", "manifestation-closure",
    "manifestation-reopening", "manifestation-evaluation", "manifestation-attachments", "manifestation-links",
}  # fmt: skip
# Pages and endpoints that show no requester's personal data to staff, and why.
NO_PERSONAL_DATA = {
    "home": "the product's front page",
    "api-schema": "the OpenAPI description, no data",
    "api-docs": "the API's documentation page",
    "api-redoc": "the API's documentation page",
    "api-deadline": "a due date for a policy and a date",
    "api-catalogues": "codes and labels of the catalogues",
    "api-not-found": "the API's JSON 404 for any other address",
    "accounts:login": "sign-in",
    "accounts:otp_verify": "second factor",
    "accounts:totp_setup": "the user's own second factor",
    "accounts:logout": "sign-out",
    "indicators:dashboard": "aggregate figures (test_exports_and_staff_emails_carry_no_identity)",
    "indicators:formulas": "how each indicator is computed, no data",
    "indicators:export": "a dashboard table as CSV/XLSX: category and count (indicators/tests/test_exports.py)",
    "reports:list": "the list of regulatory reports",
    "reports:new": "the report form",
    "reports:detail": "aggregate figures of a report",
    "reports:progress": "a report's progress",
    "reports:file": "aggregate figures, PDF and XLSX (test_exports_and_staff_emails_carry_no_identity)",
    "opin:calendar": "the OPIN quarters and their state",
    "opin:generate": "starts a background export",
    "opin:progress": "an export's progress",
    "opin:mark_sent": "records that a file was sent",
    "opin:download": "the OPIN annex: no identity (test_exports_and_staff_emails_carry_no_identity)",
    "imports:list": "administrators' uploads",
    "imports:detail": "an import's outcome: counts and line errors",
    "inbox:list": "a person's notifications: protocol, entity, area, who acted (test_notifications_carry_no_identity)",
    "inbox:open": "marks a notification read, redirects to the case page (itself in the matrix)",
    "inbox:mark_read": "marks notifications read, redirects",
    "inbox:preferences": "which notifications come by e-mail",
    "workspace:bulk_assign": "assigns cases, redirects",
    "workspace:filter_save": "saves a filter, redirects",
    "workspace:filter_delete": "deletes a filter, redirects",
    "workspace:register": "the registration form (the attendant types the data)",
    "workspace:conversation": "an assistant's transcript, kept screened of CPF, cards, health data and contacts "
    "(portal/tests/test_chat.py)",
    "workspace:eligibility": "the eligibility verdict for protocols typed",
    "workspace:subjects": "the subject options of an entity's catalogue",
    "audit:reads": "who read which case: staff names and protocols, no requester data (test_audit_screen)",
    "audit:reads_export": "the same, as CSV/XLSX (test_audit_screen)",
    "dossier:verify": "the signature facts of an uploaded dossier: signer, date, protocol (dossier/tests)",
    "retention:plan": "counts of what retention disposes of, and the legal holds: protocol or entity, reason, who "
    "placed it; a hold on a requester says only that (retention/tests)",
    "retention:hold_place": "places a hold found by protocol, CPF/CNPJ (blind index) or entity; redirects",
    "retention:hold_release": "releases a hold, redirects",
    "audit:chain": "the tamper-evident log: table, row id and digests only (audit/tests/test_chain.py)",
    "audit:chain_export": "the same, as CSV/XLSX (audit/tests/test_chain.py)",
    # The citizen's own channels: no staff role; a case is shown only to whoever proves its e-mail or CPF.
    "portal:home": "citizen portal",
    "portal:entity": "citizen portal",
    "portal:contact": "citizen portal: the citizen's own form",
    "portal:ombudsman": "citizen portal: the citizen's own form",
    "portal:received": "citizen portal: the protocol just issued",
    "portal:reports": "citizen portal: the semiannual reports published (aggregate figures)",
    "portal:report_pdf": "citizen portal: a published semiannual report (aggregate figures)",
    "portal:chat": "citizen portal: the assistant",
    "portal:faq": "citizen portal",
    "portal:faq_article": "citizen portal",
    "portal:lookup": "citizen portal: look-up by protocol and e-mail/CPF",
    "portal:case": "citizen portal: the citizen's own case after the look-up",
    "portal:complement": "citizen portal: the citizen's own case after the look-up",
    "portal:evaluate": "citizen portal: the citizen's own case after the look-up",
    "rights:request_form": "citizen portal: the data subject's own request form",
    "rights:portal_document": "citizen portal: the data subject's own export or declaration, only after the look-up "
    "of the request's protocol (rights/tests/test_rights.py)",
}
# Django's admin registers no model with a requester's data (test_the_admin_registers_no_personal_data).
ADMIN_NAMESPACE = "admin"


def _names(patterns: Any, prefix: str = "") -> list[str]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = f"{prefix}{p.namespace}:" if p.namespace else prefix
            found += _names(p.url_patterns, namespace)
        elif isinstance(p, URLPattern):
            found.append(f"{prefix}{p.name}" if p.name else f"{prefix}<sem nome: {p.pattern}>")
    return found


def test_every_url_is_in_the_matrix():
    unknown = []
    for name in _names(get_resolver().url_patterns):
        if name.startswith(f"{ADMIN_NAMESPACE}:"):
            continue
        bare = name.removesuffix("-format")  # DRF's ".json" suffix routes answer as their route does
        if bare not in CASE_SURFACES and bare not in API_ACTIONS and bare not in NO_PERSONAL_DATA:
            unknown.append(name)
    assert unknown == [], f"add these to the disclosure matrix: {unknown}"


def test_every_api_action_answers_with_the_detail_as_the_role_may_read_it(world):
    """Each action's answer, for the area user (the role with the narrowest view that may act)."""
    m = world.case
    api = world.apis["area"]
    forward = m.forwards.get(area__name="Financeiro")
    response = api.post(
        f"/api/v1/manifestations/{m.protocol}/area-replies/", {"forward": forward.pk, "reply": "outra"}, format="json"
    )
    assert response.status_code == 400  # already answered: the error names the field, nothing of the case
    assert _absent(response.content.decode(), SPELLINGS) == []
    note = api.post(f"/api/v1/manifestations/{m.protocol}/notes/", {"body": "nota da área"}, format="json")
    assert note.status_code == 200
    assert _absent(note.content.decode(), SPELLINGS) == []
    assert "nota da área" in note.content.decode()
    _assert_parts(note.content.decode(), "area")


def test_the_admin_registers_no_personal_data():
    from django.contrib import admin

    from ouvidoria.cases.models import Requester

    registered = set(admin.site._registry)
    assert Requester not in registered
    assert Manifestation not in registered
    for model_admin in admin.site._registry.values():
        for inline in getattr(model_admin, "inlines", []):
            assert inline.model is not Requester


@pytest.mark.parametrize("role", ["manager", "director", "area", "admin"])
def test_the_queue_search_finds_no_case_through_a_requesters_data_the_role_may_not_read(world, role):
    """A review found a manager finding the case by the requester's surname or CPF written in the description."""
    client = world.clients[role]
    for term in ("Valadares", CPF, "52998224", EMAIL):
        page = client.get(reverse("workspace:queue"), {"tab": "all", "q": term}).content.decode()
        assert world.case.formatted_protocol not in page, term
    topic = client.get(reverse("workspace:queue"), {"tab": "all", "q": "MARCA-DESCRICAO"}).content.decode()
    assert (world.case.formatted_protocol in topic) == (role in ("manager", "director", "area"))


def test_a_confidential_case_and_the_earlier_case_it_cites_are_not_linked_for_whoever_may_not_identify(
    django_capture_on_commit_callbacks,
):
    entity = EntityFactory.create(slug="ligacoes", regime="bcb")
    requester = services.RequesterData(document=CPF, name=NAME, email=EMAIL)
    sac = register(entity, instance="sac", requester=requester)
    confidential = register(
        entity, instance="ouvidoria", requester=requester, name_confidential=True, earlier_protocols=[sac.protocol]
    )
    for role, sees_links in (("attendant", False), ("auditor", False), ("analyst", True), ("manager", True)):
        client = signed_in(staff_user(role, entities=[entity]))
        page = client.get(reverse("workspace:case", args=[confidential.protocol])).content.decode()
        assert (sac.formatted_protocol in page) == sees_links, role
        other = client.get(reverse("workspace:case", args=[sac.protocol])).content.decode()
        assert (confidential.formatted_protocol in other) == sees_links, role
    api = APIClient()
    api.force_authenticate(staff_user("auditor", entities=[entity], username="auditora-api"))
    assert api.get(f"/api/v1/manifestations/{confidential.protocol}/").json()["earlier_protocols"] == []
