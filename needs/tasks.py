"""Background work for pledges: the one reminder after the expected date, and
clearing guest pledges nobody confirmed."""

from django.tasks import task
from django.utils import timezone

from . import services
from .models import Pledge


@task
def send_pledge_reminder(pledge_id):
    """Send a pledge's one reminder. Claimed with a conditional UPDATE first, so a
    second run, or a second worker, finds nothing to claim and sends nothing."""
    claimed = (
        Pledge.objects.reminder_due(timezone.localdate())
        .filter(pk=pledge_id)
        .update(reminded_at=timezone.now())
    )
    if not claimed:
        return False
    pledge = Pledge.objects.select_related("need__organization", "donor").get(pk=pledge_id)
    if not services.send_pledge_email("pledge_reminder", pledge):
        # Not sent: let the next sweep try again.
        Pledge.objects.filter(pk=pledge_id).update(reminded_at=None)
        return False
    return True


def sweep_pledges():
    """Enqueue the reminders that are due and purge expired guest pledges.

    Run it from cron (manage.py send_pledge_reminders), for example hourly.
    Returns (reminders enqueued, pledges purged).
    """
    due = list(Pledge.objects.reminder_due(timezone.localdate()).values_list("pk", flat=True))
    for pledge_id in due:
        send_pledge_reminder.enqueue(pledge_id)
    # Never confirmed, they never counted: nothing to give back, only a stranger's address to drop.
    purged, _ = Pledge.objects.unconfirmed_expired(timezone.now()).delete()
    return len(due), purged
