import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import ListFilterForm
from core.models import Organization

from .models import MAX_QUANTITY, Category, DropOff, Need, Pledge, Priority

# Far enough for an online order to arrive; close enough that the need still stands.
PLEDGE_HORIZON = datetime.timedelta(days=90)

# Said the way the rest of the site says it, not Django's "Ensure this value is ...".
QUANTITY_MESSAGES = {
    "min_value": _("Enter at least 1."),
    "max_value": _("Enter at most %(limit_value)s."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NeedFilterForm(ListFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [
            ("", _("All organizations")),
            *Organization.objects.published().values_list("slug", "name"),
        ]

    def filtered(self, queryset):
        """The queryset narrowed by whatever part of the filter is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queryset.search(
            text=data.get("q", ""),
            organization=data.get("organization", ""),
            category=data.get("category", ""),
            priority=data.get("priority", ""),
        )


class PledgeForm(forms.Form):
    """A new pledge, or changes to one: quantity up to what is open, how, and when."""

    quantity = forms.IntegerField(
        label=_("How many?"), min_value=1, error_messages=QUANTITY_MESSAGES
    )
    method = forms.ChoiceField(
        label=_("How will it reach them?"), choices=Pledge.Method.choices, widget=forms.RadioSelect
    )
    expected_on = forms.DateField(
        label=_("When do you expect to bring or ship it?"), widget=DateInput()
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=Pledge._meta.get_field("email").max_length,
        help_text=_("We send a link to confirm your pledge, then the drop-off details."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, need, dropoff, pledge=None, guest=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.need = need
        self.pledge = pledge
        self.today = timezone.localdate()
        if not guest:
            del self.fields["name"], self.fields["email"]
        if dropoff is None or not dropoff.accepts_shipping:
            self.fields["method"].choices = [(Pledge.Method.DROP_OFF, Pledge.Method.DROP_OFF.label)]
        # A pledge being changed keeps what it holds and what arrived, and never shrinks
        # below what arrived.
        held = pledge.outstanding + pledge.delivered if pledge else 0
        self.max_quantity = need.open_quantity + held
        min_quantity = max(1, pledge.delivered) if pledge else 1
        quantity_messages = dict(QUANTITY_MESSAGES)
        if min_quantity > 1:
            quantity_messages["min_value"] = _(
                "%(limit_value)s of them already arrived, so enter at least %(limit_value)s."
            )
        self.fields["quantity"] = forms.IntegerField(
            label=self.fields["quantity"].label,
            min_value=min_quantity,
            error_messages=quantity_messages,
        )
        self.fields["quantity"].widget.attrs["max"] = max(self.max_quantity, min_quantity)
        self.latest_date = self.today + PLEDGE_HORIZON
        # A needed-by day already past no longer limits anything: the coordinator kept
        # the need open, so it is still wanted.
        if need.needed_by and self.today <= need.needed_by < self.latest_date:
            self.latest_date = need.needed_by
        self.fields["expected_on"].widget.attrs.update(
            min=self.today.isoformat(), max=self.latest_date.isoformat()
        )
        if pledge is None:
            self.initial.setdefault("quantity", 1)
            self.initial.setdefault("method", Pledge.Method.DROP_OFF)
            self.initial.setdefault(
                "expected_on", min(self.today + datetime.timedelta(days=7), self.latest_date)
            )
        else:
            self.initial.update(
                quantity=pledge.quantity, method=pledge.method, expected_on=pledge.expected_on
            )

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity > self.max_quantity:
            raise forms.ValidationError(self.too_many_message(self.max_quantity))
        return quantity

    def clean_expected_on(self):
        expected_on = self.cleaned_data["expected_on"]
        # A pledge being changed may keep the date it has, even one these rules now refuse.
        if self.pledge is not None and expected_on == self.pledge.expected_on:
            return expected_on
        if expected_on < self.today:
            raise forms.ValidationError(_("Choose today or a later date."))
        if expected_on > self.latest_date:
            if self.latest_date == self.need.needed_by:
                raise forms.ValidationError(
                    _("It is needed by %(date)s. Choose that day or an earlier one.")
                    % {"date": formats.date_format(self.latest_date, "DATE_FORMAT")}
                )
            raise forms.ValidationError(_("Choose a date within the next 90 days."))
        return expected_on

    @staticmethod
    def too_many_message(open_quantity):
        if open_quantity == 0:
            return _("Nothing more is needed right now: others have pledged it all. Thank you!")
        return ngettext(
            "Only %(count)d is still needed.", "Only %(count)d are still needed.", open_quantity
        ) % {"count": open_quantity}


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "title",
            "category",
            "priority",
            "quantity_needed",
            "unit",
            "needed_by",
            "description",
        ]
        widgets = {
            "needed_by": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_needed_by(self):
        needed_by = self.cleaned_data["needed_by"]
        unchanged = self.instance.pk and needed_by == self.instance.needed_by
        if needed_by and needed_by < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("Choose today or a later date, or leave it empty."))
        return needed_by

    def changes(self):
        """The edited fields, for services.need_update."""
        return {field: self.cleaned_data[field] for field in self.changed_data}


class NeedActionForm(forms.Form):
    """The quick buttons of a need's row on the coordinator's list."""

    ACTIONS = {
        "priority": None,
        "pause": Need.Status.PAUSED,
        "resume": Need.Status.OPEN,
        "archive": Need.Status.ARCHIVED,
        "reopen": Need.Status.OPEN,
    }
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)

    def changes(self):
        action = self.cleaned_data["action"]
        if action == "priority":
            priority = self.cleaned_data["priority"]
            return {"priority": priority} if priority else {}
        return {"status": self.ACTIONS[action]}


class ReceiveForm(forms.Form):
    def __init__(self, *args, pledge, **kwargs):
        # Many of these forms share a page: each needs its own element ids.
        super().__init__(*args, auto_id=f"id_receive_{pledge.pk}_%s", **kwargs)
        self.pledge = pledge
        self.fields["quantity"] = forms.IntegerField(
            label=_("Units received"),
            min_value=1,
            max_value=pledge.outstanding,
            initial=pledge.outstanding,
            error_messages=QUANTITY_MESSAGES,
        )


class WalkInForm(forms.Form):
    need = forms.ModelChoiceField(label=_("Item"), queryset=Need.objects.none())
    quantity = forms.IntegerField(
        label=_("Units received"),
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages=QUANTITY_MESSAGES,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example who brought it. Only your organization's coordinators see it."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = (
            Need.objects.filter(organization=organization)
            .exclude(status=Need.Status.ARCHIVED)
            .order_by("title", "pk")
        )

    @staticmethod
    def too_many_message(need):
        """Why a walk-in larger than what the need still lacks is refused, and what to do."""
        if need.quantity_received >= need.quantity_needed:
            first = _("Everything needed has already arrived.")
        elif need.open_quantity:
            first = ngettext(
                "Only %(count)d is still needed.",
                "Only %(count)d are still needed.",
                need.open_quantity,
            ) % {"count": need.open_quantity}
        else:
            first = _("Nothing more is needed: the rest is pledged.")
        steps = []
        if need.quantity_pledged:
            steps.append(
                _("Items a donor pledged are marked received under “Pledges on their way”.")
            )
        steps.append(_("To record more, first raise the quantity needed."))
        return " ".join([str(first), *map(str, steps)])


class DropOffForm(forms.ModelForm):
    class Meta:
        model = DropOff
        fields = ["place", "place_is_public", "hours", "instructions", "shipping_address"]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "shipping_address": forms.Textarea(attrs={"rows": 3}),
        }
