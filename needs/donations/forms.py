import re

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
# A plain amount in US dollars, as people write one: 40, 12.50, $1,250. Nothing Python
# alone would read as a number (1e3, 1_000, other scripts' digits), and commas only
# between groups of three digits: 12,50 is not taken for $1,250.
PLAIN_DOLLARS = re.compile(
    r"(?P<minus>-)?\$?\s*(?P<dollars>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<cents>[0-9]*))?"
)


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # hearth.js: typing in the box chooses "Other amount", and a preset empties the box.
        other = next(radio for radio in self["preset"] if radio.data["value"] == "other")
        self.fields["custom_amount"].widget.attrs["data-selects"] = other.id_for_label

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset is None or self.has_error("custom_amount"):
            return data
        typed = data.get("custom_amount", "")
        # The button chosen is the gift, so the amount charged is the one the donor sees
        # chosen. A preset with an amount typed too (without JavaScript, which empties
        # the box) is asked about rather than guessed.
        if preset != "other":
            if typed:
                label = dict(self.fields["preset"].choices)[preset]
                self.add_error(
                    "custom_amount",
                    _(
                        "Choose “Other amount” to give the amount typed here, "
                        "or empty this box to give %(amount)s."
                    )
                    % {"amount": label},
                )
            else:
                data["amount_cents"] = int(preset) * 100
            return data
        amount_cents = self.typed_cents(typed)
        if amount_cents is not None:
            data["amount_cents"] = amount_cents
        return data

    def typed_cents(self, typed):
        """The amount typed in "Other amount", in cents; None, with the error added, if it
        is not a plain dollar amount from $1 to $25,000."""
        plain = PLAIN_DOLLARS.fullmatch(typed)
        if plain is None:
            self.add_error("custom_amount", _("Enter an amount in dollars, like 40 or 12.50."))
            return None
        dollars, cents = plain["dollars"].replace(",", ""), plain["cents"] or ""
        if len(cents) > 2:
            self.add_error("custom_amount", _("Use at most two digits for cents, like 12.50."))
            return None
        amount_cents = int(dollars) * 100 + int(cents.ljust(2, "0"))
        if plain["minus"] or amount_cents < MIN_GIFT_CENTS:
            self.add_error("custom_amount", _("The smallest gift is $1."))
        elif amount_cents > MAX_GIFT_CENTS:
            self.add_error(
                "custom_amount",
                _("The largest gift online is $25,000. For more, please contact the organization."),
            )
        else:
            return amount_cents
        return None


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
