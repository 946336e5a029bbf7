"""Shifts, sign-ups, verifications and calendar feeds."""

import secrets
from datetime import timedelta
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import NotSupportedError, models
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.lib.choices import choice_label
from core.lib.days import DayChecksMixin, outside_calendar
from core.lib.prepared import Parameter, PreparedQuery
from core.lib.urls import reverse_pk
from core.models import Organization

# A reminder goes out this long before a shift starts.
REMINDER_LEAD = timedelta(hours=24)
# How far ahead a shift may be posted, as TOO_FAR says: plenty for any plan, and far from
# the end of the calendar (year 9999), past which a shift's weeks cannot be counted.
SHIFT_HORIZON = timedelta(days=2 * 365)
TOO_FAR = _("Shifts can be posted up to two years ahead: %(day)s is too far.")


def last_shift_day():
    """The last day a shift may be posted for."""
    return timezone.localdate() + SHIFT_HORIZON


def shift_day_error(day):
    """What is wrong with a shift's start or end on `day`, or None."""
    if day > last_shift_day():
        return TOO_FAR % {"day": date_format(day)}
    return outside_calendar(day)


def _signup_count(status):
    """How many sign-ups of the outer query's shift have this status (0 if none)."""
    signups = (
        SignUp.objects.filter(shift=OuterRef("pk"), status=status)
        .order_by()
        .values("shift")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(signups, output_field=IntegerField()), 0)


class WholeMinutes(Func):
    """The whole minutes of a duration, rounded down as Shift.duration_hours counts them.

    A duration is an integer of microseconds on SQLite and an interval on PostgreSQL,
    the two databases Hearth runs on."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"WholeMinutes is not written for {connection.vendor}.")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s) / 60000000", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60)",
            **extra_context,
        )


class ShiftQuerySet(models.QuerySet):
    def public(self):
        """Shifts anyone may see: not cancelled, of a published organization."""
        return self.filter(organization__is_published=True, cancelled_at__isnull=True)

    def upcoming(self, now=None):
        return self.filter(start__gt=now or timezone.now())

    def with_counts(self):
        """Each shift's confirmed and waitlisted places, as correlated subqueries: each
        counts one shift's sign-ups through the (shift, status) index, so that a page of
        shifts costs its rows, not a join of every shift to all its sign-ups."""
        return self.annotate(
            confirmed_count=_signup_count(SignUp.Status.CONFIRMED),
            waitlist_count=_signup_count(SignUp.Status.WAITLISTED),
        )

    def with_open_spots(self):
        """Needs with_counts() first."""
        return self.filter(confirmed_count__lt=F("capacity"))

    def for_list(self):
        """What a list of shift cards shows, in one query whatever the number of shifts."""
        return self.select_related("organization").with_counts().order_by("start", "pk")

    def for_export(self):
        """A spreadsheet's rows, with how many people hold or asked for a place, in one query."""
        return self.annotate(
            signed_up=Count("signups", filter=~Q(signups__status=SignUp.Status.CANCELLED))
        ).order_by("start", "pk")


class ShiftSeries(models.Model):
    """Shifts created together as a weekly series; each occurrence stays a full Shift."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="shift_series"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift series")
        verbose_name_plural = _("shift series")

    def __str__(self):
        return f"{self.organization} #{self.pk}"


# What a coordinator describes about a shift: the form edits these, duplicating copies them.
SHIFT_DETAIL_FIELDS = [
    "kind",
    "title",
    "description",
    "place",
    "capacity",
    "min_age",
    "requires_background_check",
    "requires_driver",
    "requires_orientation",
    "meal_role",
    "meal_servings",
    "dietary_notes",
    "destination",
    "round_trip",
    "pickup_window_minutes",
]


class Shift(DayChecksMixin, models.Model):
    class Kind(models.TextChoices):
        MEAL = "meal", _("Meal")
        TRANSPORT = "transport", _("Transport")
        OTHER = "other", _("Other")

    class MealRole(models.TextChoices):
        SERVE = "serve", _("Serve the meal")
        BRING = "bring", _("Bring food")

    class Destination(models.TextChoices):
        COURT = "court", _("Court")
        MEDICAL = "medical", _("Medical appointment")
        DENTAL = "dental", _("Dental appointment")
        ID_OFFICE = "id_office", _("ID office")
        JOB_INTERVIEW = "job_interview", _("Job interview")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("organization"),
    )
    series = models.ForeignKey(
        ShiftSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEAL)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"),
        max_length=200,
        help_text=_(
            "Where volunteers go. For a ride, only the general pickup area, such as "
            "“Midtown”: the exact pickup point goes in the private details."
        ),
    )
    capacity = models.PositiveSmallIntegerField(
        _("volunteers needed"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )

    min_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Leave empty if any age is welcome."),
    )
    requires_background_check = models.BooleanField(_("verified background check"), default=False)
    requires_driver = models.BooleanField(
        _("verified driver (license and insurance)"),
        default=False,
        help_text=_("Always required for transport."),
    )
    requires_orientation = models.BooleanField(_("our orientation"), default=False)

    meal_role = models.CharField(
        _("what volunteers do"), max_length=10, choices=MealRole.choices, blank=True
    )
    meal_servings = models.PositiveSmallIntegerField(
        _("for how many people"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    dietary_notes = models.CharField(_("dietary notes"), max_length=250, blank=True)

    destination = models.CharField(
        _("destination"), max_length=20, choices=Destination.choices, blank=True
    )
    round_trip = models.BooleanField(_("round trip"), default=True)
    pickup_window_minutes = models.PositiveSmallIntegerField(
        _("pickup window (minutes)"),
        default=15,
        validators=[MaxValueValidator(240)],
        help_text=_("How long after the start time the pickup may happen."),
    )

    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShiftQuerySet.as_manager()

    day_checks = {
        "start": shift_day_error,
        "end": shift_day_error,
        "cancelled_at": outside_calendar,
    }

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_has_a_spot"),
        ]
        indexes = [models.Index(fields=["organization", "start"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("volunteers:shift_detail", self.pk)

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def is_transport(self):
        return self.kind == self.Kind.TRANSPORT

    def has_started(self, now=None):
        return self.start <= (now or timezone.now())

    @property
    def is_over(self):
        return self.end <= timezone.now()

    @property
    def can_be_changed(self):
        """Whether coordinators may still edit or cancel it: not once it is cancelled or
        over, when a change would only email its people about a shift that is gone."""
        return not self.is_cancelled and not self.is_over

    @property
    def duration_hours(self):
        return Decimal(int((self.end - self.start).total_seconds() // 60)) / 60

    @property
    def pickup_by(self):
        return self.start + timedelta(minutes=self.pickup_window_minutes)

    @property
    def spots_left(self):
        """Needs with_counts()."""
        return max(self.capacity - self.confirmed_count, 0)

    def required_verifications(self):
        kinds = []
        if self.requires_background_check:
            kinds.append(Verification.Kind.BACKGROUND_CHECK)
        if self.requires_driver:
            kinds.append(Verification.Kind.DRIVER)
        if self.requires_orientation:
            kinds.append(Verification.Kind.ORIENTATION)
        return kinds

    @property
    def has_requirements(self):
        return bool(self.min_age or self.required_verifications())

    @property
    def accepts_guests(self):
        return not self.has_requirements


class TransportDetails(models.Model):
    """A ride's private details, in their own table so that no list loads them by accident.

    Only the run's confirmed drivers and the organization's coordinators may read them.
    """

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="private_details")
    pickup_point = models.CharField(
        _("exact pickup point"),
        max_length=250,
        blank=True,
        help_text=_(
            "We suggest a neutral meeting point, such as a library or store entrance, "
            "never a home or shelter address."
        ),
    )
    ask_for = models.CharField(
        _("who to ask for"),
        max_length=120,
        blank=True,
        help_text=_(
            "A staff member or a role, such as “front desk”. Never the name of the "
            "person being driven."
        ),
    )

    class Meta:
        verbose_name = _("private ride details")
        verbose_name_plural = _("private ride details")

    def __str__(self):
        return str(self.shift)


class ShiftPolicy(models.Model):
    """An organization's own rules for its shifts."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="shift_policy"
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("volunteers can cancel up to (hours before the start)"),
        default=12,
        validators=[MaxValueValidator(336)],
        help_text=_("Later than that, they are asked to call or write to you instead."),
    )

    class Meta:
        verbose_name = _("shift policy")
        verbose_name_plural = _("shift policies")

    def __str__(self):
        return str(self.organization)

    @classmethod
    def cutoff_for(cls, organization):
        """The cut-off, from a shift_policy loaded with select_related when there is one."""
        try:
            hours = organization.shift_policy.cancel_cutoff_hours
        except cls.DoesNotExist:
            hours = cls._meta.get_field("cancel_cutoff_hours").default
        return timedelta(hours=hours)


class SignUpQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=SignUp.Status.CANCELLED)

    def holding_a_place(self):
        return self.filter(status__in=[SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED])

    def of_person(self, *, volunteer=None, guest_email=""):
        if volunteer is not None:
            return self.filter(volunteer=volunteer)
        return self.filter(volunteer__isnull=True, guest_email=guest_email.lower())

    def at_the_time_of(self, shift):
        """Places on this shift, or on another one not cancelled that overlaps it, soonest
        first: what stands in the way of taking a place on it."""
        return self.filter(
            Q(shift=shift.pk)
            | Q(
                shift__cancelled_at__isnull=True,
                shift__start__lt=shift.end,
                shift__end__gt=shift.start,
            )
        ).order_by("shift__start")

    def of_volunteer(self, volunteer):
        """A volunteer's places that are not cancelled: what My shifts lists and counts."""
        return self.filter(volunteer=volunteer).active()

    def for_my_shifts(self, user, tab):
        """A volunteer's places, with only the columns one tab of "My shifts" shows: a
        past place's line needs neither the shift's kind and place nor the
        organization's contact and cut-off."""
        columns = [
            "status",
            "attendance",
            "hours",
            "shift__title",
            "shift__start",
            "shift__end",
            "shift__cancelled_at",
            "shift__organization__name",
        ]
        related = "shift__organization"
        if tab == "upcoming":
            columns += [
                "shift__kind",
                "shift__place",
                "shift__organization__phone",
                "shift__organization__email",
                "shift__organization__shift_policy__cancel_cutoff_hours",
            ]
            related += "__shift_policy"
        return (
            self.of_volunteer(user)
            .select_related(related)
            .only(*columns)
            .order_by("shift__start", "pk")
        )

    def due_for_reminder(self, now=None):
        """Confirmed places on shifts starting within REMINDER_LEAD that were not reminded
        of the shift's current start time."""
        now = now or timezone.now()
        return (
            self.filter(
                status=SignUp.Status.CONFIRMED,
                shift__cancelled_at__isnull=True,
                shift__start__gt=now,
                shift__start__lte=now + REMINDER_LEAD,
            )
            .exclude(reminded_for=F("shift__start"))
            .order_by("shift__start", "pk")
        )


class SignUp(DayChecksMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    # Both keys are indexed by the composite indexes in Meta, which lead with them.
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signups", db_index=False
    )
    # SET_NULL: when a volunteer deletes their account the sign-up stays, without
    # name, email or phone, so that the hours stay in the organization's reports.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shift_signups",
        db_index=False,
    )
    guest_name = models.CharField(_("name"), max_length=150, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    # The guest's language, for the emails a background task sends later.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(max_length=12, choices=Status.choices)
    # Place in the queue: the waitlist is served in this order.
    queued_at = models.DateTimeField(default=timezone.now)
    bringing = models.CharField(_("what you will bring"), max_length=200, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
        help_text=_("Leave empty to count the length of the shift."),
    )
    # The shift start this person was last told about (reminder, or a sign-up or
    # change notice close to the start); a reminder is due while it differs.
    reminded_for = models.DateTimeField(null=True, blank=True)
    still_coming_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignUpQuerySet.as_manager()

    day_checks = dict.fromkeys(
        ["queued_at", "reminded_for", "still_coming_at", "cancelled_at"], outside_calendar
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(volunteer__isnull=False) & ~Q(status="cancelled"),
                name="one_active_signup_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["shift", "guest_email"],
                condition=Q(volunteer__isnull=True) & ~Q(guest_email="") & ~Q(status="cancelled"),
                name="one_active_signup_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="signup_hours_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["shift", "status"]),
            # A volunteer's places (My shifts' totals and pages, the clash check) read
            # from the index alone on PostgreSQL, not from a table page per place.
            models.Index(
                fields=["volunteer", "shift"],
                include=["id", "status", "attendance", "hours"],
                name="signup_by_volunteer",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.shift}"

    @property
    def is_guest(self):
        return self.volunteer_id is None and bool(self.guest_email)

    @property
    def display_name(self):
        if self.volunteer_id:
            return self.volunteer.name or self.volunteer.email
        if self.guest_email:
            return self.guest_name or self.guest_email
        return str(_("Deleted account"))

    @property
    def email(self):
        return self.volunteer.email if self.volunteer_id else self.guest_email

    @property
    def email_language(self):
        return self.volunteer.language if self.volunteer_id else self.language

    def credited_hours(self, now=None):
        """Hours this sign-up counts for: a confirmed place on a shift that took place,
        unless marked no-show; the coordinator's adjustment wins over the shift length.
        volunteer_totals() sums the same in SQL."""
        shift = self.shift
        if (
            self.status != self.Status.CONFIRMED
            or shift.is_cancelled
            or shift.end > (now or timezone.now())
            or self.attendance == self.Attendance.NO_SHOW
        ):
            return Decimal(0)
        return self.hours if self.hours is not None else shift.duration_hours

    def cancel_deadline(self):
        """Until when the volunteer may cancel a confirmed place themselves."""
        return self.shift.start - ShiftPolicy.cutoff_for(self.shift.organization)

    def get_status_display(self):
        return choice_label(self.Status, self.status)

    @property
    def reminder_to_come(self):
        """Whether a reminder is still due: a confirmed place not yet reminded for this
        start (one that close to the start counts its sign-up email as the reminder)."""
        return self.status == self.Status.CONFIRMED and self.reminded_for != self.shift.start

    def can_cancel(self, now=None):
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED or self.shift.has_started(now):
            return False
        if self.status == self.Status.CONFIRMED:
            return now < self.cancel_deadline()
        return True


def _volunteer_totals():
    """volunteer_totals()'s query: one group, of the places My shifts lists."""
    now = Parameter("now", models.DateTimeField())
    credited = Q(
        status=SignUp.Status.CONFIRMED, shift__cancelled_at__isnull=True, shift__end__lte=now
    ) & ~Q(attendance=SignUp.Attendance.NO_SHOW)
    return (
        SignUp.objects.of_volunteer(Parameter("volunteer", models.BigIntegerField()))
        .order_by()
        .values("volunteer")
        .annotate(
            upcoming=Count("pk", filter=Q(shift__end__gt=now)),
            past=Count("pk", filter=Q(shift__end__lte=now)),
            # Wider than the hours field itself: a sum outgrows its 5 digits.
            adjusted=Sum(
                "hours",
                filter=credited & Q(hours__isnull=False),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            minutes=Sum(
                WholeMinutes(F("shift__end") - F("shift__start")),
                filter=credited & Q(hours__isnull=True),
            ),
        )
        .values_list("upcoming", "past", "adjusted", "minutes")
    )


VOLUNTEER_TOTALS = PreparedQuery(_volunteer_totals)


def _my_places(tab):
    """The places of one tab of My shifts: upcoming ones soonest first, or past ones
    latest first."""
    now = Parameter("now", models.DateTimeField())
    mine = SignUp.objects.for_my_shifts(Parameter("volunteer", models.BigIntegerField()), tab)
    if tab == "upcoming":
        return mine.filter(shift__end__gt=now)
    return mine.filter(shift__end__lte=now).reverse()


# Prepared (core.lib.prepared): building and compiling a page of them cost over half as
# much as running it and loading the places with their shifts and organizations.
MY_PLACES = {tab: PreparedQuery(partial(_my_places, tab)) for tab in ("upcoming", "past")}


def _places_at_the_time():
    """A volunteer's places on a shift, or on another one not cancelled that overlaps
    it, soonest first, with their shifts: what keeps them from taking one."""
    shift = SimpleNamespace(
        pk=Parameter("shift", models.BigIntegerField()),
        start=Parameter("starts", models.DateTimeField()),
        end=Parameter("ends", models.DateTimeField()),
    )
    volunteer = Parameter("volunteer", models.BigIntegerField())
    return (
        SignUp.objects.holding_a_place()
        .of_person(volunteer=volunteer)
        .at_the_time_of(shift)
        .select_related("shift")
    )


# Prepared: every sign-up asks it, and every logged-in visit to a shift's page.
PLACES_AT_THE_TIME = PreparedQuery(_places_at_the_time)


def places_at_the_time_of(shift, volunteer):
    """_places_at_the_time() of this volunteer and shift."""
    return PLACES_AT_THE_TIME.objects(
        volunteer=volunteer.pk, shift=shift.pk, starts=shift.start, ends=shift.end
    )


# Prepared too: a coordinator comes back to a shift's roster through its day.
ROSTER = PreparedQuery(
    lambda: (
        SignUp.objects.filter(shift=Parameter("shift", models.BigIntegerField()))
        .select_related("volunteer")
        .order_by("queued_at", "pk")
    )
)


def roster(shift):
    """Every place on a shift, in the order they were taken, with who holds it."""
    places = ROSTER.objects(shift=shift.pk)
    for place in places:
        place.shift = shift
    return places


def volunteer_totals(volunteer, now=None):
    """How many of a volunteer's places are still to come and how many are past, and the
    hours they count for (the sum of their credited_hours()), in one query. Both tabs of
    My shifts show them, so the query is prepared (core.lib.prepared).

    The hours follow credited_hours() in SQL: a confirmed place on a shift that is not
    cancelled and has ended, unless a no-show; the coordinator's hours, else the
    shift's whole minutes."""
    rows = VOLUNTEER_TOTALS.rows(now=now or timezone.now(), volunteer=volunteer.pk)
    upcoming, past, adjusted, minutes = rows[0] if rows else (0, 0, None, None)
    hours = (adjusted or Decimal(0)) + Decimal(minutes or 0) / 60
    return {"upcoming": upcoming, "past": past, "hours": hours}


class VerificationQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(expires_on__gte=day)


class Verification(DayChecksMixin, models.Model):
    """A check an organization's coordinator did on a volunteer, valid for that
    organization's shifts until it expires."""

    class Kind(models.TextChoices):
        BACKGROUND_CHECK = "background_check", _("Background check")
        DRIVER = "driver", _("Driver (license and insurance)")
        ORIENTATION = "orientation", _("Orientation")

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shift_verifications",
        verbose_name=_("volunteer"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="volunteer_verifications"
    )
    kind = models.CharField(_("verification"), max_length=20, choices=Kind.choices)
    expires_on = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    objects = VerificationQuerySet.as_manager()

    day_checks = {"expires_on": outside_calendar}

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "organization", "kind"], name="one_verification_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.get_kind_display()} · {self.organization}"


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a volunteer's calendar feed; a new token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_calendar"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("volunteers:calendar_feed", args=[self.token])

    @classmethod
    def of(cls, user):
        """The user's feed, made the first time they need one. Prepared (core.lib.prepared):
        My shifts shows its address on every visit."""
        for feed in USERS_FEED.objects(user=user.pk):
            return feed
        return cls.objects.get_or_create(user=user)[0]

    def renew(self):
        self.token = new_feed_token()
        self.save(update_fields=["token", "created_at"])


USERS_FEED = PreparedQuery(
    lambda: CalendarFeed.objects.filter(user=Parameter("user", models.BigIntegerField()))
)
