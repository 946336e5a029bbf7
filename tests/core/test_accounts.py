import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def sign_up(client, email="new@example.test", name="Nia New"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "name": name, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_asks_for_email_not_a_username(client):
    response = client.get(reverse("account_signup"))
    assert 'name="email"' in response.text
    assert 'name="username"' not in response.text


def test_new_account_must_verify_its_email_before_logging_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.test")
    assert user.name == "Nia New"
    assert len(mail.outbox) == 1

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("core:profile")).status_code == 302

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    client.post(path)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:profile")).status_code == 200


def test_sign_up_in_spanish_keeps_spanish_for_emails(client):
    client.post(
        "/es/accounts/signup/",
        {"email": "ana@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(email="ana@example.test").language == "es"


def test_verified_user_logs_in_with_email(client, volunteer):
    response = client.post(
        reverse("account_login"), {"login": "VOLUNTEER@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:profile")).status_code == 200


def test_wrong_password_is_a_clear_message_that_keeps_the_email(client, volunteer):
    response = client.post(
        reverse("account_login"), {"login": "volunteer@example.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.text
    assert 'value="volunteer@example.test"' in response.text


def test_repeated_failed_logins_are_rate_limited(client, volunteer):
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": "volunteer@example.test", "password": "nope"}
        )
    response = client.post(
        reverse("account_login"), {"login": "volunteer@example.test", "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.text
    assert client.get(reverse("core:profile")).status_code == 302


def test_sign_ups_from_one_address_are_rate_limited(client):
    statuses = [sign_up(client, email=f"person{i}@example.test").status_code for i in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_password_reset_sends_a_link(client, volunteer):
    response = client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_account_emails_follow_the_language_chosen_for_emails_not_the_page(client):
    lucia = make_user("lucia@example.test", "Lucía", language="es")
    client.post(reverse("account_reset_password"), {"email": lucia.email})
    client.force_login(lucia)
    client.post(reverse("account_email"), {"action_add": "", "email": "lucia@work.example"})
    reset, confirm = mail.outbox
    assert reset.subject == "[Hearth] Correo electrónico para restablecer contraseña"
    assert "http://testserver/es/accounts/password/reset/key/" in reset.body
    assert confirm.to == ["lucia@work.example"]
    assert confirm.subject == "[Hearth] Por favor, confirme su dirección de correo electrónico"
    assert "http://testserver/es/accounts/confirm-email/" in confirm.body


def test_logging_out_of_a_spanish_page_lands_on_the_spanish_home_page(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/es/accounts/logout/")
    assert response["Location"] == "/es/"


def visible_words(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def test_account_pages_use_the_header_wording(client, volunteer):
    login = visible_words(client.get(reverse("account_login")))
    assert "Log in · Hearth" in login
    assert "Remember me" in login
    assert "Sign In" not in login
    signup = visible_words(client.get(reverse("account_signup")))
    assert "Sign up · Hearth" in signup
    assert "Then please log in ." in signup
    assert "Sign Up" not in signup
    reset = visible_words(client.get(reverse("account_reset_password")))
    assert "Reset your password" in reset
    assert "Reset my password" in reset
    client.force_login(volunteer)
    logout = visible_words(client.get(reverse("account_logout")))
    assert "Are you sure you want to log out?" in logout
    assert "Sign Out" not in logout
    assert logout.count("Log out") >= 3  # the header's button, the heading and the page's


def test_account_pages_in_spanish_keep_allauths_spanish(client):
    login = visible_words(client.get("/es/accounts/login/"))
    assert "Iniciar sesión · Hearth" in login
    assert "Log in" not in login
