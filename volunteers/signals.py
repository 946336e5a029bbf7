from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import SignUp
from .services import signup_cancel


@receiver(pre_delete, sender=get_user_model())
def free_places_of_a_deleted_account(sender, instance, **kwargs):
    """A deleted account's upcoming places go to the waitlist; its past sign-ups stay,
    anonymised by SET_NULL, so that the hours stay in the organizations' reports."""
    upcoming = SignUp.objects.holding_a_place().filter(
        volunteer=instance, shift__start__gt=timezone.now()
    )
    for signup in upcoming:
        signup_cancel(signup, by_volunteer=False)
