from django.core.management.base import BaseCommand

from volunteers.tasks import start_reminder_sweeps, sweep_due_reminders


class Command(BaseCommand):
    help = (
        "Send every shift reminder that is due and was not sent yet (safe to run from cron "
        "at any interval), or with --start, queue the background sweep that repeats itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            action="store_true",
            help="Queue the periodic sweep for the task worker instead of sweeping now.",
        )

    def handle(self, *args, start=False, **options):
        if start:
            start_reminder_sweeps()
            self.stdout.write("Reminder sweeps queued for the task worker.")
            return
        sent = sweep_due_reminders()
        self.stdout.write(f"Reminders sent: {sent}.")
