from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    MAX_GIFT_CENTS,
    MIN_GIFT_CENTS,
    Donation,
    DonationGoal,
    Frequency,
    goal_day_error,
)

PRESET_DOLLARS = [25, 50, 100, 250]


class DonationForm(forms.Form):
    """A gift: a preset or custom amount in dollars, validated here, never in the browser alone."""

    # Declared in the order of the page, which the error summary follows.
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.ONCE,
    )
    preset = forms.ChoiceField(
        label=_("Amount"),
        choices=[(str(d), f"${d}") for d in PRESET_DOLLARS] + [("other", _("Other amount"))],
        widget=forms.RadioSelect,
        initial="50",
    )
    custom_amount = forms.CharField(
        label=_("Other amount in US dollars"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("From $1 to $25,000."),
    )
    cover_fee = forms.BooleanField(
        label=_("Add the card processing fee so the organization receives my whole gift"),
        required=False,
    )
    is_anonymous = forms.BooleanField(
        label=_("Give anonymously"),
        required=False,
        help_text=_(
            "Your name is not shown anywhere on Hearth. The organization still receives it "
            "with your receipt, as the law requires."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email for your receipt"),
        max_length=Donation._meta.get_field("donor_email").max_length,
        required=False,
        help_text=_("Stripe asks for it if you leave it empty."),
    )
    note = forms.CharField(
        label=_("Note to the organization (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset is None or self.has_error("custom_amount"):
            return data
        text = (data.get("custom_amount") or "").strip().replace("$", "").replace(",", "")
        # An amount typed in "Other amount" is the one meant, whichever button is chosen.
        if preset != "other" and not text:
            data["amount_cents"] = int(preset) * 100
            return data
        try:
            dollars = Decimal(text)
        except InvalidOperation:
            dollars = None
        if dollars is None or not dollars.is_finite():
            self.add_error("custom_amount", _("Enter an amount in dollars, like 40 or 12.50."))
        elif dollars.as_tuple().exponent < -2:
            self.add_error("custom_amount", _("Use at most two digits for cents, like 12.50."))
        # Compared in dollars: a typed 1e999999 times 100 would overflow Decimal.
        elif dollars < Decimal(MIN_GIFT_CENTS) / 100:
            self.add_error("custom_amount", _("The smallest gift is $1."))
        elif dollars > Decimal(MAX_GIFT_CENTS) / 100:
            self.add_error(
                "custom_amount",
                _("The largest gift online is $25,000. For more, please contact the organization."),
            )
        else:
            data["amount_cents"] = int(dollars * 100)
        return data


class DonationGoalForm(forms.ModelForm):
    target_dollars = forms.IntegerField(
        label=_("Goal in US dollars"), min_value=1, max_value=10_000_000
    )

    class Meta:
        model = DonationGoal
        fields = ["title", "period", "starts_on", "ends_on", "is_active"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["target_dollars"] = self.instance.target_cents // 100

    def clean(self):
        data = super().clean()
        far = {
            name: error
            for name in ("starts_on", "ends_on")
            if data.get(name) and (error := goal_day_error(data[name]))
        }
        for name, error in far.items():
            self.add_error(name, error)
        if far:
            return data
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if data.get("period") == DonationGoal.Period.CAMPAIGN and not (starts and ends):
            self.add_error("ends_on", _("A campaign needs a start and an end date."))
        elif starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be after the start date."))
        return data

    def save(self, commit=True):
        self.instance.target_cents = self.cleaned_data["target_dollars"] * 100
        return super().save(commit=commit)
