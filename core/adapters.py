from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails to a person with an account go out in the language they chose
    for emails, links included, whatever language the page that sent them was in."""

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        with translation.override(emailconfirmation.email_address.user.language):
            super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_password_reset_mail(self, user, email, context):
        with translation.override(user.language):
            url = self.get_reset_password_from_key_url(f"{context['uid']}-{context['key']}")
            super().send_password_reset_mail(user, email, {**context, "password_reset_url": url})
