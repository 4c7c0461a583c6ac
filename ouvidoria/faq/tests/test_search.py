import io

import pytest
from django.core.management import call_command
from django.template import Context, Template

from ouvidoria.cases.tests.factories import EntityFactory
from ouvidoria.faq.models import Article
from ouvidoria.faq.selectors import MAX_QUESTION_CHARS, faq_articles, faq_forget, faq_search, faq_snippet
from ouvidoria.faq.services import faq_articles_load
from ouvidoria.faq.starter import checksum, starter_articles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    faq_forget()
    yield
    faq_forget()


def slugs(query, **kw):
    return [a.slug for a, _ in faq_search(query, **kw)]


def article(slug, entity=None, **kw):
    values = {"title": slug.replace("-", " "), "body": "Texto.", "category": "outros"}
    values.update(kw)
    return Article.objects.create(slug=slug, entity=entity, **values)


def test_the_loaded_starter_set_answers_a_citizen():
    faq_articles_load()
    assert slugs("como cancelo o consentimento q dei")[0] == "como-revogar-consentimento"
    [(found, score)] = faq_search("qual o prazo da ouvidoria do banco", limit=1)
    assert found.slug == "prazo-da-ouvidoria"
    assert score > 0


def test_an_entity_sees_its_own_articles_and_the_shared_ones_but_not_another_entitys():
    mine, other = EntityFactory(), EntityFactory()
    article("telefone-da-ouvidoria", title="Telefone da Ouvidoria", body="Ligue 0800 000 0000.")
    article("horario-ouvidoria", entity=mine, title="Horário da Ouvidoria", body="Das 9h às 18h.")
    article("horario-ouvidoria", entity=other, title="Horário da Ouvidoria", body="Das 8h às 17h.")
    assert next((a.slug, a.entity_id) for a, _ in faq_search("horario da ouvidoria", entity=mine)) == (
        "horario-ouvidoria",
        mine.pk,
    )
    assert next((a.slug, a.entity_id) for a, _ in faq_search("telefone da ouvidoria", entity=mine)) == (
        "telefone-da-ouvidoria",
        None,
    )
    assert "horario-ouvidoria" not in slugs("horario da ouvidoria")  # no entity: only shared articles


def test_an_entitys_article_replaces_the_shared_one_with_the_same_slug():
    entity = EntityFactory()
    article("telefone-da-ouvidoria", title="Telefone da Ouvidoria", body="Veja o site da sua empresa.")
    own = article("telefone-da-ouvidoria", entity=entity, title="Telefone da Ouvidoria", body="Ligue 0800 722 0320.")
    assert [a for a, _ in faq_search("telefone ouvidoria", entity=entity)] == [own]
    assert [a.entity for a, _ in faq_search("telefone ouvidoria", entity=EntityFactory())] == [None]


def test_unpublished_articles_are_not_found():
    article("protocolo", title="Número de protocolo", published=False)
    assert slugs("protocolo") == []


def test_the_index_follows_edits_additions_and_deletions():
    a = article("protocolo", title="Número de protocolo")
    assert slugs("protocolo") == ["protocolo"]
    a.title = "Como acompanhar o caso"
    a.save()
    assert slugs("protocolo") == []
    b = article("protocolo-2", title="Protocolo de atendimento")
    assert slugs("protocolo") == ["protocolo-2"]
    b.delete()
    assert slugs("protocolo") == []


def test_bad_questions_are_answered_with_nothing_or_cut():
    article("protocolo", title="Número de protocolo")
    assert faq_search("") == []
    assert faq_search("   \n\t ") == []
    assert faq_search("???") == []
    assert faq_search(None) == []
    assert faq_search("protocolo", limit=0) == []
    assert slugs("protocolo " + "x" * (MAX_QUESTION_CHARS * 3)) == ["protocolo"]
    assert slugs("\x00protocolo\ufffd") == ["protocolo"]


def test_loading_twice_adds_nothing_and_never_overwrites_what_staff_edited():
    first = faq_articles_load()
    assert first["faq_created"] == len(starter_articles()) == Article.objects.count()
    assert faq_articles_load() == {"faq_created": 0, "faq_updated": 0, "faq_kept_edited": 0}
    edited = Article.objects.get(slug="sac")
    edited.body = "Texto da empresa."
    edited.save()
    assert faq_articles_load()["faq_kept_edited"] == 1
    edited.refresh_from_db()
    assert edited.body == "Texto da empresa."


def test_a_new_shipped_text_refreshes_the_untouched_copies_and_keeps_the_edited_ones():
    faq_articles_load()
    for slug, body in (("nome-social", "Texto antigo que ninguém editou."), ("sac", "Texto antigo.")):
        old = Article.objects.get(slug=slug)
        old.body = body
        old.shipped_checksum = checksum(
            title=old.title, body=body, keywords=old.keywords, category=old.category, sets=old.sets
        )
        old.save()
    edited = Article.objects.get(slug="sac")
    edited.body = "Texto antigo, editado pela empresa."
    edited.save()
    assert faq_articles_load() == {"faq_created": 0, "faq_updated": 1, "faq_kept_edited": 1}
    shipped = {a.slug: a for a in starter_articles()}
    assert Article.objects.get(slug="nome-social").body == shipped["nome-social"].body
    assert Article.objects.get(slug="sac").body == "Texto antigo, editado pela empresa."


def test_load_catalogues_loads_the_faq():
    call_command("load_catalogues", "--json", stdout=io.StringIO())
    assert Article.objects.filter(entity__isnull=True).count() == len(starter_articles())


def test_the_body_filter_renders_paragraphs_and_lists_escaped():
    html = Template("{% load faq %}{{ body|faq_body }}").render(
        Context({"body": "Primeiro <b>parágrafo</b>\nsegunda linha\n\n- um\n- dois & três\n\n1. passo\n2. outro"})
    )
    assert html == (
        "<p>Primeiro &lt;b&gt;parágrafo&lt;/b&gt;<br>segunda linha</p>"
        "<ul><li>um</li><li>dois &amp; três</li></ul><ol><li>passo</li><li>outro</li></ol>"
    )


def test_each_regime_sees_its_own_starter_set_and_only_participants_the_open_insurance_one():
    """Issue 14: health-plan, consórcio and bank entities saw the 35 Open Insurance articles."""
    faq_articles_load()
    health = EntityFactory(regime="ans", name="Vitalis Saúde")
    consortium = EntityFactory(regime="bcb", institution_kind="consortium", name="Prisma Administradora")
    bank = EntityFactory(regime="bcb", institution_kind="bank", name="Banco Horizonte Consorciado")
    insurer = EntityFactory(regime="susep", opin_participant=False)
    participant = EntityFactory(regime="susep", opin_participant=True)
    seen = {e: {a.slug for a in faq_articles(e)} for e in (health, consortium, bank, insurer, participant)}
    assert not any(s.startswith("comum-") for s in seen[participant])
    assert len(seen[participant]) == 35
    assert seen[participant] == {a.slug for a in faq_articles(None)}
    for entity, prefix in ((health, "ans-"), (consortium, "consorcio-"), (bank, "banco-"), (insurer, "seguros-")):
        own = {s for s in seen[entity] if not s.startswith("comum-")}
        assert own, entity.name
        assert all(s.startswith(prefix) for s in own), (entity.name, own)
        assert "comum-numero-de-protocolo" in seen[entity]
        assert "como-revogar-consentimento" not in seen[entity]
    assert slugs("quanto tempo a ouvidoria tem pra responder", entity=health)[0] == "ans-prazo-da-ouvidoria"
    assert slugs("como dou um lance", entity=consortium)[0] == "consorcio-lance"
    assert slugs("como dou um lance", entity=bank) == []


def test_existing_shipped_articles_become_the_open_insurance_set_on_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ouvidoria.faq.migrations.0002_article_sets")
    faq_articles_load()
    for article in Article.objects.all():  # as loaded before articles had sets
        article.sets = []
        article.shipped_checksum = checksum(
            title=article.title, body=article.body, keywords=article.keywords, category=article.category
        )
        article.save()
    edited = Article.objects.get(slug="sac")
    edited.body = "Texto da empresa."
    edited.save()
    migration.shipped_articles_are_open_insurance(apps, None)
    assert Article.objects.get(slug="nome-social").sets == ["opin"]
    assert Article.objects.get(slug="sac").sets == ["opin"]
    counts = faq_articles_load()
    assert counts["faq_kept_edited"] == 1  # the edited one only: the untouched are still recognised as untouched
    assert Article.objects.get(slug="ans-reajuste").sets == ["ans"]


def test_the_threshold_answers_nothing_when_no_article_fits_and_snippets_mark_the_words():
    faq_articles_load()
    assert faq_search("receita de bolo de cenoura") == []
    assert faq_search("qual o horario do jogo do flamengo", entity=EntityFactory(regime="ans")) == []
    [(found, relevance)] = faq_search("como cancelo o consentimento", limit=1)
    assert 0.35 <= relevance <= 1
    pieces = faq_snippet("revogar consentimento", found)
    assert any(matched and text.lower().startswith("revog") for text, matched in pieces)
