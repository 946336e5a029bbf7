"""A need pledged in full thanks the viewer for their share, and only the viewer."""

import pytest
from django.test import Client

from needs import services
from tests.conftest import make_user

from .conftest import in_days, make_pledge

pytestmark = pytest.mark.django_db

YOURS = "Pledged in full, yours included. Thank you!"
OTHERS = "Others have pledged all of it."


def test_pledging_the_last_units_is_recognised_as_yours(client, need, donor):
    make_pledge(need, donor=donor, quantity=4)
    make_pledge(need, donor=make_user("someone@example.test"), quantity=2)
    client.force_login(donor)
    response = client.post(
        need.get_absolute_url(),
        {"quantity": "4", "method": "drop_off", "expected_on": in_days(4).isoformat()},
    )
    assert response.status_code == 302
    page = client.get(need.get_absolute_url()).text
    assert YOURS in page
    assert OTHERS not in page


@pytest.mark.parametrize("status", ["confirmed", "delivered"])
def test_a_share_that_arrived_already_counts_as_yours(client, need, donor, coordinator, status):
    mine = make_pledge(need, donor=donor, quantity=4)
    if status == "delivered":
        services.pledge_receive(mine, quantity=4, recorded_by=coordinator)
    make_pledge(need, donor=make_user("someone@example.test"), quantity=6)
    client.force_login(donor)
    assert YOURS in client.get(need.get_absolute_url()).text


def test_a_cancelled_pledge_is_not_a_share(client, need, donor):
    services.pledge_cancel(make_pledge(need, donor=donor, quantity=4))
    make_pledge(need, donor=make_user("someone@example.test"), quantity=10)
    client.force_login(donor)
    page = client.get(need.get_absolute_url()).text
    assert OTHERS in page
    assert YOURS not in page


def test_a_pledge_cancelled_after_part_arrived_still_counts_as_yours(
    client, need, donor, coordinator
):
    mine = make_pledge(need, donor=donor, quantity=3)
    services.pledge_receive(mine, quantity=2, recorded_by=coordinator)
    services.pledge_cancel(mine)
    make_pledge(need, donor=make_user("someone@example.test"), quantity=8)
    client.force_login(donor)
    page = client.get(need.get_absolute_url()).text
    assert YOURS in page
    assert OTHERS not in page


def test_everyone_else_still_reads_others(client, need, donor):
    make_pledge(need, donor=donor, quantity=10)
    anonymous, stranger = Client(), Client()
    stranger.force_login(make_user("stranger@example.test"))
    client.force_login(donor)
    # Anonymous first, then the donor, then anonymous again: no page is shared.
    for viewer, expected, not_expected in [
        (anonymous, OTHERS, YOURS),
        (client, YOURS, OTHERS),
        (anonymous, OTHERS, YOURS),
        (stranger, OTHERS, YOURS),
        (client, YOURS, OTHERS),
    ]:
        page = viewer.get(need.get_absolute_url()).text
        assert expected in page
        assert not_expected not in page
