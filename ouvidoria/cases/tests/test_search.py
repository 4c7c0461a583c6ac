"""The workspace's search box: protocol, description and messages; accents and case never matter."""

import pytest
from django.db import connection

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.search import search_filter, search_page_ids
from ouvidoria.cases.tests.factories import EntityFactory, register

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming needs PostgreSQL's full-text search"
)


@pytest.fixture
def entity():
    return EntityFactory.create()


def found(text):
    return set(search_filter(Manifestation.objects.all(), text))


def test_a_word_without_its_accent_finds_the_accented_one(entity):
    m = register(entity, description="Cobrança em duplicidade na parcela de outubro.")
    register(entity, description="Seguro viagem negado sem justificativa.")
    assert found("cobranca") == {m}
    assert found("COBRANÇA") == {m}
    assert found("duplicidade OUTUBRO") == {m}


def test_an_accented_query_finds_text_written_without_accents(entity):
    m = register(entity, description="Nao recebi o cartao de credito.")
    assert found("cartão crédito") == {m}


def test_every_word_must_match(entity):
    register(entity, description="Cobrança em duplicidade na parcela de outubro.")
    assert found("cobrança novembro") == set()


@postgres_only
def test_plurals_and_word_forms_find_each_other(entity):
    m = register(entity, description="Recebi duas cobranças indevidas.")
    other = register(entity, description="A cobrança de tarifa foi indevida.")
    assert found("cobrança") == {m, other}
    assert found("cobrancas indevidas") == {m, other}


def test_messages_to_and_from_the_requester_are_searched(entity):
    m = register(entity, description="Problema com o cartão.")
    services.manifestation_message_in(m, body="Enviei o comprovante da transferência.", actor=None)
    other = register(entity, description="Outro assunto.")
    services.manifestation_message_out(other, body="Informamos que o estorno será feito.", actor=None)
    assert found("transferencia") == {m}
    assert found("estorno") == {other}


def test_internal_notes_are_not_searched(entity):
    m = register(entity, description="Problema com o cartão.")
    services.manifestation_note(m, body="Cliente reincidente, verificar fraude.", actor=None)
    assert found("fraude") == set()


@pytest.mark.parametrize("typed", ["plain", "formatted", "dots"])
def test_a_protocol_in_any_format_finds_the_case(entity, typed):
    m = register(entity)
    register(entity)
    text = {
        "plain": m.protocol,
        "formatted": f"  {m.formatted_protocol} ",
        "dots": m.formatted_protocol.replace("-", "."),
    }[typed]
    assert found(text) == {m}


def test_an_empty_query_filters_nothing(entity):
    a, b = register(entity), register(entity)
    assert found("   ") == {a, b}


def test_a_page_of_ids_is_the_search_in_order_each_case_once(entity):
    other_entity = EntityFactory.create()
    in_description = [register(entity, description=f"Estorno pendente número {n}.") for n in range(4)]
    both = register(entity, description="Estorno da tarifa.")
    services.manifestation_message_in(both, body="Ainda aguardo o estorno.", actor=None)
    in_message = register(entity, description="Problema com o cartão.")
    services.manifestation_message_out(in_message, body="O estorno foi aprovado.", actor=None)
    register(other_entity, description="Estorno de outra entidade.")  # outside the scope
    register(entity, description="Outro assunto.")
    scope = Manifestation.objects.filter(entity=entity)
    ordering = ("-received_at", "-id")
    expected = [m.pk for m in reversed([*in_description, both, in_message])]

    pages = [search_page_ids(scope, "estorno", ordering, start, 4) for start in (0, 4)]

    assert pages[0] + pages[1] == expected
    assert search_page_ids(scope, both.formatted_protocol, ordering, 0, 4) == [both.pk]
    assert search_page_ids(scope, "fraude", ordering, 0, 4) == []
