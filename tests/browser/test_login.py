"""The login form from the keyboard: Tab goes from the email box to the password box, and
"Forgot your password?" comes after the password box, on the way to Log in."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("prefix", "email", "password", "forgot", "reset"),
    [
        ("", "Email", "Password", "Forgot your password?", "Reset your password"),
        ("/es", "Correo electrónico", "Contraseña", "¿Ha olvidado su contraseña?", "Restablecer"),
    ],
    ids=["English", "Spanish"],
)
def test_tab_goes_from_the_email_to_the_password_then_to_forgot_your_password(
    page, live_server, prefix, email, password, forgot, reset
):
    page.goto(f"{prefix}/accounts/login/")
    page.get_by_label(email).fill("someone@example.test")
    page.keyboard.press("Tab")
    expect(page.get_by_label(password)).to_be_focused()
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name=forgot)
    expect(link).to_be_focused()
    assert link.bounding_box()["y"] > page.get_by_label(password).bounding_box()["y"]
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{prefix}/accounts/password/reset/$"))
    expect(page.locator("h1")).to_contain_text(reset)
