"""The shift template tags: {% when shift %} on every card and page, {% contact signup %}
on every roster row, {% past_place signup %} on every line of past shifts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

from tests.conftest import make_user
from volunteers.models import Shift, SignUp

from .conftest import NOW, at, make_shift, make_signup

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


def test_a_shift_reads_anew_when_its_time_moves_and_in_each_language(organization):
    # The tag keeps what it wrote; a moved shift or another language must not get it.
    shift = make_shift(organization, start=datetime(2026, 12, 2, 21, 0, tzinfo=UTC), hours=1)
    before = WHEN.render(Context({"shift": shift}))
    shift.start += timedelta(days=1, hours=1)
    shift.end += timedelta(days=1, hours=2)
    assert WHEN.render(Context({"shift": shift})).endswith(
        "Thursday, Dec. 3, 2026, 4 p.m.\N{EN DASH}6 p.m.</time>"
    )
    with translation.override("es"):
        assert WHEN.render(Context({"shift": shift})).endswith(
            "jueves, 3 de diciembre de 2026, 16:00\N{EN DASH}18:00</time>"
        )
    shift.start -= timedelta(days=1, hours=1)
    shift.end -= timedelta(days=1, hours=2)
    assert WHEN.render(Context({"shift": shift})) == before
    assert "Wednesday, Dec. 2, 2026, 3 p.m.\N{EN DASH}4 p.m." in before


def test_a_shift_reads_in_the_time_zone_in_force():
    shift = Shift(
        start=datetime(2026, 12, 2, 21, 0, tzinfo=UTC), end=datetime(2026, 12, 2, 22, 0, tzinfo=UTC)
    )
    assert "3 p.m.\N{EN DASH}4 p.m." in WHEN.render(Context({"shift": shift}))
    with timezone.override(UTC):
        assert "9 p.m.\N{EN DASH}10 p.m." in WHEN.render(Context({"shift": shift}))


def test_hours_read_in_the_visitors_language():
    template = Template(
        "{% load shifts %}{{ a|hours }}, {{ b|hours }}, {{ c|hours }}, {{ d|hours }}"
    )
    numbers = {"a": Decimal(1), "b": Decimal("207.5"), "c": Decimal(0), "d": Decimal("2.25")}
    assert template.render(Context(numbers)) == "1 hour, 207.5 hours, 0 hours, 2.25 hours"
    with translation.override("es"):
        assert template.render(Context(numbers)) == "1 hora, 207,5 horas, 0 horas, 2,25 horas"


@pytest.mark.parametrize(
    ("number", "shown"),
    [("2.3", "2.3"), ("2.30", "2.3"), ("2.25", "2.25"), ("2.999", "3"), ("2.04", "2.04"), (3, "3")],
)
def test_hours_never_end_in_a_zero_that_reads_as_minutes(number, shown):
    assert (
        Template("{% load shifts %}{{ n|hours_number }}").render(Context({"n": Decimal(number)}))
        == shown
    )


def test_a_contact_is_escaped_and_says_guest_in_the_coordinators_language(organization):
    shift = make_shift(organization)
    volunteer = make_user("v@example.test", phone='<b>816</b> "0100"')
    guest = make_signup(shift, None, guest_name="Gina", guest_email="gina@example.test")
    template = Template("{% load shifts %}{% contact signup %}")

    html = template.render(Context({"signup": make_signup(shift, volunteer)}))
    assert html == (
        '<span class="small"><a href="mailto:v@example.test">v@example.test</a> · '
        '<a href="tel:&lt;b&gt;816&lt;/b&gt; &quot;0100&quot;">'
        "&lt;b&gt;816&lt;/b&gt; &quot;0100&quot;</a></span>"
    )
    with translation.override("es"):
        html = template.render(Context({"signup": guest}))
    assert html.endswith(" · sin cuenta</span>")


@time_machine.travel(NOW, tick=False)
def test_a_past_places_outcome_reads_in_the_volunteers_language(organization, volunteer):
    ended = make_shift(organization, start=at(-2, 9), hours=2)
    cancelled = make_shift(organization, start=at(-3, 9), cancelled_at=at(-4, 9))
    places = [
        make_signup(ended, volunteer, hours=Decimal("3.5")),
        make_signup(ended, make_user("one@example.test"), hours=Decimal("1.00")),
        make_signup(ended, make_user("two@example.test")),
        make_signup(ended, make_user("w@example.test"), status=SignUp.Status.WAITLISTED),
        make_signup(cancelled, volunteer),
    ]
    template = Template("{% load shifts %}{% past_place signup %}")

    def outcomes():
        return [template.render(Context({"signup": p})).rsplit(": ", 1)[1] for p in places]

    assert outcomes() == [
        "3.5 hours",
        "1 hour",
        "2 hours",
        "you were on the waitlist",
        "cancelled by the organization",
    ]
    with translation.override("es"):
        assert outcomes() == [
            "3,5 horas",
            "1 hora",
            "2 horas",
            "usted estaba en la lista de espera",
            "cancelado por la organización",
        ]


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Dec. 2, 2026"), ("es", "2 de diciembre de 2026")]
)
def test_a_past_line_gives_the_shift_and_its_day_in_kansas_city(
    organization, volunteer, language, text
):
    # 03:00 UTC on December 3 is still December 2 in Kansas City.
    shift = make_shift(
        organization, title="Sort <donations>", start=datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    )
    signup = make_signup(shift, volunteer)
    with translation.override(language):
        html = Template("{% load shifts %}{% past_place signup %}").render(
            Context({"signup": signup})
        )
        url = shift.get_absolute_url()
    assert html.startswith(
        f'<a href="{url}">Sort &lt;donations&gt;</a>, Rended Heart, '
        f'<time datetime="2026-12-02">{text}</time>: '
    )
