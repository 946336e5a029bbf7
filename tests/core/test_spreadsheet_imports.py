"""A spreadsheet preview imports once, however it is sent again: a double click, Back and
"Import" once more, or both at the same moment through two app servers.

Like tests/test_scale_out.py, these start two real gunicorns on the test database; the
record that a preview was imported is in the table that they share.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.lib.sessions import session_for
from needs.models import Need
from tests import spreadsheet_helpers as sheets
from volunteers.models import Shift

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 40
# Three clicks through each server, all at once.
ATTEMPTS = 6


def shift_file():
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    headers = ["kind", "title", "date", "start_time", "end_time", "place", "capacity"]
    rows = [
        ["other", f"Sort donations, table {n}", day, "09:00", "11:00", "Warehouse", "2"]
        for n in range(ROWS)
    ]
    return sheets.csv_file(rows, headers, "shifts.csv")


def need_file():
    headers = ["title", "category", "quantity_needed"]
    rows = [[f"Hygiene kit {n}", "hygiene", "5"] for n in range(ROWS)]
    return sheets.csv_file(rows, headers, "needs.csv")


CASES = {
    "shifts": ("volunteers:shift_import", "volunteers:manage_shifts", Shift, shift_file),
    "needs": ("needs:needs_import", "needs:manage_needs", Need, need_file),
}


@pytest.mark.parametrize("case", CASES)
def test_one_preview_sent_at_once_through_two_servers_is_imported_once(
    servers, client, coordinator, organization, case
):
    import_name, done_name, model, make_file = CASES[case]
    import_path = reverse(import_name, args=[organization.slug])
    done_path = reverse(done_name, args=[organization.slug])
    client.force_login(coordinator)
    preview = client.post(import_path, {"file": make_file()})
    assert f"All {ROWS} lines are valid. Nothing is saved yet." in preview.text
    payload = sheets.payload_of(preview)
    session = session_for(coordinator)

    def import_preview(server):
        return server.post(import_path, {"payload": payload}, session=session)

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        answers = list(
            pool.map(import_preview, [servers[n % 2] for n in range(ATTEMPTS)], timeout=60)
        )

    assert [(answer.status, answer.location) for answer in answers] == [(302, done_path)] * ATTEMPTS
    assert model.objects.filter(organization=organization).count() == ROWS

    # What each click's browser shows next: the list, with that click's message.
    told = []
    for answer in answers:
        client.cookies["messages"] = answer.cookies["messages"]
        page = client.get(answer.location).text
        told.append(
            "imported"
            if f"Imported {ROWS} lines." in page
            else "already"
            if f"These {ROWS} lines were already imported. Nothing was imported again." in page
            else page
        )
    assert sorted(told) == ["already"] * (ATTEMPTS - 1) + ["imported"]
