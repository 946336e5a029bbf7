"""Sign-up rules: capacity and waitlist, refusals, eligibility, guests, cancelling."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.tasks import default_task_backend
from django.utils import timezone

from tests.conftest import make_user
from volunteers.models import ShiftPolicy, SignUp, Verification
from volunteers.services import (
    Refusal,
    guest_signup_create,
    signup_cancel,
    signup_confirm,
    signup_create,
    signup_remove,
)

from .conftest import NOW, at, make_shift, make_signup, verify

pytestmark = pytest.mark.django_db

Status = SignUp.Status


def people(count):
    return [make_user(f"person{i}@example.test", f"Person {i}") for i in range(count)]


def test_volunteer_gets_a_confirmed_place_and_an_email(shift, volunteer):
    signup = signup_create(shift=shift, volunteer=volunteer)
    assert signup.status == Status.CONFIRMED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["volunteer@example.test"]
    assert "You are signed up" in mail.outbox[0].subject


def test_a_full_shift_puts_the_next_volunteer_on_the_waitlist(organization):
    shift = make_shift(organization, capacity=2)
    first, second, third = people(3)
    signup_create(shift=shift, volunteer=first)
    signup_create(shift=shift, volunteer=second)
    waiting = signup_create(shift=shift, volunteer=third)
    assert waiting.status == Status.WAITLISTED
    assert "waitlist" in mail.outbox[-1].subject


def test_waitlisted_volunteer_is_promoted_and_emailed_when_someone_cancels(organization):
    shift = make_shift(organization, capacity=1)
    first, second, third = people(3)
    place = signup_create(shift=shift, volunteer=first)
    next_in_line = signup_create(shift=shift, volunteer=second)
    signup_create(shift=shift, volunteer=third)
    mail.outbox.clear()

    signup_cancel(place)

    next_in_line.refresh_from_db()
    assert next_in_line.status == Status.CONFIRMED
    assert SignUp.objects.get(volunteer=third).status == Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [["person1@example.test"]]
    assert "A spot opened" in mail.outbox[0].subject


def test_cancelling_a_waitlist_place_promotes_nobody(organization):
    shift = make_shift(organization, capacity=1)
    first, second, third = people(3)
    signup_create(shift=shift, volunteer=first)
    waiting = signup_create(shift=shift, volunteer=second)
    signup_create(shift=shift, volunteer=third)
    signup_cancel(waiting)
    assert SignUp.objects.get(volunteer=third).status == Status.WAITLISTED


def test_a_volunteer_cannot_sign_up_twice(shift, volunteer):
    signup_create(shift=shift, volunteer=volunteer)
    with pytest.raises(Refusal, match="already signed up"):
        signup_create(shift=shift, volunteer=volunteer)
    assert SignUp.objects.count() == 1


def test_a_volunteer_can_sign_up_again_after_cancelling(shift, volunteer):
    signup_cancel(signup_create(shift=shift, volunteer=volunteer))
    assert signup_create(shift=shift, volunteer=volunteer).status == Status.CONFIRMED


def test_a_volunteer_cannot_hold_two_overlapping_shifts(
    organization, other_organization, volunteer
):
    start = timezone.now() + timedelta(days=2)
    signup_create(shift=make_shift(organization, start=start, hours=2), volunteer=volunteer)
    overlapping = make_shift(other_organization, start=start + timedelta(hours=1), title="Dinner")
    with pytest.raises(Refusal, match="already have a shift at that time: Community meal"):
        signup_create(shift=overlapping, volunteer=volunteer)
    back_to_back = make_shift(organization, start=start + timedelta(hours=2))
    assert signup_create(shift=back_to_back, volunteer=volunteer).status == Status.CONFIRMED


def test_signing_up_again_says_so_even_beside_an_overlapping_place(organization, volunteer):
    start = timezone.now() + timedelta(days=2)
    shift = make_shift(organization, start=start, title="Lunch")
    make_signup(make_shift(organization, start=start, title="Also lunch"), volunteer)
    make_signup(shift, volunteer)
    with pytest.raises(Refusal, match="already signed up for this shift"):
        signup_create(shift=shift, volunteer=volunteer)


def test_past_and_cancelled_shifts_take_no_sign_ups(organization, volunteer):
    past = make_shift(organization, start=timezone.now() - timedelta(hours=1))
    with pytest.raises(Refusal, match="already started"):
        signup_create(shift=past, volunteer=volunteer)
    cancelled = make_shift(organization, cancelled_at=timezone.now())
    with pytest.raises(Refusal, match="cancelled"):
        signup_create(shift=cancelled, volunteer=volunteer)
    assert not SignUp.objects.exists()


def test_requirements_need_verifications_from_the_shifts_organization(
    organization, other_organization, volunteer
):
    shift = make_shift(organization, requires_background_check=True, requires_driver=True)
    verify(volunteer, other_organization, "background_check", "driver")
    with pytest.raises(Refusal, match="requirements"):
        signup_create(shift=shift, volunteer=volunteer)
    verify(volunteer, organization, "background_check")
    with pytest.raises(Refusal):
        signup_create(shift=shift, volunteer=volunteer)
    verify(volunteer, organization, "driver")
    assert signup_create(shift=shift, volunteer=volunteer).status == Status.CONFIRMED


def test_a_verification_that_expires_before_the_shift_does_not_count(organization, volunteer):
    shift = make_shift(
        organization, start=timezone.now() + timedelta(days=10), requires_orientation=True
    )
    verify(volunteer, organization, "orientation", expires_on=timezone.localdate() + timedelta(5))
    with pytest.raises(Refusal):
        signup_create(shift=shift, volunteer=volunteer)
    Verification.objects.update(expires_on=timezone.localdate(shift.start))
    assert signup_create(shift=shift, volunteer=volunteer).status == Status.CONFIRMED


def test_a_minimum_age_needs_the_volunteer_to_confirm_it(organization, volunteer):
    shift = make_shift(organization, min_age=18)
    with pytest.raises(Refusal, match="at least 18"):
        signup_create(shift=shift, volunteer=volunteer)
    assert signup_create(shift=shift, volunteer=volunteer, age_confirmed=True)


def test_a_guest_counts_only_after_confirming_the_email(organization, volunteer):
    shift = make_shift(organization, capacity=1)
    guest = guest_signup_create(
        shift=shift, name="Gina Guest", email="Gina@Example.test", language="es"
    )
    assert guest.status == Status.PENDING
    assert guest.guest_email == "gina@example.test"
    assert mail.outbox[-1].to == ["gina@example.test"]

    # The unconfirmed guest holds no spot.
    assert signup_create(shift=shift, volunteer=volunteer).status == Status.CONFIRMED

    guest = signup_confirm(guest)
    assert guest.status == Status.WAITLISTED
    assert signup_confirm(guest).status == Status.WAITLISTED  # a second click changes nothing


def test_asking_again_as_a_guest_resends_the_link_instead_of_a_second_place(shift):
    guest_signup_create(shift=shift, name="Gina", email="gina@example.test", language="en")
    guest_signup_create(shift=shift, name="Gina", email="GINA@example.test", language="en")
    assert SignUp.objects.count() == 1
    assert len(mail.outbox) == 2


def test_asking_again_for_a_guests_place_sends_that_place_again_and_makes_no_second(shift):
    place = signup_confirm(
        guest_signup_create(shift=shift, name="Gina", email="gina@example.test", language="en")
    )
    mail.outbox.clear()
    again = guest_signup_create(shift=shift, name="Nosy", email="gina@example.test", language="en")
    assert again == place
    assert again.status == Status.CONFIRMED
    assert SignUp.objects.count() == 1
    (email,) = mail.outbox
    assert email.to == ["gina@example.test"]
    assert email.subject == "You are signed up: Community meal"


def test_a_guests_clash_with_another_shift_is_told_on_confirming_not_on_asking(organization):
    start = timezone.now() + timedelta(days=2)
    lunch = make_shift(organization, start=start, title="Lunch")
    signup_confirm(
        guest_signup_create(shift=lunch, name="Gina", email="gina@example.test", language="en")
    )
    dinner = make_shift(organization, start=start + timedelta(hours=1), title="Dinner")
    asked = guest_signup_create(shift=dinner, name="Gina", email="gina@example.test", language="en")
    assert asked.status == Status.PENDING
    with pytest.raises(Refusal, match="already have a shift at that time: Lunch"):
        signup_confirm(asked)
    asked.refresh_from_db()
    assert asked.status == Status.PENDING
    # Unconfirmed places clash with nothing: of two overlapping requests, the first
    # confirmed wins.
    breakfast = make_shift(organization, start=start + timedelta(days=1), title="Breakfast")
    brunch = make_shift(organization, start=start + timedelta(days=1, hours=1), title="Brunch")
    first, second = [
        guest_signup_create(shift=s, name="Gina", email="gina@example.test", language="en")
        for s in (brunch, breakfast)
    ]
    assert signup_confirm(first).status == Status.CONFIRMED
    with pytest.raises(Refusal, match="at that time: Brunch"):
        signup_confirm(second)


def test_a_shift_with_requirements_takes_no_guests(organization):
    shift = make_shift(organization, min_age=16)
    with pytest.raises(Refusal, match="log in"):
        guest_signup_create(shift=shift, name="Gina", email="gina@example.test", language="en")


@time_machine.travel(NOW, tick=False)
def test_volunteers_cannot_cancel_after_the_organizations_cut_off(organization, volunteer):
    ShiftPolicy.objects.create(organization=organization, cancel_cutoff_hours=48)
    shift = make_shift(organization, start=at(1, 17))
    signup = make_signup(shift, volunteer)
    with pytest.raises(Refusal, match="too close to the start"):
        signup_cancel(signup)
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    # The coordinator can still take them off the roster.
    signup_remove(signup)
    signup.refresh_from_db()
    assert signup.status == Status.CANCELLED


@time_machine.travel(NOW, tick=False)
def test_the_default_cut_off_is_twelve_hours(organization, volunteer):
    early = make_signup(make_shift(organization, start=at(0, 22)), volunteer)
    late = make_signup(make_shift(organization, start=at(0, 20)), make_user("b@example.test"))
    assert early.can_cancel() is True
    assert late.can_cancel() is False


def test_a_waitlist_place_can_be_left_after_the_cut_off(organization, volunteer):
    shift = make_shift(organization, start=timezone.now() + timedelta(hours=2))
    signup = make_signup(shift, volunteer, status=Status.WAITLISTED)
    signup_cancel(signup)
    signup.refresh_from_db()
    assert signup.status == Status.CANCELLED


def test_no_one_is_promoted_once_the_shift_has_started(organization, volunteer):
    shift = make_shift(organization, start=timezone.now() - timedelta(minutes=5), capacity=1)
    place = make_signup(shift, make_user("a@example.test"))
    waiting = make_signup(shift, volunteer, status=Status.WAITLISTED)
    signup_remove(place)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_the_database_refuses_two_active_places_for_one_volunteer(shift, volunteer):
    make_signup(shift, volunteer)
    make_signup(shift, volunteer, status=Status.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_signup(shift, volunteer, status=Status.WAITLISTED)


def run_queued_tasks():
    """Run what the queue holds, in order, as the worker would once it gets to it."""
    queued = default_task_backend.results[:]
    default_task_backend.clear()
    for result in queued:
        result.task.call(*result.args, **result.kwargs)


@pytest.fixture
def slow_worker(settings):
    """A queue that holds tasks until run_queued_tasks() runs them."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_an_email_about_a_place_cancelled_before_it_went_out_is_not_sent(
    slow_worker, shift, volunteer
):
    place = signup_create(shift=shift, volunteer=volunteer)
    signup_cancel(place)
    run_queued_tasks()
    assert mail.outbox == []


def test_a_waitlist_email_overtaken_by_a_free_spot_leaves_only_the_good_news(
    slow_worker, organization
):
    shift = make_shift(organization, capacity=1)
    first, second = people(2)
    place = signup_create(shift=shift, volunteer=first)
    signup_create(shift=shift, volunteer=second)
    signup_cancel(place)
    run_queued_tasks()
    assert [(email.to, email.subject) for email in mail.outbox] == [
        (["person1@example.test"], "A spot opened: you are confirmed for Community meal")
    ]
