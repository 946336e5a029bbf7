from django.core.management.base import BaseCommand

from needs.tasks import sweep_pledges


class Command(BaseCommand):
    help = (
        "Enqueue one reminder for each pledge past its expected date and purge guest "
        "pledges never confirmed. Safe to run as often as you like (cron, hourly)."
    )

    def handle(self, *args, **options):
        enqueued, purged = sweep_pledges()
        self.stdout.write(
            f"{enqueued} reminder(s) enqueued, {purged} unconfirmed pledge(s) purged."
        )
