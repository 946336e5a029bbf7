"""Spreadsheet columns (django-import-export resources): shifts, imported and exported by
coordinators and site staff, and the hours report, exported."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.fields import Field

from core.lib.spreadsheets import (
    ChoiceWidget,
    DateWidget,
    OrganizationResource,
    TimeWidget,
    WholeNumberWidget,
    YesNoWidget,
    neutralise,
)
from core.models import Organization

from . import services
from .forms import CLOCKS_SKIP, local_moment
from .models import SHIFT_DETAIL_FIELDS, TOO_FAR, Shift, TransportDetails, last_shift_day

# The day and times of a shift, in Kansas City time, become its start and end.
TIME_COLUMNS = ("date", "start_time", "end_time")


def _most(name):
    """The largest value the model accepts for one of the shift's numbers."""
    return min(
        validator.limit_value
        for validator in Shift._meta.get_field(name).validators
        if isinstance(validator, MaxValueValidator)
    )


def _number(attribute, column):
    return Field(
        attribute=attribute, column_name=column, widget=WholeNumberWidget(_most(attribute))
    )


def _yes_no(attribute, column=None):
    # An empty cell means the model's default: no, except for a round trip.
    default = Shift._meta.get_field(attribute).default
    return Field(
        attribute=attribute, column_name=column or attribute, widget=YesNoWidget(), default=default
    )


def _choice(attribute, choices):
    # An empty cell is blank: the model then says the kind is required, a meal role not.
    return Field(
        attribute=attribute, column_name=attribute, widget=ChoiceWidget(choices), default=""
    )


def _text(attribute):
    return Field(attribute=attribute, column_name=attribute, widget=widgets.CharWidget())


def _local(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


class ShiftResource(OrganizationResource):
    """One organization's shifts, a row each, with the day and times in Kansas City time.

    A ride's private details (exact pickup point, who to ask for) are never columns:
    they are entered on the shift's page, and stay out of files that get emailed around.

    A row may change a shift only while nobody holds or asked for a place on it. Changes
    to a shift people signed up for go through its edit page, which emails them what
    changed: an import refuses them with a message on the line. That is safer than
    emailing from an import (a dry run must never send anything) and simpler than
    checking which changes deserve an email. Other changes go through the edit form's
    service, services.shift_update, so a ride that becomes a meal loses its private
    details there too.
    """

    id = Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    kind = _choice("kind", Shift.Kind)
    title = _text("title")
    description = _text("description")
    date = Field(column_name="date", widget=DateWidget())
    start_time = Field(column_name="start_time", widget=TimeWidget())
    end_time = Field(column_name="end_time", widget=TimeWidget())
    place = _text("place")
    capacity = _number("capacity", "capacity")
    minimum_age = _number("min_age", "minimum_age")
    requires_background_check = _yes_no("requires_background_check")
    requires_driver = _yes_no("requires_driver")
    requires_orientation = _yes_no("requires_orientation")
    meal_role = _choice("meal_role", Shift.MealRole)
    servings = _number("meal_servings", "servings")
    dietary_notes = _text("dietary_notes")
    destination = _choice("destination", Shift.Destination)
    round_trip = _yes_no("round_trip")
    pickup_window_minutes = Field(
        attribute="pickup_window_minutes",
        column_name="pickup_window_minutes",
        widget=WholeNumberWidget(_most("pickup_window_minutes")),
        default=Shift._meta.get_field("pickup_window_minutes").default,
    )
    # Exported for the coordinator's information; a file cannot change them.
    signed_up = Field(
        attribute="signed_up",
        column_name="signed_up",
        readonly=True,
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    cancelled = Field(column_name="cancelled", readonly=True)

    required_columns = ("kind", "title", "date", "start_time", "end_time", "place", "capacity")
    summary_column = "title"

    class Meta(OrganizationResource.Meta):
        model = Shift
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "date",
            "start_time",
            "end_time",
            "place",
            "capacity",
            "minimum_age",
            "requires_background_check",
            "requires_driver",
            "requires_orientation",
            "meal_role",
            "servings",
            "dietary_notes",
            "destination",
            "round_trip",
            "pickup_window_minutes",
            "signed_up",
            "cancelled",
        ]

    @classmethod
    def template_files(cls):
        return [
            (gettext_lazy("Template (CSV)"), static("volunteers/shifts-template.csv")),
            (gettext_lazy("Template (XLSX)"), static("volunteers/shifts-template.xlsx")),
        ]

    # Export

    def dehydrate_date(self, shift):
        return _local(shift.start).date().isoformat()

    def dehydrate_start_time(self, shift):
        return _local(shift.start).strftime("%H:%M")

    def dehydrate_end_time(self, shift):
        return _local(shift.end).strftime("%H:%M")

    def dehydrate_cancelled(self, shift):
        return "yes" if shift.is_cancelled else "no"

    # Import

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Each updated shift as it was, for services.shift_update.
        self.originals = {}

    def import_instance(self, instance, row, **kwargs):
        before = copy.copy(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for column in self.required_columns:
            if column not in TIME_COLUMNS and not str(row.get(column) or "").strip():
                errors.setdefault(self.attribute_of(column), [_("This field cannot be blank.")])
        self._import_times(instance, before, row, errors)
        self._check_kind(instance, errors)
        if instance.pk is not None:
            self.originals[instance.pk] = before
            if _changes(before, instance):
                self._check_changeable(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _import_times(self, instance, before, row, errors):
        """Set start and end from the date and times, or say on which column what is wrong."""
        values = {}
        for column in TIME_COLUMNS:
            if column not in row:  # the admin's import does not check required columns
                errors[column] = [_("This column is missing.")]
                continue
            try:
                values[column] = self.fields[column].clean(row)
            except ValueError as error:
                errors.setdefault(column, []).append(str(error))
                continue
            if values[column] is None:
                errors.setdefault(column, []).append(_("This field cannot be blank."))
        if any(column in errors for column in TIME_COLUMNS):
            return
        day, start_time, end_time = (values[column] for column in TIME_COLUMNS)
        if end_time <= start_time:
            errors["end_time"] = [
                _("%(end)s is not after the start, %(start)s. The shift must end after it starts.")
                % {"end": end_time.strftime("%H:%M"), "start": start_time.strftime("%H:%M")}
            ]
            return
        if day > last_shift_day():
            errors["date"] = [TOO_FAR % {"day": day.isoformat()}]
            return
        start, end = local_moment(day, start_time), local_moment(day, end_time)
        for column, time, moment in [
            ("start_time", start_time, start),
            ("end_time", end_time, end),
        ]:
            if moment is None:
                errors[column] = [
                    CLOCKS_SKIP % {"day": day.isoformat(), "time": time.strftime("%H:%M")}
                ]
        if start is None or end is None:
            return
        instance.start, instance.end = start, end
        # As in the form: a new or moved shift starts in the future; an unchanged past
        # shift may stay in a file that is imported again.
        moved = instance.pk is None or instance.start != before.start
        if moved and instance.start <= timezone.now():
            errors["date"] = [
                _("%(date)s at %(time)s is in the past. Choose a day and time still to come.")
                % {"date": day.isoformat(), "time": start_time.strftime("%H:%M")}
            ]

    def _check_kind(self, instance, errors):
        """The form's rules for meals and rides, once the kind is known."""
        if "kind" in errors:
            return
        if (
            instance.kind == Shift.Kind.MEAL
            and not instance.meal_role
            and "meal_role" not in errors
        ):
            errors["meal_role"] = [_("Say whether volunteers serve or bring food: serve or bring.")]
        if instance.kind == Shift.Kind.TRANSPORT:
            if not instance.destination and "destination" not in errors:
                errors["destination"] = [
                    _("Choose where the ride goes: %(choices)s.")
                    % {"choices": ", ".join(Shift.Destination.values)}
                ]
            # Someone drives: a verified driver, always.
            instance.requires_driver = True

    def _check_changeable(self, instance, errors):
        """Refuse to change a cancelled shift, or one that people signed up for."""
        if instance.is_cancelled:
            message = _("This shift is cancelled, so it cannot be changed.")
        elif instance.signups.active().exists():
            message = _(
                "People have signed up for this shift, so an import cannot change it. "
                "Change it on its edit page, which tells them what changed, or leave "
                "this line as it was exported."
            )
        else:
            return
        errors.setdefault(NON_FIELD_ERRORS, []).append(message)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if exclude & set(TIME_COLUMNS):
            # The date and time columns already say what is wrong with the start and end.
            exclude |= {"start", "end"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return not _changes(original, instance)

    def do_instance_save(self, instance, is_create):
        if is_create:
            # A new shift has nobody to tell and no private details yet: a save is all
            # services.shift_create does for a single shift.
            instance.save(force_insert=True)
            return
        try:
            services.shift_update(
                shift=instance,
                before=self.originals[instance.pk],
                private=_kept_private_details(instance),
            )
        except services.Refusal as refusal:
            raise ValidationError({"capacity": [refusal.message]}) from None


def _changes(before, after):
    return {
        name
        for name in [*SHIFT_DETAIL_FIELDS, "start", "end"]
        if getattr(before, name) != getattr(after, name)
    }


def _kept_private_details(shift):
    """A ride keeps the private details it has; a shift that is no longer a ride keeps
    none, as when its edit form is saved."""
    if not shift.is_transport:
        return None
    return TransportDetails.objects.filter(shift=shift).values("pickup_point", "ask_for").first()


class StaffShiftResource(ShiftResource):
    """Site staff's import and export in the admin: every organization, named by slug."""

    organization = Field(
        attribute="organization",
        column_name="organization",
        widget=widgets.ForeignKeyWidget(Organization, field="slug"),
    )
    required_columns = ("organization", *ShiftResource.required_columns)

    class Meta(ShiftResource.Meta):
        fields = ["organization", *ShiftResource.Meta.fields]
        exclude = []

    def get_queryset(self):
        return Shift.objects.all()

    def init_instance(self, row=None):
        return Shift()


class HoursResource(resources.Resource):
    """The hours report's rows (hours_by_volunteer_and_month), export only."""

    volunteer = fields.Field(column_name=gettext_lazy("Volunteer"))
    email = fields.Field(column_name=gettext_lazy("Email"))
    month = fields.Field(column_name=gettext_lazy("Month"))
    # Numbers stay numbers in a spreadsheet (force_native_type), so that it can add them up.
    shifts = fields.Field(
        attribute="shifts", column_name=gettext_lazy("Shifts"), widget=widgets.IntegerWidget()
    )
    hours = fields.Field(
        attribute="hours", column_name=gettext_lazy("Hours"), widget=widgets.DecimalWidget()
    )

    class Meta:
        fields = ("volunteer", "email", "month", "shifts", "hours")

    def dehydrate_volunteer(self, row):
        return neutralise(row["name"] or "")

    def dehydrate_email(self, row):
        return neutralise(row["email"] or "")

    def dehydrate_month(self, row):
        return row["month"].strftime("%Y-%m")
