import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_spanish_pages_live_under_es_and_say_so(client):
    response = client.get("/es/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.text
    assert "Salida rápida" in response.text


def test_english_is_the_default(client):
    response = client.get("/")
    assert '<html lang="en">' in response.text
    assert "Quick exit" in response.text


def test_language_switch_returns_to_the_same_page_in_spanish(client, organization):
    response = client.post(
        reverse("set_language"),
        {"language": "es", "next": organization.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/es{organization.get_absolute_url()}"


def test_switcher_offers_the_other_language(client):
    assert 'value="es" lang="es"' in client.get("/").text
    assert 'value="en" lang="en"' in client.get("/es/").text


def test_a_choice_fields_empty_option_is_spanish_on_spanish_pages(
    client, organization, coordinator
):
    client.force_login(coordinator)
    html = client.get(f"/es/needs/manage/{organization.slug}/").text
    assert '<option value="" selected>- Elija una opción -</option>' in html
    assert "Select an option" not in html
