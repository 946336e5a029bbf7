import pytest
from django.core import mail
from django.template import TemplateDoesNotExist

from core.lib.email import absolute_url, send_templated_email


def test_absolute_url_uses_the_site_address(settings):
    settings.SITE_URL = "https://hearth.example.org"
    assert absolute_url("/shifts/") == "https://hearth.example.org/shifts/"


def test_a_missing_template_is_an_error_not_a_blank_email():
    with pytest.raises(TemplateDoesNotExist):
        send_templated_email("no_such_email", "a@example.test")
    assert mail.outbox == []
