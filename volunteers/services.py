"""Workflows that span several rows: sign up, confirm, cancel and promote, change or
cancel a shift, grant a verification.

Capacity is held by locking the shift's row for the length of each workflow that
counts or changes its confirmed places: `Shift.objects.select_for_update()` is a
row lock on PostgreSQL, so concurrent sign-ups for one shift run one after the
other and each counts what the previous one committed. SQLite ignores FOR
UPDATE, but there every write transaction starts with BEGIN IMMEDIATE (see
settings), which serialises writers the same way.
"""

import copy
from datetime import timedelta

from django.db import transaction
from django.db.models import BigIntegerField, Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.lib.prepared import Parameter, PreparedQuery

from . import tasks
from .models import (
    REMINDER_LEAD,
    SHIFT_DETAIL_FIELDS,
    Shift,
    ShiftSeries,
    SignUp,
    TransportDetails,
    Verification,
    places_at_the_time_of,
)

# Changes to these fields are worth an email to the people coming.
NOTIFY_FIELDS = {"title", "start", "end", "place", "pickup_window_minutes", "destination"}


class Refusal(Exception):
    """What the rules refuse, in a sentence to show the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def missing_verifications(shift, volunteer):
    """The verifications the shift needs that the volunteer lacks on the shift's day."""
    required = shift.required_verifications()
    if not required:
        return []
    day = timezone.localdate(shift.start)
    held = set(
        Verification.objects.valid_on(day)
        .filter(volunteer=volunteer, organization_id=shift.organization_id, kind__in=required)
        .values_list("kind", flat=True)
    )
    return [kind for kind in required if kind not in held]


# The queries of every sign-up are prepared (core.lib.prepared): compiling them cost
# more than running them.
LOCKED_SHIFT = PreparedQuery(
    lambda: (
        Shift.objects.select_related("organization")
        .select_for_update(of=("self",))
        .filter(pk=Parameter("shift", BigIntegerField()))
    )
)
PLACE_COUNTS = PreparedQuery(
    lambda: (
        SignUp.objects.filter(shift=Parameter("shift", BigIntegerField()))
        .order_by()
        .values("shift")
        .annotate(
            confirmed=Count("pk", filter=Q(status=SignUp.Status.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=SignUp.Status.WAITLISTED)),
        )
        .values_list("confirmed", "waitlisted")
    )
)


def _lock(shift_id):
    """The shift, locked until the transaction ends (which must be open)."""
    for shift in LOCKED_SHIFT.objects(shift=shift_id):
        return shift
    raise Shift.DoesNotExist


def _check_open(shift, now):
    if shift.is_cancelled:
        raise Refusal(_("This shift was cancelled."))
    if shift.has_started(now):
        raise Refusal(_("This shift has already started, so it no longer takes sign-ups."))


def _check_free(shift, places):
    """Refuse a second place on this shift, or a place on an overlapping one, given the
    person's `places` at the time of the shift, with their shifts, soonest first."""
    held = {place.shift_id: place.shift.title for place in places}
    if shift.pk in held:
        raise Refusal(_("You are already signed up for this shift."))
    if held:
        raise Refusal(
            _("You already have a shift at that time: %(title)s.")
            % {"title": next(iter(held.values()))}
        )


def _confirmed_count(shift):
    return shift.signups.filter(status=SignUp.Status.CONFIRMED).count()


def _new_place_status(shift):
    """Confirmed while a spot is free, else the waitlist. Needs the shift locked.

    Leaves the shift's confirmed and waitlisted counts on it, as with_counts() does."""
    counts = PLACE_COUNTS.rows(shift=shift.pk)
    shift.confirmed_count, shift.waitlist_count = counts[0] if counts else (0, 0)
    if shift.confirmed_count < shift.capacity:
        return SignUp.Status.CONFIRMED
    return SignUp.Status.WAITLISTED


def _welcome(signup, shift, now, template):
    """After a place is taken: the email, which is also its reminder when it is due."""
    if signup.status == SignUp.Status.CONFIRMED:
        _email_as_reminder(signup, shift, now)
    tasks.send_signup_email.enqueue(signup.pk, template, signup.status)


def _email_as_reminder(signup, shift, now):
    """When the shift starts less than REMINDER_LEAD from now, count the email being sent
    now as its reminder. Any other reminder is the sweep's to send once it is due
    (volunteers.tasks), with no task queued for each place: a sign-up or a moved shift
    costs no more than its email."""
    if shift.start - now <= REMINDER_LEAD:
        SignUp.objects.filter(pk=signup.pk).update(reminded_for=shift.start)
        signup.reminded_for = shift.start


def signup_create(*, shift, volunteer, bringing="", age_confirmed=False, locked=False):
    """Give a logged-in volunteer a confirmed place, or a waitlist place when full.

    `locked`: the caller's open transaction read `shift` locked (the sign-up view reads
    it so with its access check), and takes this one's refusal as its own. The
    sign-up's shift carries the counts of places as the new one left them."""
    now = timezone.now()
    with transaction.atomic(savepoint=not locked):
        if not locked:
            shift = _lock(shift.pk)
        _check_open(shift, now)
        _check_free(shift, places_at_the_time_of(shift, volunteer))
        if missing_verifications(shift, volunteer):
            raise Refusal(_("You do not meet this shift's requirements yet."))
        if shift.min_age and not age_confirmed:
            raise Refusal(
                _("Please confirm that you are at least %(age)s years old.")
                % {"age": shift.min_age}
            )
        signup = SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            status=_new_place_status(shift),
            queued_at=now,
            bringing=bringing,
        )
        if signup.status == SignUp.Status.CONFIRMED:
            shift.confirmed_count += 1
        else:
            shift.waitlist_count += 1
        _welcome(signup, shift, now, "shift_signup")
    return signup


def guest_signup_create(*, shift, name, email, language, bringing=""):
    """Hold a guest's place as pending until they confirm through the emailed link.

    Anyone can type anyone's address, so the answer is the same whatever the address
    already holds, and only its owner's inbox hears more: asking again for the same
    shift sends that place's email again instead of making a second row, and a clash
    with another of the address's shifts is told on confirming, behind the link.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        shift = _lock(shift.pk)
        _check_open(shift, now)
        if not shift.accepts_guests:
            raise Refusal(_("This shift has requirements: please log in to sign up."))
        signup = SignUp.objects.active().of_person(guest_email=email).filter(shift=shift).first()
        if signup is None:
            signup = SignUp.objects.create(
                shift=shift,
                guest_name=name,
                guest_email=email,
                language=language,
                status=SignUp.Status.PENDING,
                queued_at=now,
                bringing=bringing,
            )
        pending = signup.status == SignUp.Status.PENDING
        tasks.send_signup_email.enqueue(
            signup.pk, "shift_guest_confirm" if pending else "shift_signup", signup.status
        )
    return signup


def signup_confirm(signup):
    """A guest confirmed their email: count them now, confirmed or waitlisted, unless
    the address already holds a place on an overlapping shift."""
    now = timezone.now()
    with transaction.atomic():
        shift = _lock(signup.shift_id)
        signup = SignUp.objects.get(pk=signup.pk)
        if signup.status != SignUp.Status.PENDING:
            return signup
        _check_open(shift, now)
        _check_free(
            shift,
            SignUp.objects.holding_a_place()
            .of_person(guest_email=signup.guest_email)
            .at_the_time_of(shift)
            .select_related("shift"),
        )
        signup.status = _new_place_status(shift)
        # The queue counts from the confirmation: an unconfirmed address holds nothing.
        signup.queued_at = now
        signup.save(update_fields=["status", "queued_at"])
        _welcome(signup, shift, now, "shift_signup")
    return signup


def signup_cancel(signup, *, by_volunteer=True):
    """Cancel a place and give freed spots to the waitlist, first come first served.

    A volunteer cancelling, on the site or through an email's link, is held to the
    organization's cut-off; a coordinator taking someone off the roster is not.
    """
    now = timezone.now()
    with transaction.atomic():
        shift = _lock(signup.shift_id)
        signup = SignUp.objects.select_related("shift__organization__shift_policy").get(
            pk=signup.pk
        )
        if signup.status == SignUp.Status.CANCELLED:
            return signup
        if by_volunteer and not signup.can_cancel(now):
            if shift.has_started(now):
                raise Refusal(_("This shift has already started."))
            raise Refusal(
                _(
                    "It is too close to the start to cancel here. Please call or write to "
                    "%(organization)s to let them know."
                )
                % {"organization": shift.organization.name}
            )
        signup.status = SignUp.Status.CANCELLED
        signup.cancelled_at = now
        signup.save(update_fields=["status", "cancelled_at"])
        _promote(shift, now)
    return signup


def _promote(shift, now):
    """Fill free spots from the waitlist. Needs the shift locked."""
    if shift.is_cancelled or shift.has_started(now):
        return
    free = shift.capacity - _confirmed_count(shift)
    if free <= 0:
        return
    waiting = shift.signups.filter(status=SignUp.Status.WAITLISTED).order_by("queued_at", "pk")
    for signup in waiting[:free]:
        signup.status = SignUp.Status.CONFIRMED
        signup.save(update_fields=["status"])
        _welcome(signup, shift, now, "shift_promoted")


def signup_still_coming(signup):
    """The volunteer answered "yes" to the reminder; answering twice changes nothing."""
    SignUp.objects.filter(pk=signup.pk, still_coming_at__isnull=True).update(
        still_coming_at=timezone.now()
    )


def signup_remove(signup):
    """A coordinator takes someone off the roster; the next on the waitlist moves up."""
    return signup_cancel(signup, by_volunteer=False)


def signup_record(signup, *, attendance, hours):
    """A coordinator's account of one place: attended or no-show, and the hours to count."""
    signup.attendance = attendance
    signup.hours = hours
    signup.save(update_fields=["attendance", "hours"])
    return signup


def _save_private_details(shift, private):
    """Keep a ride's private details; a shift that is no longer a ride keeps none."""
    if private is None:
        TransportDetails.objects.filter(shift=shift).delete()
    else:
        TransportDetails.objects.update_or_create(shift=shift, defaults=private)


def shift_create(*, shift, private=None, weeks=1):
    """Save a new shift, or a weekly series of `weeks` occurrences starting with it."""
    with transaction.atomic():
        if weeks > 1:
            shift.series = ShiftSeries.objects.create(organization=shift.organization)
        start, end = shift.start, shift.end
        shifts = []
        for week in range(weeks):
            occurrence = Shift(**{**_copyable(shift), "series": shift.series})
            occurrence.start, occurrence.end = _weeks_later(start, end, week)
            occurrence.save()
            if private is not None:
                TransportDetails.objects.create(shift=occurrence, **private)
            shifts.append(occurrence)
    return shifts


def _weeks_later(start, end, weeks):
    """Same wall-clock times in Kansas City `weeks` later, across daylight-saving changes."""
    local_start = timezone.localtime(start)
    local_end = timezone.localtime(end)
    tz = local_start.tzinfo
    new_start = (local_start.replace(tzinfo=None) + timedelta(weeks=weeks)).replace(tzinfo=tz)
    new_end = (local_end.replace(tzinfo=None) + timedelta(weeks=weeks)).replace(tzinfo=tz)
    return new_start, new_end


COPIED_FIELDS = ["organization_id", *SHIFT_DETAIL_FIELDS]


def _copyable(shift):
    return {name: getattr(shift, name) for name in COPIED_FIELDS}


def shift_following(shift):
    """The later, not cancelled occurrences of the shift's series."""
    if shift.series_id is None:
        return Shift.objects.none()
    return (
        Shift.objects.filter(series_id=shift.series_id, start__gt=shift.start)
        .filter(cancelled_at__isnull=True)
        .exclude(pk=shift.pk)
        .order_by("start")
    )


def shift_update(*, shift, before, private=None, following=False):
    """Save an edited shift and tell the people coming what changed.

    `before` is a copy of the shift as it was. With `following`, the same changes go
    to the later occurrences of the series: changed fields are copied, and a new
    time or a moved day keeps each occurrence in its own week.
    """
    now = timezone.now()
    changed = {
        name
        for name in [*COPIED_FIELDS, "start", "end"]
        if getattr(before, name) != getattr(shift, name)
    }
    with transaction.atomic():
        _save_one(shift, before, private, now)
        if following:
            day_shift = timezone.localdate(shift.start) - timezone.localdate(before.start)
            for occurrence in shift_following(before):
                old = copy.copy(occurrence)
                for name in changed & set(COPIED_FIELDS):
                    setattr(occurrence, name, getattr(shift, name))
                if {"start", "end"} & changed:
                    occurrence.start, occurrence.end = _same_times_on(
                        shift, timezone.localdate(occurrence.start) + day_shift
                    )
                _save_one(occurrence, old, private, now)
    return shift


def _same_times_on(shift, day):
    local_start = timezone.localtime(shift.start)
    local_end = timezone.localtime(shift.end)
    tz = local_start.tzinfo
    new_start = local_start.replace(year=day.year, month=day.month, day=day.day, tzinfo=tz)
    new_end = new_start.replace(tzinfo=None) + (
        local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)
    )
    return new_start, new_end.replace(tzinfo=tz)


def _save_one(shift, before, private, now):
    locked = _lock(shift.pk)
    if shift.capacity < _confirmed_count(locked):
        raise Refusal(
            _(
                "%(title)s on %(day)s already has more confirmed volunteers than that. "
                "Remove some from its roster first."
            )
            % {"title": shift.title, "day": date_format(timezone.localdate(shift.start))}
        )
    shift.save()
    _save_private_details(shift, private)
    notify = {name for name in NOTIFY_FIELDS if getattr(before, name) != getattr(shift, name)}
    if notify:
        signups = shift.signups.holding_a_place()
        for signup in signups:
            tasks.send_signup_email.enqueue(signup.pk, "shift_changed", signup.status)
            if signup.status == SignUp.Status.CONFIRMED and before.start != shift.start:
                _email_as_reminder(signup, shift, now)
    if shift.capacity > before.capacity:
        _promote(shift, now)
    return shift


def shift_cancel(shift, *, following=False):
    """Cancel the shift (and its later occurrences) and tell everyone who held a place.

    Returns the shifts this cancelled."""
    now = timezone.now()
    candidates = [shift, *shift_following(shift)] if following else [shift]
    cancelled = []
    with transaction.atomic():
        for occurrence in candidates:
            occurrence = _lock(occurrence.pk)
            if occurrence.is_cancelled:
                continue
            occurrence.cancelled_at = now
            occurrence.save(update_fields=["cancelled_at", "updated_at"])
            for signup in occurrence.signups.holding_a_place():
                tasks.send_signup_email.enqueue(signup.pk, "shift_cancelled", signup.status)
            cancelled.append(occurrence)
    return cancelled


def verification_grant(*, organization, volunteer, kind, expires_on, granted_by):
    verification, _created = Verification.objects.update_or_create(
        organization=organization,
        volunteer=volunteer,
        kind=kind,
        defaults={"expires_on": expires_on, "granted_by": granted_by},
    )
    return verification


def shift_message_send(shift, *, subject, body):
    """Email a coordinator's message to everyone confirmed for the shift."""
    ids = list(shift.signups.filter(status=SignUp.Status.CONFIRMED).values_list("pk", flat=True))
    if ids:
        tasks.send_shift_message.enqueue(ids, subject, body)
    return len(ids)
