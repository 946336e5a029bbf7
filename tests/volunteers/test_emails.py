"""What the emails say, in the reader's language, and what they never say."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from tests.conftest import make_user
from volunteers.services import guest_signup_create, signup_create

from .conftest import make_ride, make_shift, verify

pytestmark = pytest.mark.django_db


def test_the_sign_up_email_has_the_details_a_calendar_link_and_a_way_to_cancel(
    organization, volunteer
):
    shift = make_shift(organization, title="Willow Tree dinner", place="3936 Troost")
    signup_create(shift=shift, volunteer=volunteer)
    (email,) = mail.outbox
    assert email.subject == "You are signed up: Willow Tree dinner"
    assert "Hello Val Volunteer," in email.body
    assert "3936 Troost" in email.body
    assert f"http://127.0.0.1:8000/shifts/{shift.pk}/shift.ics" in email.body
    assert "http://127.0.0.1:8000/shifts/place/" in email.body
    html = email.alternatives[0].content
    assert '<a href="http://127.0.0.1:8000/shifts/place/' in html


def test_emails_go_out_in_the_volunteers_language(organization):
    reader = make_user("lucia@example.test", "Lucía", language="es")
    signup_create(shift=make_shift(organization), volunteer=reader)
    (email,) = mail.outbox
    assert email.subject == "Tiene un lugar confirmado: Community meal"
    assert "/es/shifts/place/" in email.body
    assert translation.get_language() == "en"  # sending did not leak the language


def test_a_drivers_confirmation_never_carries_the_pickup_point(organization, volunteer):
    verify(volunteer, organization, "driver")
    signup_create(shift=make_ride(organization), volunteer=volunteer)
    (email,) = mail.outbox
    for text in [email.subject, email.body, email.alternatives[0].content]:
        assert "Plaza library" not in text
        assert "Front desk" not in text
    assert "General pickup area: Midtown" in email.body
    assert "once you are logged in" in email.body


def test_a_guest_gets_a_confirmation_link_that_also_cancels(shift):
    guest_signup_create(shift=shift, name="Gina", email="gina@example.test", language="en")
    (email,) = mail.outbox
    assert email.subject == "Confirm your place: Community meal"
    assert "the same link lets you cancel later" in email.body


def test_the_sign_up_email_promises_a_reminder_only_when_one_will_come(organization, volunteer):
    later = make_shift(organization, title="Next week", start=timezone.now() + timedelta(days=7))
    soon = make_shift(organization, title="Tonight", start=timezone.now() + timedelta(hours=3))
    full = make_shift(organization, title="Full", capacity=1)
    signup_create(shift=full, volunteer=make_user("first@example.test"))
    mail.outbox.clear()
    for shift in (later, soon, full):
        signup_create(shift=shift, volunteer=volunteer)
    promised = {
        email.subject: "We will remind you the day before." in email.body for email in mail.outbox
    }
    assert promised == {
        "You are signed up: Next week": True,
        "You are signed up: Tonight": False,  # this email is the reminder
        "You are on the waitlist: Full": False,
    }
    for email in mail.outbox:
        assert "If your plans change, cancel here" in email.body
