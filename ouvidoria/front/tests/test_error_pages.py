"""With DEBUG off, errors answer in Portuguese in the product's layout, not Django's English pages."""

import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("falha de teste")


urlpatterns = [path("boom/", _boom)]


@override_settings(DEBUG=False)
def test_not_found_is_in_portuguese_in_the_products_layout():
    response = Client().get("/nao-existe/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Página não encontrada" in page
    assert 'lang="pt-BR"' in page
    assert "Not Found" not in page


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_is_in_portuguese_and_says_nothing_was_half_written():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Erro no sistema" in page
    assert "Server Error" not in page


@override_settings(DEBUG=False)
def test_a_stale_form_is_explained_in_portuguese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/entrar/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "O formulário expirou" in response.content.decode()
