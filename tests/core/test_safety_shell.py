import re

import pytest
from django.test import Client, override_settings
from django.utils import translation

from tests.conftest import make_user
from tests.volunteers.conftest import make_shift

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/organizations/",
    "/organizations/rended-heart/",
    "/get-help/",
    "/recognize-the-signs/",
    "/about/",
    "/shifts/",
    "/needs/",
    "/give-money/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/organizations/no-such-organization/",
    "/es/",
    "/es/organizations/rended-heart/",
]

HELP_LINES = ['href="tel:911"', 'href="tel:+18883737888"', 'href="sms:233733?body=HELP"']


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_the_quick_exit_and_help_lines(client, organization, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_full_shell(response.text)  # the HSI tip line is in the footer


def test_the_shell_kept_between_pages_follows_the_language_and_the_quick_exit(client, settings):
    """The menus, help lines and footer are rendered once per language and kept in the
    process: each page still gets them in its own language, with the current exit."""
    for path, menu, footer in [
        ("/about/", "Give items", "Help is available"),
        ("/es/about/", "Donar artículos", "Hay ayuda disponible"),
        ("/about/", "Give items", "Help is available"),
    ]:
        html = client.get(path).text
        assert menu in html and footer in html
    assert "Donar artículos" not in html
    settings.QUICK_EXIT_URL = exit_url = "https://www.google.com/search?q=weather"
    html = client.get("/about/").text
    assert f'id="quick-exit" class="quick-exit" href="{exit_url}"' in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_page_loads_assets_from_another_host_or_inline_script(client, organization, path):
    html = client.get(path).text
    assets = re.findall(r'<(?:script|img|link|iframe|source)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith("/"), f"asset from another host: {url}"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert 'style="' not in html


def test_responses_carry_a_strict_content_security_policy(client):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_htmx_is_configured_without_eval_or_history_snapshots(client):
    html = client.get("/").text
    assert "/static/django_htmx/htmx-2.min.js" in html
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1)
    assert '"allowEval": false' in config
    assert '"historyCacheSize": 0' in config
    assert "X-CSRFToken" in re.search(r"<body[^>]*>", html).group(0)


def assert_full_shell(html):
    assert_safety_bar(html)
    assert 'href="tel:+18663472423"' in html


def assert_safety_bar(html):
    assert 'id="quick-exit" class="quick-exit" href="https://www.weather.gov/"' in html
    for line in HELP_LINES:
        assert line in html
    assert '<link rel="stylesheet" href="/static/css/safety.css">' in html
    assert '<script src="/static/js/hearth.js" defer></script>' in html


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/volunteers/shift/add/"])
def test_the_staff_admin_has_the_quick_exit_and_help_lines_too(client, path):
    if path != "/admin/login/":
        client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert_safety_bar(html)
    # The admin's own skip link and styles; Hearth's page styles stay out of it.
    assert html.count('class="skip-to-content-link"') == 1 and "skip-link" not in html
    assert "/static/css/hearth.css" not in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "language, title", [("en", "Something went wrong"), ("es", "Algo salió mal")]
)
def test_the_server_error_page_keeps_the_safety_shell_in_the_visitors_language(language, title):
    from core.views import server_error

    with translation.override(language):
        response = server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html
    assert_full_shell(html)


@override_settings(DEBUG=False)
def test_a_request_django_cannot_read_gets_a_page_with_the_shell(client):
    response = client.get("/es/about/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert '<html lang="es">' in response.text
    assert "No pudimos leer esa solicitud" in response.text
    assert_full_shell(response.text)


@override_settings(DEBUG=False)
def test_an_expired_form_says_so_in_the_shell_and_nothing_about_django(organization):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/accounts/login/", {"login": "a@example.test", "password": "x"})
    assert response.status_code == 403
    assert "Este formulario venció" in response.text
    assert_full_shell(response.text)
    assert "DEBUG" not in response.text


def test_following_a_link_to_a_buttons_address_explains_instead_of_an_empty_page(
    client, organization, volunteer
):
    client.force_login(volunteer)
    address = f"/es/shifts/{make_shift(organization).pk}/cancel-my-place/"
    response = client.get(address)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Use el botón de la página" in response.text
    assert_full_shell(response.text)
    assert client.get(address, headers={"HX-Request": "true"}).content == b""
