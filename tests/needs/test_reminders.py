import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from needs import services, tasks
from needs.models import CONFIRMATION_MAX_AGE, Pledge
from tests.conftest import MIDDAY, make_user

from .conftest import in_days, make_pledge, pledge_linked_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=3, expected_on=in_days(-1))
    mail.outbox.clear()
    return pledge


def test_a_pledge_past_its_date_gets_one_reminder_however_often_the_sweep_runs(overdue):
    assert tasks.sweep_pledges() == (1, 0)
    assert tasks.sweep_pledges() == (0, 0)
    (reminder,) = mail.outbox
    assert reminder.to == ["donor@example.test"]
    assert "Reminder" in reminder.subject
    assert "3 \N{MULTIPLICATION SIGN} Hygiene kits" in reminder.body
    assert pledge_linked_from(reminder.body) == overdue
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None


def test_a_spanish_donors_reminder_is_spanish_down_to_its_links(need):
    lucia = make_user("lucia@example.test", "Lucía", language="es")
    make_pledge(need, donor=lucia, quantity=3, expected_on=in_days(-1))
    mail.outbox.clear()
    tasks.sweep_pledges()  # a background task: no request, English active
    (reminder,) = mail.outbox
    assert reminder.subject == "Recordatorio: su promesa de donación de Hygiene kits"
    links = re.findall(r"http://\S+", reminder.body)
    assert links
    assert all(link.startswith("http://127.0.0.1:8000/es/") for link in links), links


def test_a_second_run_of_the_same_reminder_sends_nothing(overdue):
    assert tasks.send_pledge_reminder.call(overdue.pk) is True
    assert tasks.send_pledge_reminder.call(overdue.pk) is False
    assert len(mail.outbox) == 1


@time_machine.travel(MIDDAY, tick=False)
def test_no_reminder_before_the_date_or_once_delivered_or_cancelled(need, donor, coordinator):
    make_pledge(need, donor=donor, expected_on=in_days(0))
    delivered = make_pledge(need, donor=donor, quantity=1, expected_on=in_days(-2))
    services.pledge_receive(delivered, quantity=1, recorded_by=coordinator)
    services.pledge_cancel(make_pledge(need, donor=donor, quantity=1, expected_on=in_days(-2)))
    make_pledge(need, quantity=1, expected_on=in_days(-2))  # a guest who never confirmed
    mail.outbox.clear()
    assert tasks.sweep_pledges()[0] == 0
    with time_machine.travel(in_days(1).isoformat() + "T12:00-06:00"):
        assert tasks.sweep_pledges()[0] == 1
    assert len(mail.outbox) == 1


def test_a_reminder_that_could_not_be_sent_is_tried_again(overdue, monkeypatch):
    monkeypatch.setattr(services, "send_templated_email", broken_mail)
    assert tasks.sweep_pledges() == (1, 0)
    overdue.refresh_from_db()
    assert overdue.reminded_at is None
    monkeypatch.undo()
    tasks.sweep_pledges()
    assert len(mail.outbox) == 1


def broken_mail(*args, **kwargs):
    raise OSError("mail server down")


def test_unconfirmed_guest_pledges_are_purged_after_the_confirmation_window(need):
    old = make_pledge(need, quantity=1)
    with time_machine.travel(timezone.now() + CONFIRMATION_MAX_AGE + timedelta(hours=1)):
        fresh = make_pledge(need, quantity=1)
        assert tasks.sweep_pledges() == (0, 1)
    assert list(Pledge.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Pledge.objects.filter(pk=old.pk).exists()


def test_the_command_runs_the_sweep_for_cron(overdue):
    out = io.StringIO()
    call_command("send_pledge_reminders", stdout=out)
    assert "1 reminder(s) enqueued, 0 unconfirmed pledge(s) purged." in out.getvalue()
    assert len(mail.outbox) == 1
