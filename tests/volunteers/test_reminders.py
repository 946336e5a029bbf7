"""Reminders: sent once a day ahead, never twice, never lost, never for a stale time."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from tests.conftest import make_user
from volunteers import tasks
from volunteers.models import SignUp
from volunteers.services import shift_cancel, shift_update, signup_cancel, signup_create

from .conftest import at, make_ride, make_shift, make_signup, verify

pytestmark = pytest.mark.django_db

TOMORROW_5PM = at(1, 17)
DUE = at(0, 17, 30)  # less than 24 hours before TOMORROW_5PM


@pytest.fixture
def place(organization, volunteer):
    with time_machine.travel(at(0, 9), tick=False):
        signup = signup_create(
            shift=make_shift(organization, start=TOMORROW_5PM), volunteer=volunteer
        )
    mail.outbox.clear()
    return signup


def reminders():
    return [m for m in mail.outbox if "Still coming?" in m.subject]


def test_the_reminder_goes_out_once_even_when_sent_twice(place):
    with time_machine.travel(DUE, tick=False):
        assert tasks.remind(place.pk, TOMORROW_5PM) is True
        assert tasks.remind(place.pk, TOMORROW_5PM) is False
        assert tasks.sweep_due_reminders() == 0
    assert len(reminders()) == 1
    place.refresh_from_db()
    assert place.reminded_for == TOMORROW_5PM


def test_the_reminder_asks_still_coming_with_yes_and_cant_make_it_links(place):
    with time_machine.travel(DUE, tick=False):
        tasks.remind(place.pk, TOMORROW_5PM)
    (email,) = reminders()
    text = email.body
    assert "?answer=yes" in text
    assert "?answer=no" in text
    html = email.alternatives[0].content
    assert "Yes, I am coming" in html
    assert "I can&#x27;t make it" in html or "I can't make it" in html


def test_no_reminder_before_it_is_due(place):
    with time_machine.travel(at(0, 16), tick=False):
        assert tasks.remind(place.pk, TOMORROW_5PM) is False
        assert tasks.sweep_due_reminders() == 0
    assert reminders() == []


def test_no_reminder_for_a_cancelled_place(place):
    with time_machine.travel(at(0, 10), tick=False):
        signup_cancel(place)
    with time_machine.travel(DUE, tick=False):
        assert tasks.remind(place.pk, TOMORROW_5PM) is False
        assert tasks.sweep_due_reminders() == 0
    assert reminders() == []


def test_no_reminder_for_a_cancelled_shift(place):
    with time_machine.travel(at(0, 10), tick=False):
        shift_cancel(place.shift)
    with time_machine.travel(DUE, tick=False):
        assert tasks.sweep_due_reminders() == 0
    assert reminders() == []


def test_a_moved_shift_is_reminded_at_its_new_time_only(place):
    shift = place.shift
    with time_machine.travel(at(0, 10), tick=False):
        before = SignUp.objects.get(pk=place.pk).shift
        shift.start, shift.end = at(2, 17), at(2, 19)
        shift_update(shift=shift, before=before)
    assert "Changed:" in mail.outbox[-1].subject
    with time_machine.travel(DUE, tick=False):
        # The task queued for the old time finds the start changed.
        assert tasks.remind(place.pk, TOMORROW_5PM) is False
        assert tasks.sweep_due_reminders() == 0
    with time_machine.travel(at(1, 17, 30), tick=False):
        assert tasks.sweep_due_reminders() == 1
    assert len(reminders()) == 1


def test_the_sweep_sends_what_a_dead_worker_left_behind(place, organization):
    other = make_signup(
        make_shift(organization, start=at(1, 15), title="Lunch"),
        make_user("other@example.test"),
    )
    far = make_signup(make_shift(organization, start=at(5, 17)), make_user("far@example.test"))
    with time_machine.travel(DUE, tick=False):
        assert tasks.sweep_due_reminders() == 2
    assert sorted(m.to[0] for m in reminders()) == ["other@example.test", "volunteer@example.test"]
    far.refresh_from_db()
    other.refresh_from_db()
    assert far.reminded_for is None
    assert other.reminded_for == at(1, 15)


def test_a_failed_send_is_not_recorded_so_the_next_sweep_retries(place, monkeypatch):
    def broken(self, messages):
        raise ConnectionError("SMTP server went away")

    with time_machine.travel(DUE, tick=False):
        monkeypatch.setattr(EmailBackend, "send_messages", broken)
        assert tasks.sweep_due_reminders() == 0
        place.refresh_from_db()
        assert place.reminded_for is None
        monkeypatch.undo()
        assert tasks.sweep_due_reminders() == 1
    assert len(reminders()) == 1


def test_signing_up_less_than_a_day_ahead_needs_no_separate_reminder(organization, volunteer):
    with time_machine.travel(DUE, tick=False):
        signup = signup_create(
            shift=make_shift(organization, start=TOMORROW_5PM), volunteer=volunteer
        )
        assert signup.reminded_for == TOMORROW_5PM
        assert tasks.sweep_due_reminders() == 0
    assert reminders() == []


def test_a_ride_reminder_keeps_the_pickup_point_private(organization, volunteer):
    verify(volunteer, organization, "driver")
    with time_machine.travel(at(0, 9), tick=False):
        ride = make_ride(organization, start=TOMORROW_5PM)
        signup_create(shift=ride, volunteer=volunteer)
    with time_machine.travel(DUE, tick=False):
        tasks.sweep_due_reminders()
    for email in mail.outbox:
        assert "Plaza library" not in email.body
        assert "Plaza library" not in email.alternatives[0].content
        assert "Front desk" not in email.body


def test_with_the_database_backend_a_sign_up_queues_its_email_only_and_the_sweep_reminds(
    settings, organization, volunteer
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(at(0, 9), tick=False):
        signup_create(shift=make_shift(organization, start=at(3, 17)), volunteer=volunteer)
    assert [task.task_path for task in DBTaskResult.objects.all()] == [
        "volunteers.tasks.send_signup_email"
    ]
    with time_machine.travel(at(2, 16, 50), tick=False):  # a day and ten minutes ahead
        assert tasks.sweep_due_reminders() == 0
    with time_machine.travel(at(2, 17, 5), tick=False):
        assert tasks.sweep_due_reminders() == 1
    assert len(reminders()) == 1


def test_the_periodic_sweep_queues_its_next_run_and_an_older_chain_stops(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(at(0, 9), tick=False):
        tasks.start_reminder_sweeps()
        (first,) = DBTaskResult.objects.all()
        old_chain = first.task_result.args[0]
        tasks.sweep_reminders.call(old_chain)
        assert DBTaskResult.objects.exclude(pk=first.pk).get().run_after == at(0, 9) + timedelta(
            minutes=10
        )
        tasks.start_reminder_sweeps()  # e.g. the server started again
        tasks.sweep_reminders.call(old_chain)
        assert DBTaskResult.objects.count() == 3  # the old chain did not queue another run


def test_a_failed_sweep_still_queues_the_next_one(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def database_away():
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(tasks, "sweep_due_reminders", database_away)
    with time_machine.travel(at(0, 9), tick=False):
        tasks.start_reminder_sweeps()
        (first,) = DBTaskResult.objects.all()
        with pytest.raises(OperationalError):
            tasks.sweep_reminders.call(first.task_result.args[0])
    assert DBTaskResult.objects.exclude(pk=first.pk).get().run_after == at(0, 9, 10)


def test_the_management_command_sweeps_for_cron(place, capsys):
    with time_machine.travel(DUE, tick=False):
        call_command("shift_reminders")
    assert "Reminders sent: 1." in capsys.readouterr().out
    assert len(reminders()) == 1
