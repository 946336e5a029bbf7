"""One way to send Hearth's emails: a template triple rendered in the reader's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path):
    """A full address for a path, for links that leave the site in an email or a calendar."""
    return f"{settings.SITE_URL}{path}"


def send_templated_email(name, to, context=None, *, language="en", reply_to=None):
    """Render templates/emails/<name>.subject|.txt|.html and send one message.

    `to` is one address; `language` is the reader's, so a reminder sent by a
    background task still speaks the language the person chose.
    """
    context = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}.subject", context).strip()
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()
