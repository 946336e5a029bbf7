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
    profile = client.get(reverse("core:profile"))
    assert profile.status_code == 200
    assert "You are logged in as Val Volunteer." in profile.text


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


# django-allauth's own wording that Hearth's catalogs (core/allauth_wording/) replace: its
# English Title Case and, in Spanish, its Title Case, its "tú", words other than the rest
# of Hearth's and a typo.
ALLAUTH_WORDING = [
    "Sign In",
    "Sign Up",
    "Signup",
    "Sign Out",
    "Remember Me",
    "Password Reset",
    "Reset My Password",
    "Verify Your Email Address",
    "Please Confirm Your Email Address",
    "Confirm Email Address",
    "Account Inactive",
    "Confirm Access",
    "Change Password",
    "Set Password",
    "Current Password",
    "New Password",
    "Bad Token",
    "Email Addresses",
    "Make Primary",
    "Re-send Verification",
    "Add Email",
    "Unknown Account",
    "Account Already Exists",
    "Restablecer Contraseña",
    "Reenviar Verificación",
    "Cambiar la contraseña",
    "Registro ",
    "Si no ves",
    "tu bandeja",
    "comprueba tu",
    "Estás recibiendo",
    "tu dirección",
    "vete a",
    "recuperació ",
]


def allauth_wording(text):
    """The pieces of django-allauth's own wording left in `text` (a page, placeholders
    included, or an email)."""
    text = " ".join(text.split())
    return [words for words in ALLAUTH_WORDING if words in text]


def account_pages(client, prefix=""):
    """Every django-allauth page a Hearth visitor can reach, drawn in the language of the
    address prefix, by name."""
    language = "es" if prefix else "en"
    pages = {"sign up": client.get(f"{prefix}/accounts/signup/")}
    pages["verification sent"] = client.post(
        f"{prefix}/accounts/signup/",
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    confirm_path = re.search(r"testserver(\S*/confirm-email/\S+/)", mail.outbox[-1].body)
    pages["confirm email"] = client.get(confirm_path.group(1))
    pages["confirm email, bad key"] = client.get(f"{prefix}/accounts/confirm-email/nope/")
    pages["log in"] = client.get(f"{prefix}/accounts/login/")
    make_user("off@example.test", is_active=False)
    pages["account inactive"] = client.post(
        f"{prefix}/accounts/login/",
        {"login": "off@example.test", "password": PASSWORD},
        follow=True,
    )
    pages["password reset"] = client.get(f"{prefix}/accounts/password/reset/")
    person = make_user("person@example.test", "Pat", language=language)
    pages["password reset sent"] = client.post(
        f"{prefix}/accounts/password/reset/", {"email": person.email}, follow=True
    )
    reset_path = re.search(r"testserver(\S*/password/reset/key/\S+/)", mail.outbox[-1].body)
    pages["new password"] = client.get(reset_path.group(1), follow=True)
    pages["password reset done"] = client.post(
        pages["new password"].redirect_chain[-1][0],
        {"password1": "another-horse-battery", "password2": "another-horse-battery"},
        follow=True,
    )
    pages["password reset, bad token"] = client.get(
        f"{prefix}/accounts/password/reset/key/1-bad-token/"
    )
    person.refresh_from_db()  # its new password
    client.force_login(person)
    pages["log out"] = client.get(f"{prefix}/accounts/logout/")
    pages["change password"] = client.get(f"{prefix}/accounts/password/change/")
    pages["email addresses"] = client.get(f"{prefix}/accounts/email/")
    pages["confirm access"] = client.get(f"{prefix}/accounts/reauthenticate/")
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    pages["set password"] = client.get(f"{prefix}/accounts/password/change/", follow=True)
    return pages


def account_pages_in_hearths_wording(client, prefix=""):
    """The account pages, each checked to answer 200 with none of allauth's own wording
    left, and their visible words, by name."""
    pages = account_pages(client, prefix)
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert allauth_wording(response.text) == [], name
    return pages, {name: visible_words(response) for name, response in pages.items()}


def test_account_pages_use_the_header_wording(client):
    pages, words = account_pages_in_hearths_wording(client)
    assert "Sign up · Hearth" in words["sign up"]
    assert "Then please log in ." in words["sign up"]
    assert "Verify your email address · Hearth" in words["verification sent"]
    assert "If you do not see the verification email" in words["verification sent"]
    assert "Confirm email address · Hearth" in words["confirm email"]
    assert "Please confirm that new@example.test" in words["confirm email"]
    assert "This email confirmation link expired" in words["confirm email, bad key"]
    assert "Log in · Hearth" in words["log in"]
    assert "Remember me" in words["log in"]
    assert "Account inactive · Hearth" in words["account inactive"]
    assert "Reset your password" in words["password reset"]
    assert "Reset my password" in words["password reset"]
    assert "We have sent you an email." in words["password reset sent"]
    assert "New password (again)" in words["new password"]
    assert "Change password" in words["new password"]
    assert "Your password is now changed." in words["password reset done"]
    assert "Bad token" in words["password reset, bad token"]
    assert "Are you sure you want to log out?" in words["log out"]
    assert words["log out"].count("Log out") >= 3  # the header's button, the heading and the page's
    assert "Change password · Hearth" in words["change password"]
    assert "Current password" in words["change password"]
    assert 'placeholder="New password"' in pages["change password"].text
    assert "Email addresses · Hearth" in words["email addresses"]
    assert "Make primary" in words["email addresses"]
    assert "Re-send verification" in words["email addresses"]
    assert "Add email address" in words["email addresses"]
    assert "Confirm access · Hearth" in words["confirm access"]
    assert "Set password · Hearth" in words["set password"]


def test_account_pages_in_spanish_say_usted_in_sentence_case(client):
    _pages, words = account_pages_in_hearths_wording(client, prefix="/es")
    assert "Registrarse · Hearth" in words["sign up"]
    assert "inicie sesión" in words["sign up"]
    assert "Verifique su dirección de correo electrónico · Hearth" in words["verification sent"]
    assert (
        "Si no ve el correo en su bandeja de entrada principal, revise su carpeta de correo "
        "no deseado." in words["verification sent"]
    )
    assert "Confirmar dirección de correo electrónico · Hearth" in words["confirm email"]
    assert "Iniciar sesión · Hearth" in words["log in"]
    assert "Log in" not in words["log in"]
    assert "Cuenta desactivada · Hearth" in words["account inactive"]
    assert "Restablecer contraseña · Hearth" in words["password reset"]
    assert "Restablecer mi contraseña" in words["password reset"]
    assert "Restablecer contraseña · Hearth" in words["password reset sent"]
    assert "Cambiar contraseña · Hearth" in words["new password"]
    assert "Nueva contraseña (de nuevo)" in words["new password"]
    assert "Su contraseña ha cambiado." in words["password reset done"]
    assert "Hay un problema con el token" in words["password reset, bad token"]
    assert "¿Seguro que desea cerrar sesión?" in words["log out"]
    assert "Cambiar contraseña · Hearth" in words["change password"]
    assert "Contraseña actual" in words["change password"]
    assert "Direcciones de correo electrónico · Hearth" in words["email addresses"]
    assert "Reenviar verificación" in words["email addresses"]
    assert "Confirmar acceso · Hearth" in words["confirm access"]
    assert "Establecer contraseña · Hearth" in words["set password"]


ACCOUNT_EMAIL_SUBJECTS = {
    "en": [
        "[Hearth] Please confirm your email address",
        "[Hearth] Password reset email",
        "[Hearth] Unknown account",
        "[Hearth] Account already exists",
    ],
    "es": [
        "[Hearth] Por favor, confirme su dirección de correo electrónico",
        "[Hearth] Correo electrónico para restablecer contraseña",
        "[Hearth] Cuenta desconocida",
        "[Hearth] La cuenta ya existe",
    ],
}


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("es", "/es")])
def test_account_emails_are_in_sentence_case_and_in_spanish_say_usted(client, language, prefix):
    make_user("known@example.test", language=language)
    client.post(
        f"{prefix}/accounts/signup/",
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post(f"{prefix}/accounts/password/reset/", {"email": "known@example.test"})
    client.post(f"{prefix}/accounts/password/reset/", {"email": "nobody@example.test"})
    client.logout()
    client.post(
        f"{prefix}/accounts/signup/",
        {"email": "known@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert [email.subject for email in mail.outbox] == ACCOUNT_EMAIL_SUBJECTS[language]
    for email in mail.outbox:
        assert allauth_wording(email.subject + email.body) == [], email.subject
    if language == "es":
        confirm, _, _, exists = (email.body for email in mail.outbox)
        assert "Alguien escribió esta dirección de correo electrónico en Hearth" in confirm
        assert "Si fue usted, confirme la dirección aquí:\nhttp://testserver/es/" in confirm
        assert "puede\nrecuperar su cuenta restableciendo su contraseña" in exists


@pytest.mark.parametrize(
    ("language", "prefix", "hello", "hotline"),
    [
        ("en", "", "Hello from Hearth.", "National Human Trafficking Hotline: 1-888-373-7888"),
        ("es", "/es", "Hola, le escribe Hearth.", "Línea Nacional contra la Trata"),
    ],
)
def test_account_emails_come_from_hearth_with_its_help_lines_and_never_the_typed_name(
    client, language, prefix, hello, hotline
):
    make_user("known@example.test", language=language)
    client.post(
        f"{prefix}/accounts/signup/",
        {
            "email": "someone.else@example.test",
            "name": "I know where you live",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    client.post(f"{prefix}/accounts/password/reset/", {"email": "known@example.test"})
    client.post(f"{prefix}/accounts/password/reset/", {"email": "nobody@example.test"})
    assert len(mail.outbox) == 3
    for email in mail.outbox:
        assert email.body.startswith(hello), email.subject
        assert hotline in email.body
        assert "testserver!" not in email.body and "Thank you for using" not in email.body
    confirm = mail.outbox[0]
    assert confirm.to == ["someone.else@example.test"]
    assert "I know where you live" not in confirm.subject + confirm.body
    assert f"http://testserver{prefix}/accounts/confirm-email/" in confirm.body


@pytest.mark.parametrize(("prefix", "remember_me"), [("", "Remember me"), ("/es", "Recordarme")])
def test_log_in_page_draws_the_remember_me_checkbox_before_its_label(client, prefix, remember_me):
    page = client.get(f"{prefix}/accounts/login/").text
    checkbox = re.search(r'<input type="checkbox" name="remember"[^>]*>', page)
    label = page.index(f'<label for="id_remember">{remember_me}</label>')
    assert checkbox.end() < label
    assert f"{remember_me}:" not in page
    # What allauth's form widgets bring along is still drawn.
    assert 'autocomplete="email"' in page
    assert 'autocomplete="current-password"' in page
    assert "/accounts/password/reset/" in page  # the password's help text
