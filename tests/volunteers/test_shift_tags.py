"""The shift template tags: {% when shift %} on every card and page, {% contact signup %}
on every roster row."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.conftest import make_user

from .conftest import make_shift, make_signup

pytestmark = pytest.mark.django_db

WHEN = Template("{% load shifts %}{% when shift %}")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Wednesday, Dec. 2, 2026, 3 p.m.\N{EN DASH}4:30 p.m."),
        ("es", "miércoles, 2 de diciembre de 2026, 15:00\N{EN DASH}16:30"),
    ],
)
def test_a_shift_reads_in_the_visitors_language_and_kansas_city_time(organization, language, text):
    # 21:00 UTC is 15:00 in Kansas City in December (UTC-6).
    shift = make_shift(organization, start=datetime(2026, 12, 2, 21, 0, tzinfo=UTC), hours=1.5)
    with translation.override(language):
        html = WHEN.render(Context({"shift": shift}))
    assert html == f'<time datetime="2026-12-02T15:00:00-06:00">{text}</time>'


def test_a_contact_is_escaped_and_says_guest_in_the_coordinators_language(organization):
    shift = make_shift(organization)
    volunteer = make_user("v@example.test", phone='816 "555" <b>0100</b>')
    guest = make_signup(shift, None, guest_name="Gina", guest_email="gina@example.test")
    template = Template("{% load shifts %}{% contact signup %}")

    html = template.render(Context({"signup": make_signup(shift, volunteer)}))
    assert html == (
        '<span class="small"><a href="mailto:v@example.test">v@example.test</a> · '
        '<a href="tel:816 &quot;555&quot; &lt;b&gt;0100&lt;/b&gt;">'
        "816 &quot;555&quot; &lt;b&gt;0100&lt;/b&gt;</a></span>"
    )
    with translation.override("es"):
        html = template.render(Context({"signup": guest}))
    assert html.endswith(" · sin cuenta</span>")
