"""allauth's forms as Hearth shows them."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """The login form, with "Forgot your password?" after the password box, so that Tab
    goes from the email box to the password box (templates/forms/field_link_after.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].template_name = "forms/field_link_after.html"
