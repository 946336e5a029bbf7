"""Donors racing for the last units: each thread has its own database connection,
and every one reads the need before anyone writes, so only a real lock keeps the
totals right. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection

from core.models import Organization
from needs import services
from needs.models import Need, Pledge
from tests.conftest import make_user

from .conftest import in_days, make_need

pytestmark = pytest.mark.django_db(transaction=True)


def slow_need_reads(execute, sql, params, many, context):
    """Widen the race: linger after reading the need, before writing it."""
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith("SELECT") and '"needs_need"' in sql:
        time.sleep(0.2)
    return result


def race(need, donors, quantity, *, guest_pledges=None):
    """Every donor pledges `quantity` at the same moment; returns what each one got."""
    start = threading.Barrier(len(donors))
    outcomes = []

    def pledge(donor, guest_pledge):
        try:
            with connection.execute_wrapper(slow_need_reads):
                start.wait()
                if guest_pledge is not None:
                    services.pledge_confirm(guest_pledge)
                else:
                    services.pledge_create(
                        need=need,
                        quantity=quantity,
                        method=Pledge.Method.DROP_OFF,
                        expected_on=in_days(2),
                        donor=donor,
                    )
            outcomes.append("yes")
        except services.NotEnoughOpen:
            outcomes.append("full")
        finally:
            connection.close()

    guest_pledges = guest_pledges or [None] * len(donors)
    threads = [
        threading.Thread(target=pledge, args=(donor, guest_pledge))
        for donor, guest_pledge in zip(donors, guest_pledges, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def racing_need(transactional_db):
    organization = Organization.objects.create(
        name="Harbor House", slug="harbor-house", summary="Shelter.", is_published=True
    )
    return make_need(organization, title="Twin sheets", quantity_needed=5)


@pytest.fixture
def donors(transactional_db):
    return [make_user(f"donor{i}@example.test") for i in range(4)]


def test_two_donors_racing_for_the_last_three_get_one_yes_and_one_no(racing_need, donors):
    services.pledge_create(
        need=racing_need,
        quantity=2,
        method=Pledge.Method.DROP_OFF,
        expected_on=in_days(2),
        donor=donors[0],
    )
    assert race(racing_need, donors[1:3], 3) == ["full", "yes"]
    racing_need.refresh_from_db()
    assert racing_need.quantity_pledged == 5
    assert Pledge.objects.counting().count() == 2


def test_four_donors_racing_never_over_pledge(racing_need, donors):
    assert race(racing_need, donors, 2) == ["full", "full", "yes", "yes"]
    racing_need.refresh_from_db()
    assert racing_need.quantity_pledged == 4
    assert sum(Pledge.objects.counting().values_list("quantity", flat=True)) == 4


def test_guests_confirming_at_the_same_moment_never_over_pledge(racing_need):
    guests = [
        services.pledge_create(
            need=racing_need,
            quantity=3,
            method=Pledge.Method.DROP_OFF,
            expected_on=in_days(2),
            name=f"Guest {i}",
            email=f"guest{i}@example.test",
        )
        for i in range(2)
    ]
    assert race(racing_need, [None, None], 3, guest_pledges=guests) == ["full", "yes"]
    need = Need.objects.get(pk=racing_need.pk)
    assert need.quantity_pledged == 3
