"""The hours report for grant applications: hours served per volunteer and per month."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX

from .forms import local_midnight
from .models import SignUp
from .resources import HoursResource

FORMATS = {"csv": CSV, "xlsx": XLSX}


def hours_by_volunteer_and_month(organization, start, end):
    """One row per volunteer and month with hours credited, in one query.

    Volunteers who deleted their account are one "Deleted account" row per month,
    so their hours stay in the totals without saying who they were.
    """
    signups = (
        SignUp.objects.filter(
            shift__organization=organization,
            status=SignUp.Status.CONFIRMED,
            shift__cancelled_at__isnull=True,
            shift__start__gte=local_midnight(start),
            shift__start__lt=local_midnight(end + timedelta(days=1)),
        )
        .select_related("shift", "volunteer")
        .order_by("shift__start")
    )
    now = timezone.now()
    totals = defaultdict(lambda: {"shifts": 0, "hours": Decimal(0)})
    for signup in signups:
        hours = signup.credited_hours(now)
        if not hours:
            continue
        if signup.volunteer_id:
            who = ("user", signup.volunteer_id)
        elif signup.guest_email:
            who = ("guest", signup.guest_email)
        else:
            who = ("deleted", None)
        month = timezone.localtime(signup.shift.start).date().replace(day=1)
        row = totals[(who, month)]
        row.setdefault("name", signup.display_name)
        row.setdefault("email", signup.email)
        row["month"] = month
        row["shifts"] += 1
        row["hours"] += hours
    for row in totals.values():
        row["hours"] = row["hours"].quantize(Decimal("0.01"))
    return sorted(totals.values(), key=lambda row: (row["name"].lower(), row["month"]))


def export(rows, name):
    """The rows as a CSV or XLSX file: (content type, bytes or text).

    The text cells are made inert by the resource itself, so the dataset goes to
    tablib directly: import-export's own formula escaping (a setting) turns every
    cell into text, and a grant report's hours must stay numbers a spreadsheet adds up.
    """
    export_format = FORMATS[name]()
    dataset = HoursResource().export(rows, force_native_type=export_format.is_binary())
    return export_format.get_content_type(), dataset.export(name)
