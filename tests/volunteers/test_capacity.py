"""Capacity is never exceeded, even when many people race for the last spots."""

import threading

import pytest
from django.db import connection

from tests.conftest import make_user
from volunteers.models import SignUp
from volunteers.services import signup_create

from .conftest import make_shift


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_sign_ups_for_five_spots_give_five_confirmed_and_25_waitlisted(
    organization,
):
    shift = make_shift(organization, capacity=5)
    volunteers = [make_user(f"racer{i}@example.test") for i in range(30)]
    barrier = threading.Barrier(len(volunteers))
    errors = []

    def sign_up(volunteer):
        try:
            barrier.wait()
            signup_create(shift=shift, volunteer=volunteer)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=sign_up, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(SignUp.objects.filter(shift=shift).values_list("status", flat=True))
    assert statuses.count(SignUp.Status.CONFIRMED) == 5
    assert statuses.count(SignUp.Status.WAITLISTED) == 25
