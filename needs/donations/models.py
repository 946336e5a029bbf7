"""Money donations: one-time and monthly gifts paid on each organization's own Stripe account."""

import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.days import DayChecksMixin
from core.models import Organization

MIN_GIFT_CENTS = 100
# How long Stripe keeps a Checkout Session open when, as in Hearth, none is given.
CHECKOUT_LIFETIME = timedelta(hours=24)
MAX_GIFT_CENTS = 2_500_000
# A goal's dates stay near today: far ones mean a typo, and the year 9999 cannot be counted to.
GOAL_DATES_WITHIN_DAYS = 5 * 366


def goal_day_error(day):
    """What is wrong with a goal's start or end date on `day`, or None."""
    if abs((day - timezone.localdate()).days) > GOAL_DATES_WITHIN_DAYS:
        return _("Choose a date within five years of today.")
    return None


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Monthly")


class DonationQuerySet(models.QuerySet):
    def counted(self):
        """Gifts whose money arrived (refunds are subtracted through net_cents)."""
        return self.filter(
            status__in=[
                Donation.Status.SUCCEEDED,
                Donation.Status.PARTIALLY_REFUNDED,
            ]
        )

    def total_net_cents(self):
        total = self.counted().aggregate(
            total=Coalesce(Sum("amount_cents"), 0) - Coalesce(Sum("refunded_cents"), 0)
        )["total"]
        return max(total, 0)

    def by_month(self):
        """Totals per month of what arrived, newest first."""
        return (
            self.counted()
            .annotate(month=TruncMonth("paid_at", tzinfo=timezone.get_current_timezone()))
            .values("month")
            .annotate(
                gifts=models.Count("id"),
                amount=Sum("amount_cents"),
                refunded=Sum("refunded_cents"),
            )
            .order_by("-month")
        )

    def for_donor(self, user):
        return self.filter(donor=user).select_related("organization").order_by("-created_at")

    def listed(self):
        """The gifts that lists and exports show: those a donor reached Stripe with, not
        checkouts still open or abandoned, nor attempts Stripe could not start, which
        charged nothing (the donor was told so then)."""
        return self.exclude(checkout_session_id="", invoice_id="").exclude(
            status__in=[Donation.Status.PENDING, Donation.Status.EXPIRED]
        )

    def newest_first(self):
        """Newest first by the date the lists give: when paid, else when started."""
        return self.order_by(Coalesce("paid_at", "created_at").desc(), "-pk")

    def monthly_checkouts_open(self, user):
        """Monthly gifts the person went to Stripe's payment page for and has not paid,
        as far as Hearth knows, on pages that have not expired by themselves yet."""
        return (
            self.for_donor(user)
            .filter(
                frequency=Frequency.MONTHLY,
                status=Donation.Status.PENDING,
                created_at__gt=timezone.now() - CHECKOUT_LIFETIME,
            )
            .exclude(checkout_session_id="")
        )


class RecurringGiftQuerySet(models.QuerySet):
    def running(self):
        """Gifts whose subscription may still charge the card: all but canceled ones."""
        return self.exclude(status=RecurringGift.Status.CANCELED)

    def for_donor(self, user):
        return self.filter(donor=user).select_related("organization").order_by("created_at")


class RecurringGift(models.Model):
    """A monthly gift: a Stripe subscription on the organization's account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Starting")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment failed")
        CANCELED = "canceled", _("Canceled")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="recurring_gifts"
    )
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurring_gifts",
    )
    amount_cents = models.PositiveIntegerField(_("monthly gift"))
    fee_cents = models.PositiveIntegerField(_("processing fee covered"), default=0)
    subscription_id = models.CharField(max_length=64, unique=True)
    customer_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    objects = RecurringGiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly gift")
        verbose_name_plural = _("monthly gifts")

    def __str__(self):
        return f"{self.organization} · ${self.amount_cents / 100:.2f}/month"


class Donation(models.Model):
    """One payment: a one-time gift, or one month of a monthly gift."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Received")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Not completed")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="donations"
    )
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donations",
    )
    # Receipt data the organization legally needs, kept even for anonymous gifts.
    donor_name = models.CharField(_("name"), max_length=150, blank=True)
    donor_email = models.EmailField(_("email"), blank=True)
    is_anonymous = models.BooleanField(_("give anonymously"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    language = models.CharField(max_length=8, default="en")

    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.ONCE)
    amount_cents = models.PositiveIntegerField(_("gift"))
    fee_cents = models.PositiveIntegerField(_("processing fee covered"), default=0)
    refunded_cents = models.PositiveIntegerField(_("refunded"), default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    is_disputed = models.BooleanField(_("disputed"), default=False)

    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkout_session_id = models.CharField(max_length=128, blank=True)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    invoice_id = models.CharField(max_length=64, blank=True)
    recurring_gift = models.ForeignKey(
        RecurringGift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_session_id"],
                condition=~Q(checkout_session_id=""),
                name="unique_checkout_session",
            ),
            models.UniqueConstraint(
                fields=["invoice_id"], condition=~Q(invoice_id=""), name="unique_invoice"
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("amount_cents") + models.F("fee_cents")),
                name="refund_not_above_charge",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "paid_at"]),
            models.Index(fields=["payment_intent_id"]),
        ]

    def __str__(self):
        return f"{self.organization} · ${self.total_cents / 100:.2f} ({self.status})"

    @property
    def total_cents(self):
        """What the donor was charged: the gift plus any fee they chose to cover."""
        return self.amount_cents + self.fee_cents

    @property
    def is_settled(self):
        return self.status not in {self.Status.PENDING, self.Status.PROCESSING}

    def get_return_url(self):
        return reverse("needs:donation_return", args=[self.public_id])


class DonationGoal(DayChecksMixin, models.Model):
    class Period(models.TextChoices):
        MONTH = "month", _("Every month")
        CAMPAIGN = "campaign", _("A campaign with dates")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="donation_goals"
    )
    title = models.CharField(_("title"), max_length=120)
    target_cents = models.PositiveIntegerField(_("goal"))
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.MONTH
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("show on the site"), default=True)

    day_checks = {"starts_on": goal_day_error, "ends_on": goal_day_error}

    class Meta:
        verbose_name = _("donation goal")
        verbose_name_plural = _("donation goals")
        constraints = [
            models.CheckConstraint(condition=Q(target_cents__gte=100), name="goal_at_least_1")
        ]

    def __str__(self):
        return self.title

    def window(self, now=None):
        """The [start, end) of what counts toward the goal, as aware datetimes."""
        now = timezone.localtime(now)
        if self.period == self.Period.MONTH:
            start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            end = (start + timedelta(days=32)).replace(day=1)
            return start, end
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.starts_on or now.date(), time.min, tzinfo=tz)
        end = datetime.combine(
            (self.ends_on or now.date()) + timedelta(days=1), time.min, tzinfo=tz
        )
        return start, end

    def raised_cents(self, now=None):
        start, end = self.window(now)
        return Donation.objects.filter(
            organization_id=self.organization_id, paid_at__gte=start, paid_at__lt=end
        ).total_net_cents()


class StripeEvent(models.Model):
    """Every webhook event, stored once by id; a duplicate delivery finds it here."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        DEFERRED = "deferred", _("Waiting for an earlier event")
        IGNORED = "ignored", _("Ignored")
        UNKNOWN = "unknown", _("Unknown type")

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=80)
    account = models.CharField(max_length=64, blank=True)
    livemode = models.BooleanField(default=False)
    # The payment intent or subscription the event is about, to replay a deferred one.
    related_id = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=200, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.event_id} {self.type} ({self.outcome})"
