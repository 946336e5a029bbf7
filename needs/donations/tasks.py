from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.lib.email import send_templated_email

from .models import Donation


@task
def send_donation_receipt(donation_id):
    """Email the tax receipt for one received payment, once, however often this runs."""
    with transaction.atomic():
        # The conditional update claims the receipt; a second run finds it claimed. If
        # sending fails, the claim rolls back and the sweep or a retry sends it later.
        claimed = Donation.objects.filter(
            pk=donation_id, receipt_sent_at__isnull=True, paid_at__isnull=False
        ).update(receipt_sent_at=timezone.now())
        if not claimed:
            return False
        donation = Donation.objects.select_related("organization").get(pk=donation_id)
        if not donation.donor_email:
            return False
        send_templated_email(
            "donation_receipt",
            donation.donor_email,
            {"donation": donation, "organization": donation.organization},
            language=donation.language,
            reply_to=donation.organization.email or None,
        )
    return True
