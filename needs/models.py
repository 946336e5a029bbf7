from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.days import DayChecksMixin, outside_calendar
from core.lib.urls import reverse_pk
from core.models import Organization

# Enough for any real drive; stops a typo (or a spreadsheet's stray zeros) from
# posting a need nobody could ever fill.
MAX_QUANTITY = 10_000
# How long after the expected date a coordinator must wait before releasing a pledge.
RELEASE_GRACE = timedelta(days=7)
# A guest's confirmation link works this long; unconfirmed pledges are purged after.
CONFIRMATION_MAX_AGE = timedelta(days=3)
PLEDGE_TOKEN_SALT = "needs.pledge"  # noqa: S105 - a signing namespace, not a secret

quantity_validators = [
    MinValueValidator(1, _("Enter at least 1.")),
    MaxValueValidator(MAX_QUANTITY, _("Enter at most %(limit_value)s.")),
]


class Category(models.TextChoices):
    HYGIENE = "hygiene", _("Hygiene")
    CLOTHING = "clothing", _("Clothing")
    BEDDING = "bedding", _("Bedding")
    HOUSEHOLD = "household", _("Household")
    FOOD = "food", _("Food")
    BABY = "baby", _("Baby")
    SCHOOL = "school", _("School")
    GIFT_CARDS = "gift_cards", _("Gift cards and transit passes")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


# Text choices keep URLs and spreadsheets readable; this orders them by weight.
PRIORITY_RANK = Case(
    When(priority=Priority.URGENT, then=Value(0)),
    When(priority=Priority.HIGH, then=Value(1)),
    default=Value(2),
)


class NeedQuerySet(models.QuerySet):
    def public(self):
        """Needs the public may see and pledge to: open, at a published organization."""
        return self.filter(status=Need.Status.OPEN, organization__is_published=True)

    def still_open(self):
        """Needs with units nobody has pledged or brought yet."""
        return self.filter(quantity_needed__gt=F("quantity_received") + F("quantity_pledged"))

    def ordered(self):
        return self.order_by(
            PRIORITY_RANK, F("needed_by").asc(nulls_last=True), "-created_at", "pk"
        )

    def for_list(self):
        return self.select_related("organization").ordered()

    def urgent(self):
        return self.public().still_open().filter(priority=Priority.URGENT).for_list()

    def search(self, *, text="", organization="", category="", priority=""):
        qs = self
        if text:
            qs = qs.filter(Q(title__icontains=text) | Q(description__icontains=text))
        if organization:
            qs = qs.filter(organization__slug=organization)
        if category:
            qs = qs.filter(category=category)
        if priority:
            qs = qs.filter(priority=priority)
        return qs


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    FULFILLED = "fulfilled", _("Fulfilled")
    ARCHIVED = "archived", _("Archived")


class Need(DayChecksMixin, models.Model):
    Status = NeedStatus
    Priority = Priority

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("item"), max_length=120)
    description = models.TextField(_("details"), max_length=1000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    unit = models.CharField(
        _("unit"), max_length=60, blank=True, help_text=_('For example "packs of 10".')
    )
    # Not PositiveIntegerField: its own "at least 0" would double the "at least 1" message.
    quantity_needed = models.IntegerField(_("quantity needed"), validators=quantity_validators)
    # Running totals kept by needs.services under a row lock, so that pages read
    # progress without counting pledges and two donors cannot over-pledge.
    quantity_pledged = models.PositiveIntegerField(_("pledged"), default=0, editable=False)
    quantity_received = models.PositiveIntegerField(_("received"), default=0, editable=False)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    day_checks = {"needed_by": outside_calendar}

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_needed__gte=1, quantity_needed__lte=MAX_QUANTITY),
                name="need_quantity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="need_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="need_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "priority"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("needs:need_detail", self.pk)

    @property
    def open_quantity(self):
        """Units still wanted: neither brought nor promised."""
        return max(0, self.quantity_needed - self.quantity_received - self.quantity_pledged)

    @property
    def covered_quantity(self):
        return self.quantity_received + self.quantity_pledged

    @property
    def accepts_pledges(self):
        return self.status == self.Status.OPEN and self.open_quantity > 0

    def sync_status(self):
        """Close the need once everything arrived; reopen it if the need was raised."""
        if self.status == self.Status.OPEN and self.quantity_received >= self.quantity_needed:
            self.status = self.Status.FULFILLED
        elif self.status == self.Status.FULFILLED and self.quantity_received < self.quantity_needed:
            self.status = self.Status.OPEN


class DropOff(models.Model):
    """Where and when an organization takes items. The place may stay off the public
    page: then only people who pledged learn it, in their pledge email. Anyone can
    pledge, so it is never an address that must stay secret, such as a safe house's."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="dropoff"
    )
    place = models.CharField(
        _("drop-off place"),
        max_length=250,
        blank=True,
        help_text=_(
            "Where donors bring items: an office, a drop-off point or a PO box. Never a safe "
            "house or any address that must stay secret: anyone who pledges gets it by email."
        ),
    )
    place_is_public = models.BooleanField(
        _("show the place on the public page"),
        default=False,
        help_text=_(
            "Leave unticked to keep the place off your public page and search engines: only "
            "donors who pledged get it, by email. Anyone can pledge, so this does not keep "
            "it secret."
        ),
    )
    hours = models.CharField(
        _("drop-off hours"), max_length=250, blank=True, help_text=_("For example Mon-Fri 9am-4pm.")
    )
    instructions = models.TextField(
        _("instructions"),
        max_length=1000,
        blank=True,
        help_text=_("Shown publicly and in pledge emails: what to bring, where to ring."),
    )
    shipping_address = models.TextField(
        _("shipping address for online orders"),
        max_length=500,
        blank=True,
        help_text=_(
            "Given only to donors who pledged. Leave empty if you cannot receive parcels; "
            "donors will then only see the drop-off option."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("drop-off settings")
        verbose_name_plural = _("drop-off settings")

    def __str__(self):
        return str(self.organization)

    @property
    def public_place(self):
        return self.place if self.place_is_public else ""

    @property
    def accepts_shipping(self):
        return bool(self.shipping_address.strip())


class PledgeQuerySet(models.QuerySet):
    def counting(self):
        """Pledges that hold units of their need until they arrive."""
        return self.filter(status=Pledge.Status.CONFIRMED)

    def to_receive(self, organization):
        return (
            self.counting()
            .filter(need__organization=organization)
            .select_related("need", "donor")
            # Grouped under their need on the Receive page: keep each need's together.
            .order_by("need__title", "need_id", "expected_on", "pk")
        )

    def reminder_due(self, today):
        return self.counting().filter(expected_on__lt=today, reminded_at__isnull=True)

    def unconfirmed_expired(self, now):
        return self.filter(status=Pledge.Status.PENDING, created_at__lt=now - CONFIRMATION_MAX_AGE)

    def for_donor(self, user):
        return (
            self.filter(donor=user)
            .exclude(status=Pledge.Status.PENDING)
            .select_related("need__organization")
            .order_by("-created_at")
        )

    def for_export(self, organization):
        return (
            self.filter(need__organization=organization)
            .exclude(status=Pledge.Status.PENDING)
            .select_related("need", "donor")
            .order_by("-created_at", "pk")
        )


class PledgeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Pledged")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Released")


class PledgeMethod(models.TextChoices):
    DROP_OFF = "drop_off", _("I will drop it off in person")
    SHIPPING = "shipping", _("I will order it online and have it shipped to you")


class Pledge(models.Model):
    Status = PledgeStatus
    Method = PledgeMethod

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="pledges")
    # A deleted account leaves its pledges behind, anonymous, so the totals stay true.
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
    )
    # Guests only: a logged-in donor's name and email come from the account.
    name = models.CharField(_("your name"), max_length=150, blank=True)
    email = models.EmailField(_("your email"), blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    quantity = models.IntegerField(_("quantity"), validators=quantity_validators)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    method = models.CharField(
        _("how it will reach them"),
        max_length=10,
        choices=PledgeMethod.choices,
        default=PledgeMethod.DROP_OFF,
    )
    expected_on = models.DateField(_("expected date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="pledge_quantity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(delivered__lte=F("quantity")), name="pledge_delivered_le_quantity"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PledgeStatus.values), name="pledge_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=PledgeMethod.values), name="pledge_method_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "expected_on"])]

    def __str__(self):
        return f"{self.quantity} x {self.need}"

    @property
    def outstanding(self):
        """Units still to arrive; only a confirmed pledge holds any."""
        if self.status != self.Status.CONFIRMED:
            return 0
        return self.quantity - self.delivered

    @property
    def closed_part_way(self):
        """Cancelled or released after some of it arrived: what arrived stays given."""
        return self.delivered > 0 and self.status in (self.Status.CANCELLED, self.Status.RELEASED)

    @property
    def given_quantity(self):
        """The units this pledge stands for: all of them, or, closed part way, what arrived."""
        return self.delivered if self.closed_part_way else self.quantity

    @property
    def status_summary(self):
        """The status as donor and coordinator read it, with the part that arrived."""
        counts = {"delivered": self.delivered, "quantity": self.quantity}
        if self.closed_part_way and self.status == self.Status.CANCELLED:
            return _("%(delivered)s of %(quantity)s arrived · the rest cancelled") % counts
        if self.closed_part_way:
            return _("%(delivered)s of %(quantity)s arrived · the rest released") % counts
        if self.status == self.Status.CONFIRMED and self.delivered:
            return _("%(delivered)s of %(quantity)s arrived · the rest still to come") % counts
        return self.get_status_display()

    @property
    def method_summary(self):
        """How the items come, in the organization's words: the choice's own label is the
        donor's ("I will drop it off in person")."""
        if self.method == self.Method.SHIPPING:
            return _("shipped from an online order")
        return _("dropped off in person")

    @property
    def contact_name(self):
        if self.donor_id:
            return self.donor.name or self.donor.email
        return self.name

    @property
    def contact_email(self):
        return self.donor.email if self.donor_id else self.email

    @property
    def contact_language(self):
        return self.donor.language if self.donor_id else self.language

    @property
    def is_overdue(self):
        return self.status == self.Status.CONFIRMED and self.expected_on < timezone.localdate()

    @property
    def can_be_released(self):
        return (
            self.status == self.Status.CONFIRMED
            and self.expected_on + RELEASE_GRACE < timezone.localdate()
        )

    @property
    def confirmation_expired(self):
        return (
            self.status == self.Status.PENDING
            and self.created_at < timezone.now() - CONFIRMATION_MAX_AGE
        )

    @property
    def can_be_changed(self):
        return self.status in (self.Status.PENDING, self.Status.CONFIRMED)

    def manage_token(self):
        return signing.dumps(self.pk, salt=PLEDGE_TOKEN_SALT)

    def get_manage_url(self):
        return reverse("needs:pledge_manage", args=[self.manage_token()])


class Receipt(models.Model):
    """Units that arrived: against a pledge, or a walk-in donation without one."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="receipts")
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    quantity = models.IntegerField(_("quantity"), validators=quantity_validators)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="receipt_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} x {self.need}"


# Money is one more kind of need: its models live in needs/donations/ and register here.
from .donations.models import (  # noqa: E402, F401
    Donation,
    DonationGoal,
    RecurringGift,
    StripeEvent,
)
