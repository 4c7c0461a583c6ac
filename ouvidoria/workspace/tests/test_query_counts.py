"""The queue and the case page cost the same number of queries whatever the number of rows and events."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user

pytestmark = pytest.mark.django_db

# Session, user, second factor, role and grants, the filter form's catalogues, saved filters, the page of rows,
# the three tab counts: fixed costs, none per row.
# 15; the at-risk tab reads the entities once more for their warning windows; a search picks the page's ids first
# and asks which of the page's requesters it found by name (that read is recorded); the header's bell counts the
# unread notifications. The case page also marks what the person was told of the case as read, and asks whether
# the requester blocked non-essential processing (LGPD art. 18 IV, ouvidoria/rights).
QUEUE_MAX_QUERIES = 19
CASE_MAX_QUERIES = 19
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def entity():
    return EntityFactory.create()


@pytest.fixture
def client(entity):
    other = EntityFactory.create()
    user = staff_user("analyst", entities=[entity, other])
    return signed_in(user)


@pytest.mark.parametrize("tab", ["open", "mine", "due_today", "at_risk", "overdue", "all"])
def test_the_queue_page_needs_the_same_few_queries_for_one_row_or_fifty(
    client, entity, django_assert_max_num_queries, tab
):
    url = reverse("workspace:queue")
    register(entity, instance="sac")
    client.get(url, {"tab": tab})  # per-process memos (calendars) filled, as on a running server
    one_row = queries(client, url, {"tab": tab})
    for _ in range(54):
        register(entity, instance="sac")
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        page = client.get(url, {"tab": tab, "q": "cobrança"})
    assert page.status_code == 200
    assert queries(client, url, {"tab": tab}) == one_row


def test_the_queue_page_with_fifty_rows_stays_at_a_handful_of_queries(client, entity, django_assert_max_num_queries):
    for _ in range(55):
        register(entity, instance="sac")
    url = reverse("workspace:queue")
    client.get(url)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        page = client.get(url)
    assert page.content.decode().count('<td class="mono" data-label="Protocolo">') == 50


def grow_timeline(m, area, rounds):
    for n in range(rounds):
        services.manifestation_message_in(m, body=f"Mensagem {n} do manifestante.", actor=None)
        services.manifestation_note(m, body=f"Nota {n}.", actor=None)
        services.manifestation_forward(m, area=area, question=f"Pergunta {n}?", due_on=None, actor=None)
        services.manifestation_attach(
            m, upload=SimpleUploadedFile(f"comprovante-{n}.pdf", PDF, content_type="application/pdf"), actor=None
        )


def test_the_case_page_needs_the_same_queries_for_a_short_or_long_timeline(
    client, entity, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    area = AreaFactory.create(entity=entity)
    m = register(entity, instance="sac")
    url = reverse("workspace:case", args=[m.protocol])
    grow_timeline(m, area, 1)
    client.get(url)
    short = queries(client, url)
    grow_timeline(m, area, 15)
    assert m.events.count() > 60
    with django_assert_max_num_queries(CASE_MAX_QUERIES):
        client.get(url)
    assert queries(client, url) == short
