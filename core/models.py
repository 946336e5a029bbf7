from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models, router
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.lib.days import DayChecksMixin, outside_calendar
from core.lib.prepared import Parameter, PreparedQuery, fits_a_key


class UserManager(BaseUserManager):
    """Users are known by email; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get(self, *args, **kwargs):
        """Every logged-in request loads its user by primary key alone (Django's
        ModelBackend.get_user()): that lookup is a prepared query (core.lib.prepared),
        not compiled on each request, which also answers `manages` for the page's
        header. Any other lookup is the ORM's."""
        if args or kwargs.keys() != {"pk"} or not str(kwargs["pk"]).isdigit():
            return super().get(*args, **kwargs)
        pk = int(kwargs["pk"])
        if fits_a_key(pk):
            using = self._db or router.db_for_read(self.model)
            for user in USER_BY_PK.objects(using=using, pk=pk):
                return user
        raise self.model.DoesNotExist(
            f"{self.model._meta.object_name} matching query does not exist."
        )

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


phone_validator = RegexValidator(
    r"^[0-9+()\-. ]{7,20}$",
    _("Enter a phone number using digits, spaces, dashes or parentheses."),
)


class User(DayChecksMixin, AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
        help_text=_("Optional. Only coordinators of organizations you help can see it."),
    )

    language = models.CharField(
        _("language for emails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    day_checks = {"last_login": outside_calendar, "date_joined": outside_calendar}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def manages(self):
        """Whether the person coordinates for any organization: every page's header
        links them to the management pages. The request's user comes with the answer
        (USER_BY_PK); a user loaded any other way asks here."""
        return self.memberships.exists()


class Service(models.TextChoices):
    """What an organization offers; the directory filters on these."""

    HOUSING = "housing", _("Housing")
    MEALS = "meals", _("Meals")
    COUNSELING = "counseling", _("Counseling and therapy")
    HEALTH = "health", _("Health care")
    LEGAL = "legal", _("Legal help")
    TRANSPORT = "transport", _("Transport")
    EMPLOYMENT = "employment", _("Jobs and training")
    IDS = "ids", _("ID replacement")
    FAMILY = "family", _("Family and youth")
    EDUCATION = "education", _("Education and classes")
    DROP_IN = "drop_in", _("Drop-in center")
    CRISIS = "crisis", _("Crisis line")


class InSpanishToo:
    """For a model whose texts may have a Spanish version in `<field>_es`."""

    def _localized(self, field):
        """The text in the visitor's language: the Spanish one when there is one."""
        if get_language() == "es":
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)


class OrganizationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_directory(self):
        return self.published().prefetch_related("services").order_by("name")

    def for_page(self):
        return self.prefetch_related("services", "links")

    def search(self, text="", service=""):
        qs = self
        if text:
            qs = qs.filter(
                Q(name__icontains=text) | Q(summary__icontains=text) | Q(summary_es__icontains=text)
            )
        if service:
            qs = qs.filter(services__service=service)
        return qs


ein_validator = RegexValidator(r"^\d{2}-\d{7}$", _("Enter the EIN as 12-3456789."))


class Organization(InSpanishToo, models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("short description"), max_length=280)
    summary_es = models.CharField(_("short description (Spanish)"), max_length=280, blank=True)
    mission = models.TextField(_("mission"), blank=True)
    mission_es = models.TextField(_("mission (Spanish)"), blank=True)
    address = models.CharField(
        _("public address"),
        max_length=250,
        blank=True,
        help_text=_("Leave empty if the location must stay private."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("public email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_name = models.CharField(
        _("legal name"), max_length=200, blank=True, help_text=_("As it appears on receipts.")
    )
    ein = models.CharField(_("EIN"), max_length=10, blank=True, validators=[ein_validator])
    is_published = models.BooleanField(_("published"), default=False)
    # Stripe Connect: gifts are direct charges on the organization's own account.
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True)
    stripe_charges_enabled = models.BooleanField(_("can take card payments"), default=False)
    stripe_details_submitted = models.BooleanField(_("Stripe onboarding finished"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:organization_detail", args=[self.slug])

    @property
    def localized_summary(self):
        return self._localized("summary")

    @property
    def localized_mission(self):
        return self._localized("mission")

    @property
    def takes_donations(self):
        """Whether Hearth can send donors to Stripe Checkout for this organization."""
        return bool(self.stripe_account_id and self.stripe_charges_enabled)

    def service_labels(self):
        """Labels of the services, using the prefetched rows."""
        return sorted(Service(s.service).label for s in self.services.all())


class OrganizationService(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "service"], name="unique_service_per_organization"
            )
        ]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.get_service_display()


class OrganizationLink(InSpanishToo, models.Model):
    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation page")
        WISHLIST = "wishlist", _("Online wishlist")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    label = models.CharField(_("label"), max_length=100)
    label_es = models.CharField(_("label (Spanish)"), max_length=100, blank=True)
    url = models.URLField(_("address (URL)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("outside link")
        verbose_name_plural = _("outside links")

    def __str__(self):
        return self.label

    @property
    def localized_label(self):
        return self._localized("label")


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        ADMIN = "admin", _("Organization admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.organization} ({self.get_role_display()})"


USER_BY_PK = PreparedQuery(
    lambda: User.objects.annotate(
        manages=models.Exists(Membership.objects.filter(user=models.OuterRef("pk")))
    ).filter(pk=Parameter("pk", models.BigIntegerField()))
)


class ImportedPreview(models.Model):
    """A spreadsheet preview that was imported, known by the digest of its signed rows,
    so that each imports once: Back and "Import" again, or a second click, find it here.
    Shared by every app server, and unique, so that of two imports at once one waits for
    the other and then finds it (core.lib.spreadsheets.claim_preview)."""

    digest = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.digest
