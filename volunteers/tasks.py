"""Background work: emails to volunteers, and reminders that are never sent twice or lost.

Reminders are the sweep's: every ten minutes (from cron, or a chain of tasks that the
worker repeats) it sends the reminder of each confirmed place whose shift starts within
REMINDER_LEAD, with no task queued for each place. A reminder is recorded on its sign-up
by a conditional UPDATE of `reminded_for` to the shift's start, in the same transaction
as the sending: a second sweep at the same time finds the row already claimed and sends
nothing; a send that fails rolls the claim back, and the next sweep tries again. A moved
shift's places are reminded for its new start.
"""

import logging
import secrets
from datetime import timedelta

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


def sweep_due_reminders():
    """Send every reminder that is due and has not gone out."""
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
    """One sweep of a chain, which queues the next even when this one fails (the
    database away for a moment, say): reminders go out only through sweeps."""
    try:
        return sweep_due_reminders()
    finally:
        backend = sweep_reminders.get_backend()
        if chain and backend.supports_defer and cache.get(SWEEP_CHAIN_KEY) == chain:
            sweep_reminders.using(run_after=timezone.now() + SWEEP_EVERY).enqueue(chain)


@task
def send_shift_message(signup_ids, subject, body):
    """A coordinator's message to the confirmed volunteers of a shift, one email each
    so that nobody sees the others' addresses."""
    for signup in SignUp.objects.select_related("shift__organization", "volunteer").filter(
        pk__in=signup_ids
    ):
        deliver(signup, "shift_message", subject=subject, body=body)
