"""iCalendar files: one shift, or a volunteer's private feed. Public details only: a
ride's pickup point and contact never leave the site."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from core.lib.email import absolute_url

from .models import SignUp

# Past shifts stay in the feed this long, so a calendar keeps recent history.
FEED_HISTORY = timedelta(days=90)
# How often a subscribed calendar should fetch the feed again.
FEED_REFRESH = timedelta(hours=1)
# An event's SEQUENCE must grow whenever it changes, so that calendars take the new
# version: the seconds from this moment to its last change do, and stay well within
# the 32-bit integer calendar programs keep it in.
SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _host():
    return settings.SITE_URL.split("://")[-1]


def _event(shift):
    tz = ZoneInfo(settings.TIME_ZONE)
    url = absolute_url(shift.get_absolute_url())
    lines = [shift.organization.name, shift.get_kind_display()]
    if shift.is_transport:
        lines.append(f"{shift.get_destination_display()} · {shift.place}")
    if shift.description:
        lines.append(shift.description)
    lines.append(url)
    event = Event.new(
        uid=f"shift-{shift.pk}@{_host()}",
        summary=shift.title,
        start=shift.start.astimezone(tz),
        end=shift.end.astimezone(tz),
        location=shift.place,
        description="\n".join(lines),
        url=url,
        last_modified=shift.updated_at,
        sequence=max(0, int((shift.updated_at - SEQUENCE_EPOCH).total_seconds())),
        status="CANCELLED" if shift.is_cancelled else "CONFIRMED",
    )
    return event


def _calendar(shifts, uid, **properties):
    calendar = Calendar.new(uid=uid, prodid="-//Hearth//Volunteer shifts//EN", **properties)
    for shift in shifts:
        calendar.add_component(_event(shift))
    calendar.add_missing_timezones()
    return calendar


def single(shift):
    """One event to add to a calendar. Unnamed: a named file is a calendar of its own to
    Outlook, which would open it beside the person's calendar instead of adding to it."""
    return _calendar([shift], uid=f"shift-{shift.pk}-file@{_host()}")


def feed(user):
    """The volunteer's confirmed shifts, upcoming and recent; cancelled shifts stay as
    cancelled events so that calendars remove them."""
    signups = (
        SignUp.objects.filter(
            volunteer=user,
            status=SignUp.Status.CONFIRMED,
            shift__end__gt=timezone.now() - FEED_HISTORY,
        )
        .select_related("shift__organization")
        .order_by("shift__start")
    )
    return _calendar(
        [signup.shift for signup in signups],
        uid=f"feed-{user.pk}@{_host()}",
        name="Hearth",
        refresh_interval=FEED_REFRESH,
    )


def response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
