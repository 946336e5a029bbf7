import functools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.forms import ListFilterForm
from core.lib.days import FIRST_DAY, LAST_DAY, outside_calendar
from core.models import Organization

from . import services
from .models import (
    SHIFT_DETAIL_FIELDS,
    TOO_FAR,
    Shift,
    ShiftPolicy,
    SignUp,
    TransportDetails,
    Verification,
    last_shift_day,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

CLOCKS_SKIP = _(
    "The clocks go forward on %(day)s, so there is no %(time)s that day. Choose another time."
)


def local_midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def local_moment(day, time):
    """`time` on `day` in Kansas City, or None if the clocks skip it that day (spring
    forward). A time the clocks pass twice (fall back) is its first."""
    naive = datetime.combine(day, time)
    moment = timezone.make_aware(naive)
    # Read back through UTC, a time the clocks skip comes out an hour later.
    return moment if timezone.make_naive(moment.astimezone(UTC)) == naive else None


class DayField(forms.DateField):
    """A day to filter or report by, from FIRST_DAY to LAST_DAY."""

    widget = DATE_INPUT

    def widget_attrs(self, widget):
        # The browser's date picker offers the same days, and htmx sends no other.
        return {
            **super().widget_attrs(widget),
            "min": FIRST_DAY.isoformat(),
            "max": LAST_DAY.isoformat(),
        }

    def validate(self, value):
        super().validate(value)
        error = value and outside_calendar(value)
        if error:
            raise forms.ValidationError(error, code="out_of_range")


class ShiftFilterForm(ListFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Shift.Kind.choices]
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        required=False,
        queryset=Organization.objects.published().order_by("name"),
        to_field_name="slug",
        empty_label=_("All organizations"),
    )
    start = DayField(label=_("From"), required=False)
    end = DayField(label=_("Until"), required=False)
    open = forms.BooleanField(label=_("Only shifts with open spots"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Pick a day on or after the first day."))
        return data

    def filtered(self, shifts):
        """The shifts narrowed by whatever part of the filter is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            shifts = shifts.filter(kind=data["kind"])
        if data.get("organization"):
            shifts = shifts.filter(organization=data["organization"])
        if data.get("start"):
            shifts = shifts.filter(start__gte=local_midnight(data["start"]))
        if data.get("end"):
            shifts = shifts.filter(start__lt=local_midnight(data["end"] + timedelta(days=1)))
        if data.get("open"):
            shifts = shifts.with_open_spots()
        return shifts


class SignUpForm(forms.Form):
    """The few things a sign-up may ask; one click when the shift needs none of them."""

    bringing = forms.CharField(
        label=_("What will you bring? (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: a pan of lasagna for 12, or fruit and juice."),
    )
    age_confirmed = forms.BooleanField(label="", required=True)

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        if shift.meal_role != Shift.MealRole.BRING:
            del self.fields["bringing"]
        if shift.min_age:
            self.fields["age_confirmed"].label = _("I am %(age)s years old or older.") % {
                "age": shift.min_age
            }
            self.fields["age_confirmed"].error_messages["required"] = _(
                "This shift is for volunteers %(age)s or older: please confirm your age."
            ) % {"age": shift.min_age}
        else:
            del self.fields["age_confirmed"]


class GuestSignUpForm(SignUpForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=SignUp._meta.get_field("guest_email").max_length,
        help_text=_("We send you a link to confirm your place. It also lets you cancel."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["name", "email", "bringing"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        # The address is kept lower-case, and a few letters grow when lowered ("İ" is
        # two characters then): it must still fit.
        MaxLengthValidator(self.fields["email"].max_length)(email.lower())
        return email


class ShiftForm(forms.ModelForm):
    """A shift with its day and times in Kansas City time, and a ride's private details."""

    date = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT)
    pickup_point = TransportDetails._meta.get_field("pickup_point").formfield()
    ask_for = TransportDetails._meta.get_field("ask_for").formfield()

    class Meta:
        model = Shift
        fields = SHIFT_DETAIL_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    # Fieldsets of the page, so that the template stays a loop.
    SECTIONS = [
        (
            _("The shift"),
            ["kind", "title", "description", "date", "start_time", "end_time", "place", "capacity"],
        ),
        (
            _("Requirements"),
            ["min_age", "requires_background_check", "requires_driver", "requires_orientation"],
        ),
        (_("For a meal"), ["meal_role", "meal_servings", "dietary_notes"]),
        (_("For a ride: public details"), ["destination", "round_trip", "pickup_window_minutes"]),
        (_("For a ride: private details"), ["pickup_point", "ask_for"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meal_role"].choices = [("", "—"), *Shift.MealRole.choices]
        self.fields["destination"].choices = [("", "—"), *Shift.Destination.choices]
        if self.instance.pk:
            start = timezone.localtime(self.instance.start)
            self.initial.setdefault("date", start.date())
            self.initial.setdefault("start_time", start.time())
            self.initial.setdefault("end_time", timezone.localtime(self.instance.end).time())
            details = getattr(self.instance, "private_details", None)
            if details:
                self.initial.setdefault("pickup_point", details.pickup_point)
                self.initial.setdefault("ask_for", details.ask_for)

    def sections(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The shift must end after it starts."))
            elif self.fits_on(day, start, end, "date"):
                data["start"], data["end"] = local_moment(day, start), local_moment(day, end)
                moved = not self.instance.pk or data["start"] != self.instance.start
                if moved and data["start"] <= timezone.now():
                    self.add_error("date", _("Pick a day and time that are still to come."))
        kind = data.get("kind")
        if kind == Shift.Kind.MEAL and not data.get("meal_role"):
            self.add_error("meal_role", _("Say whether volunteers serve or bring food."))
        if kind == Shift.Kind.TRANSPORT:
            if not data.get("destination"):
                self.add_error("destination", _("Choose where the ride goes."))
            # Someone drives: a verified driver, always.
            data["requires_driver"] = True
        return data

    def fits_on(self, day, start, end, field):
        """Whether the shift's times can be on `day` (this shift's, or another week's of
        its series); if not, say why: the day is too far ahead (next to `field`), or the
        clocks skip a time that day (next to that time)."""
        if day > last_shift_day():
            self.add_error(field, TOO_FAR % {"day": date_format(day)})
            return False
        fits = True
        for name, time in [("start_time", start), ("end_time", end)]:
            if local_moment(day, time) is None:
                self.add_error(
                    name, CLOCKS_SKIP % {"day": date_format(day), "time": time_format(time)}
                )
                fits = False
        return fits

    def _post_clean(self):
        # start and end are not model fields of the form: set them before the model checks.
        if "start" in self.cleaned_data:
            self.instance.start = self.cleaned_data["start"]
            self.instance.end = self.cleaned_data["end"]
        super()._post_clean()

    def private_details(self):
        """A ride's private details to save, or None for other kinds."""
        if self.cleaned_data["kind"] != Shift.Kind.TRANSPORT:
            return None
        return {name: self.cleaned_data[name] for name in ("pickup_point", "ask_for")}


class ShiftCreateForm(ShiftForm):
    weeks = forms.IntegerField(
        label=_("Repeat every week for how many weeks?"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_(
            "1 makes a single shift; 12 makes the same shift on this weekday for 12 weeks."
        ),
    )

    SECTIONS = [*ShiftForm.SECTIONS, (_("Repeat"), ["weeks"])]

    def clean(self):
        data = super().clean()
        if {"start", "date", "weeks"} <= data.keys():
            for week in range(1, data["weeks"]):
                day = data["date"] + timedelta(weeks=week)
                if not self.fits_on(day, data["start_time"], data["end_time"], "weeks"):
                    break
        return data


class ShiftEditForm(ShiftForm):
    SCOPE_CHOICES = [
        ("one", _("Only this shift")),
        ("following", _("This shift and the later ones of its series")),
    ]
    scope = forms.ChoiceField(
        label=_("Apply the changes to"),
        choices=SCOPE_CHOICES,
        initial="one",
        widget=forms.RadioSelect,
    )

    SECTIONS = [*ShiftForm.SECTIONS, (_("Series"), ["scope"])]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.series_id:
            del self.fields["scope"]
        # Why the shift can no longer be edited, if it cannot; taken before the posted
        # values reach the instance.
        self.closed = (
            None
            if self.instance.can_be_changed
            else _("This shift is cancelled, so it cannot be changed.")
            if self.instance.is_cancelled
            else _(
                "This shift is over, so it cannot be changed. Record who came on its "
                "roster, or duplicate it to run it again."
            )
        )

    @property
    def following(self):
        return self.cleaned_data.get("scope") == "following"

    def clean(self):
        if self.closed:
            raise forms.ValidationError(self.closed)
        data = super().clean()
        retimed = {"start", "date"} <= data.keys() and (data["start"], data["end"]) != (
            self.instance.start,
            self.instance.end,
        )
        if retimed and self.following:
            # services.shift_update moves the later occurrences by as many days, to the
            # new times: they must fit there too.
            day_shift = data["date"] - timezone.localdate(self.instance.start)
            for later in services.shift_following(self.instance):
                day = timezone.localdate(later.start) + day_shift
                if not self.fits_on(day, data["start_time"], data["end_time"], "date"):
                    break
        return data


class ShiftCancelForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Cancel"),
        choices=[
            ("one", _("Only this shift")),
            ("following", _("This shift and the later ones of its series")),
        ],
        initial="one",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        if not shift.series_id:
            del self.fields["scope"]

    def clean(self):
        if self.shift.is_over:
            raise forms.ValidationError(_("This shift is over: there is nothing left to cancel."))
        return super().clean()

    @property
    def following(self):
        return self.cleaned_data.get("scope") == "following"


class RosterEntryForm(forms.ModelForm):
    """A confirmed place's attendance and hours, prefixed with its pk so that the roster
    holds one per row."""

    attendance = SignUp._meta.get_field("attendance").formfield(
        choices=[("", _("Not marked")), *SignUp.Attendance.choices]
    )

    # Held to 24 hours and to cents, not to the column's five digits: 1000 is too many
    # hours, and 2.666 too many decimals, not too many digits.
    hours = SignUp._meta.get_field("hours").formfield(
        max_digits=None,
        min_value=0,
        max_value=24,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        error_messages={"max_value": _("Enter at most 24 hours.")},
    )

    class Meta:
        model = SignUp
        fields = ["attendance", "hours"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", f"signup-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)

    def clean_hours(self):
        """The hours with two decimals, as the database keeps them: a row swapped in
        after saving reads as the roster does when it is loaded again."""
        hours = self.cleaned_data["hours"]
        return None if hours is None else hours.quantize(Decimal("0.01"))

    @classmethod
    def render_saved(cls, signups):
        """What {{ form }} writes for an unbound form of each sign-up's saved values, in
        order: building and rendering a form per row cost a roster of 20 about 30 ms.
        test_roster checks both write the same."""
        row, options = _saved_form_parts(get_language())
        return [
            mark_safe(  # noqa: S308 - every part is escaped
                row.format(
                    p=f"signup-{signup.pk:d}",
                    # A value no longer among the choices selects none, as Select does.
                    options=options.get(signup.attendance, options[None]),
                    value="" if signup.hours is None else f' value="{escape(signup.hours)}"',
                )
            )
            for signup in signups
        ]


@functools.lru_cache(maxsize=8)
def _saved_form_parts(language):
    """RosterEntryForm.render_saved()'s row, with the labels translated and escaped, and
    the attendance options for each saved value, built once for each language."""
    attendance = RosterEntryForm.base_fields["attendance"]
    hours = RosterEntryForm.base_fields["hours"]
    choices = [(value, str(label)) for value, label in attendance.choices]
    options = {
        selected: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            [(value, " selected" if value == selected else "", label) for value, label in choices],
        )
        for selected in [*(value for value, _label in choices), None]
    }
    # Escaped once, with braces doubled so that each row's format() keeps them; a row
    # only adds its pk, its options and its hours.
    text = {
        "attendance": attendance.label,
        "hours": hours.label,
        "help": hours.help_text,
        "attrs": flatatt(hours.widget.attrs),
    }
    row = format_html(
        '<div><label for="id_{{p}}-attendance">{attendance}:</label>'
        '<select name="{{p}}-attendance" id="id_{{p}}-attendance">{{options}}</select></div>'
        '<div><label for="id_{{p}}-hours">{hours}:</label>'
        '<div class="helptext" id="id_{{p}}-hours_helptext">{help}</div>'
        '<input type="number" name="{{p}}-hours"{{value}}{attrs}'
        ' aria-describedby="id_{{p}}-hours_helptext" id="id_{{p}}-hours"></div>',
        **{
            name: mark_safe(conditional_escape(value).replace("{", "{{").replace("}", "}}"))  # noqa: S308
            for name, value in text.items()
        },
    )
    return row, options


class ShiftMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class VerificationForm(forms.ModelForm):
    class Meta:
        model = Verification
        fields = ["volunteer", "kind", "expires_on"]
        widgets = {"expires_on": DATE_INPUT}

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["volunteer"].label_from_instance = lambda user: (
            f"{user.name} ({user.email})" if user.name else user.email
        )

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on < timezone.localdate():
            self.add_error("expires_on", _("Pick a day from today on."))
        return expires_on

    def validate_unique(self):
        # Granting again renews the verification (update_or_create), it is not a duplicate.
        pass


class ShiftPolicyForm(forms.ModelForm):
    class Meta:
        model = ShiftPolicy
        fields = ["cancel_cutoff_hours"]


class HoursReportForm(forms.Form):
    start = DayField(label=_("From"), required=False)
    end = DayField(label=_("Until"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Pick a day on or after the first day."))
        return data

    def period(self):
        """The chosen days, by default the twelve months up to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or (end.replace(day=1) - timedelta(days=335)).replace(day=1)
        return start, end
