import pytest

from ouvidoria.accounts.models import StaffProfile
from ouvidoria.accounts.services import staff_role_apply
from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user
from ouvidoria.faq.models import Article
from ouvidoria.faq.services import faq_articles_load

pytestmark = pytest.mark.django_db


def administrator():
    user = staff_user("admin", entities=[EntityFactory.create()])
    staff_role_apply(StaffProfile.objects.get(user=user))
    return signed_in(user)


def test_an_administrator_writes_an_entitys_article_in_the_admin():
    entity = EntityFactory()
    client = administrator()
    response = client.post(
        "/admin/faq/article/add/",
        {
            "entity": entity.pk,
            "title": "Qual o telefone da Ouvidoria?",
            "slug": "telefone-da-ouvidoria",
            "category": "ouvidoria",
            "body": "Ligue 0800 722 0320, em dias úteis.",
            "keywords": "contato da ouvidoria",
            "published": "on",
            "order": 10,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="telefone-da-ouvidoria").entity == entity


def test_a_shipped_article_is_unpublished_not_deleted():
    faq_articles_load()
    shipped = Article.objects.get(slug="sac")
    client = administrator()
    assert client.get(f"/admin/faq/article/{shipped.pk}/delete/").status_code == 403
    assert "delete_selected" not in client.get("/admin/faq/article/").content.decode()
    own = Article.objects.create(slug="meu", title="Meu artigo", body="Texto.")
    assert client.post(f"/admin/faq/article/{own.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=own.pk).exists()


def test_other_roles_do_not_reach_the_articles_in_the_admin():
    user = staff_user("analyst", entities=[EntityFactory.create()])
    staff_role_apply(StaffProfile.objects.get(user=user))
    assert signed_in(user).get("/admin/faq/article/").status_code == 302
