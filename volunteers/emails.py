"""The emails a sign-up receives. They carry only a shift's public details: a ride's
pickup point and contact stay on the site, behind the driver's login."""

from django.core import signing
from django.urls import reverse
from django.utils import translation

from core.lib.email import absolute_url, send_templated_email

SIGNUP_LINK_SALT = "volunteers.signup"


def signup_token(signup):
    """A signed, unguessable name for one sign-up: the key of the links in its emails."""
    return signing.dumps(signup.pk, salt=SIGNUP_LINK_SALT)


def signup_pk_from_token(token):
    """The sign-up's primary key, or None for a token that was not made by signup_token."""
    try:
        return signing.loads(token, salt=SIGNUP_LINK_SALT)
    except signing.BadSignature:
        return None


def send_signup_email(signup, name, **extra):
    """Send emails/<name>.* to the person behind the sign-up, in their language.

    Does nothing for an anonymised sign-up (its account was deleted).
    """
    if not signup.email:
        return False
    language = signup.email_language
    shift = signup.shift
    with translation.override(language):
        link = absolute_url(reverse("volunteers:signup_link", args=[signup_token(signup)]))
        context = {
            "signup": signup,
            "shift": shift,
            "organization": shift.organization,
            "name": signup.display_name,
            "shift_url": absolute_url(shift.get_absolute_url()),
            "ics_url": absolute_url(reverse("volunteers:shift_ics", args=[shift.pk])),
            "signup_url": link,
            "yes_url": f"{link}?answer=yes",
            "no_url": f"{link}?answer=no",
            **extra,
        }
    send_templated_email(
        name,
        signup.email,
        context,
        language=language,
        reply_to=shift.organization.email or None,
    )
    return True
