"""Background work: emails to volunteers, and reminders that are never sent twice or lost.

A reminder is recorded on its sign-up by a conditional UPDATE of `reminded_for` to
the shift's start, in the same transaction as the sending: a second run of the
task finds the row already claimed and sends nothing; a run that dies before the
email is handed over rolls the claim back, and the periodic sweep sends it later.
A moved shift's old reminder finds the start changed and does nothing.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .emails import send_signup_email as deliver
from .models import REMINDER_LEAD, SignUp

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=10)
SWEEP_CHAIN_KEY = "volunteers:reminder-sweep-chain"


def _load(signup_id):
    return (
        SignUp.objects.select_related("shift__organization", "volunteer")
        .filter(pk=signup_id)
        .first()
    )


@task
def send_signup_email(signup_id, name, status=None):
    """Send emails/<name> about a place as it stood when queued (`status`). A place whose
    status changed before the email went out (cancelled, or confirmed off the waitlist)
    gets none: what it would say is no longer true, and the change sent its own. Tasks
    queued before `status` was passed carry none, and are sent."""
    signup = _load(signup_id)
    if signup is not None and status in (None, signup.status):
        deliver(signup, name)


def remind(signup_id, start):
    """Send the "still coming?" reminder for the shift starting at `start`, at most once."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            SignUp.objects.filter(
                pk=signup_id,
                status=SignUp.Status.CONFIRMED,
                shift__start=start,
                shift__start__gt=now,
                shift__start__lte=now + REMINDER_LEAD,
                shift__cancelled_at__isnull=True,
            )
            .exclude(reminded_for=start)
            .update(reminded_for=start)
        )
        if claimed:
            deliver(_load(signup_id), "shift_reminder")
    return bool(claimed)


@task
def send_reminder(signup_id, start):
    return remind(signup_id, datetime.fromisoformat(start))


def sweep_due_reminders():
    """Send every reminder that is due and was not sent: missed runs, dead workers."""
    sent = 0
    for signup_id, start in SignUp.objects.due_for_reminder().values_list("pk", "shift__start"):
        try:
            sent += remind(signup_id, start)
        except Exception:
            # One bad address must not hold up everyone else's reminder; the next
            # sweep tries it again since the claim was rolled back.
            logger.exception("Reminder for sign-up %s failed", signup_id)
    return sent


def start_reminder_sweeps():
    """Start a chain of sweeps that re-enqueues itself; a newer chain replaces an older one,
    so starting the server twice does not double the sweeps."""
    chain = secrets.token_hex(8)
    cache.set(SWEEP_CHAIN_KEY, chain, None)
    return sweep_reminders.enqueue(chain)


@task
def sweep_reminders(chain=""):
    sent = sweep_due_reminders()
    backend = sweep_reminders.get_backend()
    if chain and backend.supports_defer and cache.get(SWEEP_CHAIN_KEY) == chain:
        sweep_reminders.using(run_after=timezone.now() + SWEEP_EVERY).enqueue(chain)
    return sent


@task
def send_shift_message(signup_ids, subject, body):
    """A coordinator's message to the confirmed volunteers of a shift, one email each
    so that nobody sees the others' addresses."""
    for signup in SignUp.objects.select_related("shift__organization", "volunteer").filter(
        pk__in=signup_ids
    ):
        deliver(signup, "shift_message", subject=subject, body=body)
