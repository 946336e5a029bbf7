"""Workflows that touch a need's totals: pledging, receiving, releasing.

Every function locks the need's row (and the pledge's) before it reads the
totals, so two donors racing for the last units get one yes and one clear no.
On PostgreSQL the lock is SELECT ... FOR UPDATE; SQLite runs with IMMEDIATE
transactions, which take the database's write lock when the block starts.
"""

import logging

from django.db import transaction
from django.utils import timezone, translation

from core.lib.email import absolute_url, send_templated_email

from .models import DropOff, Need, Pledge, Receipt

logger = logging.getLogger(__name__)


class NotEnoughOpen(Exception):
    """The pledge (or walk-in) asks for more than is still open; `need` as it stands."""

    def __init__(self, open_quantity, need=None):
        super().__init__(open_quantity)
        self.open_quantity = open_quantity
        self.need = need


class PledgeStateError(Exception):
    """The pledge is no longer in a state that allows this action."""


def _locked(need_pk, pledge_pk=None):
    """The need (and pledge) re-read under a row lock, need first to avoid deadlocks."""
    need = Need.objects.select_for_update().select_related("organization").get(pk=need_pk)
    if pledge_pk is None:
        return need
    pledge = Pledge.objects.select_for_update().get(pk=pledge_pk)
    pledge.need = need
    return need, pledge


def _hold(need, units):
    """Reserve `units` more of the need for a pledge, or refuse if they are not open."""
    if units > need.open_quantity:
        raise NotEnoughOpen(need.open_quantity)
    need.quantity_pledged += units


def pledge_create(
    *, need, quantity, method, expected_on, donor=None, name="", email="", language="en"
):
    """A logged-in donor's pledge counts at once; a guest's waits for email confirmation."""
    with transaction.atomic():
        need = _locked(need.pk)
        if need.status != Need.Status.OPEN:
            raise PledgeStateError
        pledge = Pledge(
            need=need,
            donor=donor,
            name="" if donor else name,
            email="" if donor else email,
            language=language,
            quantity=quantity,
            method=method,
            expected_on=expected_on,
        )
        if donor:
            _hold(need, quantity)
            need.save(update_fields=["quantity_pledged", "updated_at"])
            pledge.status = Pledge.Status.CONFIRMED
            pledge.confirmed_at = timezone.now()
        elif quantity > need.open_quantity:
            # Checked again on confirmation; refusing now saves the guest an email.
            raise NotEnoughOpen(need.open_quantity)
        pledge.save()
    send_pledge_email("pledge_confirmed" if donor else "pledge_confirm_request", pledge)
    return pledge


def pledge_confirm(pledge):
    """A guest confirmed by the emailed link: the pledge now holds its units."""
    with transaction.atomic():
        need, pledge = _locked(pledge.need_id, pledge.pk)
        if pledge.status != Pledge.Status.PENDING:
            raise PledgeStateError
        if need.status != Need.Status.OPEN:
            raise NotEnoughOpen(0)
        _hold(need, pledge.quantity)
        need.save(update_fields=["quantity_pledged", "updated_at"])
        pledge.status = Pledge.Status.CONFIRMED
        pledge.confirmed_at = timezone.now()
        pledge.save(update_fields=["status", "confirmed_at"])
    send_pledge_email("pledge_confirmed", pledge)
    return pledge


def pledge_change(pledge, *, quantity, method, expected_on):
    """Change a pending or confirmed pledge; a confirmed one may only grow into open units."""
    with transaction.atomic():
        need, pledge = _locked(pledge.need_id, pledge.pk)
        if not pledge.can_be_changed:
            raise PledgeStateError
        if quantity < pledge.delivered:
            raise ValueError("A pledge cannot shrink below what was already delivered.")
        if pledge.status == Pledge.Status.CONFIRMED:
            before = pledge.outstanding
            after = quantity - pledge.delivered
            if after > before and need.status != Need.Status.OPEN:
                raise NotEnoughOpen(pledge.quantity)
            need.quantity_pledged -= before
            try:
                _hold(need, after)
            except NotEnoughOpen as refused:
                # Said as the largest quantity this pledge may have, delivered units included.
                raise NotEnoughOpen(refused.open_quantity + pledge.delivered) from None
            need.save(update_fields=["quantity_pledged", "updated_at"])
        if expected_on != pledge.expected_on:
            # A new date earns a new reminder if that one passes too.
            pledge.reminded_at = None
        pledge.quantity, pledge.method, pledge.expected_on = quantity, method, expected_on
        if pledge.status == Pledge.Status.CONFIRMED and pledge.delivered == quantity:
            pledge.status = Pledge.Status.DELIVERED
            pledge.closed_at = timezone.now()
        pledge.save()
    if pledge.status == Pledge.Status.CONFIRMED:
        send_pledge_email("pledge_confirmed", pledge, changed=True)
    return pledge


def pledge_cancel(pledge):
    """The donor withdraws what did not arrive yet: those units open again, and what
    arrived stays received and on the pledge (it then reads "2 of 3 arrived")."""
    with transaction.atomic():
        need, pledge = _locked(pledge.need_id, pledge.pk)
        if not pledge.can_be_changed:
            raise PledgeStateError
        if pledge.status == Pledge.Status.CONFIRMED:
            need.quantity_pledged -= pledge.outstanding
            need.save(update_fields=["quantity_pledged", "updated_at"])
        pledge.status = Pledge.Status.CANCELLED
        pledge.closed_at = timezone.now()
        pledge.save(update_fields=["status", "closed_at"])
    return pledge


def pledge_receive(pledge, *, quantity, recorded_by):
    """Record that `quantity` units of a pledge arrived (all of it, or part)."""
    with transaction.atomic():
        need, pledge = _locked(pledge.need_id, pledge.pk)
        if pledge.status != Pledge.Status.CONFIRMED:
            raise PledgeStateError
        if not 1 <= quantity <= pledge.outstanding:
            raise ValueError("Receive between 1 and the units still outstanding.")
        pledge.delivered += quantity
        need.quantity_pledged -= quantity
        need.quantity_received += quantity
        if pledge.delivered == pledge.quantity:
            pledge.status = Pledge.Status.DELIVERED
            pledge.closed_at = timezone.now()
        pledge.save(update_fields=["delivered", "status", "closed_at"])
        need.sync_status()
        need.save(update_fields=["quantity_pledged", "quantity_received", "status", "updated_at"])
        Receipt.objects.create(need=need, pledge=pledge, quantity=quantity, recorded_by=recorded_by)
    return pledge


def pledge_release(pledge):
    """The coordinator gives up on an overdue pledge so its units open again."""
    with transaction.atomic():
        need, pledge = _locked(pledge.need_id, pledge.pk)
        if not pledge.can_be_released:
            raise PledgeStateError
        need.quantity_pledged -= pledge.outstanding
        need.save(update_fields=["quantity_pledged", "updated_at"])
        pledge.status = Pledge.Status.RELEASED
        pledge.closed_at = timezone.now()
        pledge.save(update_fields=["status", "closed_at"])
    send_pledge_email("pledge_released", pledge)
    return pledge


def walk_in_record(*, need, quantity, note="", recorded_by=None):
    """Items that arrived without a pledge, up to what the need still lacks.

    Units already pledged are not lacking: they arrive on their pledge. So a typo
    (9999 for 9) is refused instead of filling the need, and received plus pledged
    never passes what is needed.
    """
    with transaction.atomic():
        need = _locked(need.pk)
        if quantity > need.open_quantity:
            raise NotEnoughOpen(need.open_quantity, need=need)
        need.quantity_received += quantity
        need.sync_status()
        need.save(update_fields=["quantity_received", "status", "updated_at"])
        Receipt.objects.create(need=need, quantity=quantity, note=note, recorded_by=recorded_by)
    return need


def need_update(need, **changes):
    """Apply a coordinator's edits to the current row, never to stale totals."""
    with transaction.atomic():
        need = _locked(need.pk)
        for field, value in changes.items():
            setattr(need, field, value)
        need.sync_status()
        need.save(update_fields=[*changes, "status", "updated_at"])
    return need


def send_pledge_email(name, pledge, **extra):
    """Email the pledger in their language; a failed send is logged, never a lost pledge."""
    need = pledge.need
    organization = need.organization
    with translation.override(pledge.contact_language):
        context = {
            "pledge": pledge,
            "need": need,
            "organization": organization,
            "dropoff": DropOff.objects.filter(organization=organization).first(),
            "manage_url": absolute_url(pledge.get_manage_url()),
            "organization_url": absolute_url(organization.get_absolute_url()),
            **extra,
        }
    try:
        send_templated_email(
            name,
            pledge.contact_email,
            context,
            language=pledge.contact_language,
            reply_to=organization.email or None,
        )
    except Exception:
        logger.exception("Could not send %s for pledge %s", name, pledge.pk)
        return False
    return True
