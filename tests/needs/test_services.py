import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from needs import services
from needs.models import Need, Pledge, Receipt

from .conftest import in_days, make_pledge

pytestmark = pytest.mark.django_db


def totals(need):
    need.refresh_from_db()
    return need.quantity_pledged, need.quantity_received, need.status


def test_a_logged_in_donors_pledge_counts_at_once_and_is_emailed(need, donor, dropoff):
    pledge = make_pledge(need, donor=donor, quantity=4)
    assert pledge.status == Pledge.Status.CONFIRMED
    assert totals(need) == (4, 0, "open")
    (email,) = mail.outbox
    assert email.to == ["donor@example.test"]
    assert "What: 4" in email.body
    assert "Hygiene kits" in email.body
    assert "Front office, 12 Main St" in email.body
    assert "/needs/pledges/" in email.body


def test_a_guest_pledge_counts_only_once_confirmed(need):
    pledge = make_pledge(need, quantity=3)
    assert pledge.status == Pledge.Status.PENDING
    assert totals(need) == (0, 0, "open")
    assert mail.outbox[0].to == ["gail@example.test"]
    assert "confirm" in mail.outbox[0].subject.lower()

    services.pledge_confirm(pledge)
    assert totals(need) == (3, 0, "open")
    assert "Thank you" in mail.outbox[1].subject


def test_nobody_can_pledge_more_than_is_open(need, donor):
    make_pledge(need, donor=donor, quantity=8)
    with pytest.raises(services.NotEnoughOpen) as refused:
        make_pledge(need, donor=donor, quantity=3)
    assert refused.value.open_quantity == 2
    assert totals(need) == (8, 0, "open")


def test_a_guest_confirming_after_the_units_went_elsewhere_is_refused(need, donor):
    guest = make_pledge(need, quantity=5)
    make_pledge(need, donor=donor, quantity=7)
    with pytest.raises(services.NotEnoughOpen) as refused:
        services.pledge_confirm(guest)
    assert refused.value.open_quantity == 3
    guest.refresh_from_db()
    assert guest.status == Pledge.Status.PENDING
    assert totals(need) == (7, 0, "open")


def test_confirming_twice_counts_once(need):
    pledge = make_pledge(need, quantity=3)
    services.pledge_confirm(pledge)
    with pytest.raises(services.PledgeStateError):
        services.pledge_confirm(pledge)
    assert totals(need) == (3, 0, "open")


def test_a_paused_need_takes_no_pledges(need, donor):
    need.status = Need.Status.PAUSED
    need.save()
    with pytest.raises(services.PledgeStateError):
        make_pledge(need, donor=donor)


def test_changing_a_pledge_moves_only_the_difference(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=4)
    make_pledge(need, donor=donor, quantity=5)
    services.pledge_change(
        pledge, quantity=5, method=Pledge.Method.SHIPPING, expected_on=in_days(5)
    )
    assert totals(need) == (10, 0, "open")
    with pytest.raises(services.NotEnoughOpen) as refused:
        services.pledge_change(
            pledge, quantity=6, method=Pledge.Method.SHIPPING, expected_on=in_days(5)
        )
    assert refused.value.open_quantity == 5
    assert totals(need) == (10, 0, "open")
    assert "updated" in mail.outbox[-1].subject


def test_a_new_expected_date_earns_a_new_reminder(need, donor):
    pledge = make_pledge(need, donor=donor)
    Pledge.objects.filter(pk=pledge.pk).update(reminded_at="2026-01-01T00:00Z")
    pledge.refresh_from_db()
    services.pledge_change(pledge, quantity=2, method=pledge.method, expected_on=in_days(9))
    pledge.refresh_from_db()
    assert pledge.reminded_at is None


def test_cancelling_opens_the_units_again(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.pledge_cancel(pledge)
    assert totals(need) == (0, 0, "open")
    with pytest.raises(services.PledgeStateError):
        services.pledge_cancel(pledge)
    assert totals(need) == (0, 0, "open")


def test_receiving_in_parts_moves_units_from_pledged_to_received(need, donor, coordinator):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.pledge_receive(pledge, quantity=1, recorded_by=coordinator)
    assert totals(need) == (3, 1, "open")
    pledge.refresh_from_db()
    assert (pledge.delivered, pledge.status, pledge.outstanding) == (1, "confirmed", 3)

    services.pledge_receive(pledge, quantity=3, recorded_by=coordinator)
    assert totals(need) == (0, 4, "open")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DELIVERED
    assert list(Receipt.objects.values_list("quantity", flat=True).order_by("pk")) == [1, 3]


def test_receiving_more_than_outstanding_is_refused(need, donor, coordinator):
    pledge = make_pledge(need, donor=donor, quantity=2)
    with pytest.raises(ValueError):
        services.pledge_receive(pledge, quantity=3, recorded_by=coordinator)
    assert totals(need) == (2, 0, "open")


def test_a_need_closes_itself_when_everything_arrived_and_reopens_when_raised(
    need, donor, coordinator
):
    pledge = make_pledge(need, donor=donor, quantity=6)
    services.walk_in_record(need=need, quantity=4, note="Church drive", recorded_by=coordinator)
    assert totals(need) == (6, 4, "open")
    services.pledge_receive(pledge, quantity=6, recorded_by=coordinator)
    assert totals(need) == (0, 10, "fulfilled")

    services.need_update(need, quantity_needed=15)
    assert totals(need) == (0, 10, "open")


def test_a_coordinators_edit_never_overwrites_the_totals(need, donor):
    stale = Need.objects.get(pk=need.pk)
    make_pledge(need, donor=donor, quantity=3)
    services.need_update(stale, title="Hygiene kits (travel size)")
    need.refresh_from_db()
    assert need.title == "Hygiene kits (travel size)"
    assert need.quantity_pledged == 3


def test_an_overdue_pledge_is_released_only_after_the_grace_period(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=4, expected_on=in_days(-3))
    with pytest.raises(services.PledgeStateError):
        services.pledge_release(pledge)
    with time_machine.travel(in_days(6).isoformat()):
        services.pledge_release(pledge)
    assert totals(need) == (0, 0, "open")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RELEASED
    assert "released" in mail.outbox[-1].subject


def test_a_partly_delivered_pledge_keeps_what_arrived_when_cancelled(need, donor, coordinator):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.pledge_receive(pledge, quantity=1, recorded_by=coordinator)
    services.pledge_cancel(pledge)
    assert totals(need) == (0, 1, "open")


def test_a_failed_email_is_logged_and_the_pledge_kept(need, donor, monkeypatch, caplog):
    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "send_templated_email", mail_server_down)
    pledge = make_pledge(need, donor=donor)
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    assert "Could not send pledge_confirmed" in caplog.text


def test_deleting_a_donor_account_keeps_the_pledge_anonymous(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=3)
    donor.delete()
    pledge.refresh_from_db()
    assert pledge.donor is None
    assert pledge.contact_email == ""
    assert totals(need) == (3, 0, "open")


def test_the_database_refuses_impossible_numbers(need):
    with pytest.raises(IntegrityError):
        Need.objects.filter(pk=need.pk).update(quantity_needed=0)


def test_a_partly_delivered_pledge_may_grow_only_into_what_is_open(need, donor, coordinator):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.pledge_receive(pledge, quantity=3, recorded_by=coordinator)
    make_pledge(need, donor=donor, quantity=5)
    with pytest.raises(services.NotEnoughOpen) as refused:
        services.pledge_change(pledge, quantity=7, method=pledge.method, expected_on=in_days(2))
    # Its 3 arrived and 1 outstanding, and the 1 unit nobody pledged.
    assert refused.value.open_quantity == 5


def test_a_pledge_to_a_paused_need_may_shrink_but_not_grow(need, donor):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.need_update(need, status=Need.Status.PAUSED)
    with pytest.raises(services.NotEnoughOpen):
        services.pledge_change(pledge, quantity=5, method=pledge.method, expected_on=in_days(2))
    services.pledge_change(pledge, quantity=2, method=pledge.method, expected_on=in_days(2))
    assert totals(need) == (2, 0, "paused")


def test_a_walk_in_never_takes_more_than_is_open(need, donor, coordinator):
    make_pledge(need, donor=donor, quantity=6)
    with pytest.raises(services.NotEnoughOpen) as refused:
        services.walk_in_record(need=need, quantity=5, recorded_by=coordinator)
    assert refused.value.open_quantity == 4
    assert not Receipt.objects.exists()
    services.walk_in_record(need=need, quantity=4, recorded_by=coordinator)
    assert totals(need) == (6, 4, "open")
