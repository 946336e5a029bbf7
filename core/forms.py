from django import forms
from django.forms import inlineformset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Organization, OrganizationLink, Service, User


class SignupForm(forms.Form):
    """Extra sign-up field for django-allauth: the name coordinators will see."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("Optional. Shown to coordinators of shifts you sign up for."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.language = translation.get_language_from_request(request, check_path=True)
        user.save(update_fields=["name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone", "language"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password


class ListFilterForm(forms.Form):
    """The filter above a list, bound to the query string."""

    @property
    def filters_set(self):
        """How many of the filter's fields narrow the list: valid and not blank."""
        self.is_valid()
        return sum(1 for value in getattr(self, "cleaned_data", {}).values() if value)


class DirectoryFilterForm(ListFilterForm):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        choices=[("", _("All services")), *Service.choices],
    )

    def filtered(self, queryset):
        """The queryset narrowed by whatever part of the filter is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return queryset.search(text=data.get("q", ""), service=data.get("service", ""))


class OrganizationForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organization
        fields = [
            "summary",
            "summary_es",
            "mission",
            "mission_es",
            "address",
            "phone",
            "email",
            "website",
            "legal_name",
            "ein",
        ]
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 4}),
            "mission_es": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["services"] = [s.service for s in self.instance.services.all()]

    def save(self, commit=True):
        organization = super().save(commit=commit)
        chosen = set(self.cleaned_data["services"])
        current = {s.service for s in organization.services.all()}
        organization.services.exclude(service__in=chosen).delete()
        organization.services.bulk_create(
            [
                organization.services.model(organization=organization, service=s)
                for s in chosen - current
            ]
        )
        return organization


OrganizationLinkFormSet = inlineformset_factory(
    Organization,
    OrganizationLink,
    fields=["kind", "label", "label_es", "url"],
    extra=1,
    can_delete=True,
    max_num=10,
)
