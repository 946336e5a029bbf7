"""How a shift's time reads on every card and page: {% when shift %}."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from .conftest import make_shift

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
