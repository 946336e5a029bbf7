"""Access checks for needs and pledges: one helper per object kind, called by every
view that touches it. Outsiders get a 404, so they cannot learn which ids exist."""

from django.core import signing
from django.http import Http404

from .models import PLEDGE_TOKEN_SALT, Need, Pledge


def need_for_coordinator(request, pk):
    """The need if the user coordinates its organization; 404 otherwise."""
    if not request.user.is_authenticated:
        raise Http404
    need = (
        Need.objects.select_related("organization")
        .filter(pk=pk, organization__memberships__user=request.user)
        .first()
    )
    if need is None:
        raise Http404
    return need


def pledge_for_coordinator(request, pk):
    """The pledge if the user coordinates the organization it was made to; 404 otherwise."""
    if not request.user.is_authenticated:
        raise Http404
    pledge = (
        Pledge.objects.select_related("need__organization", "donor")
        .filter(pk=pk, need__organization__memberships__user=request.user)
        .first()
    )
    if pledge is None:
        raise Http404
    return pledge


def pledge_for_token(token):
    """The pledge named by a signed link from its email; whoever holds the link may manage it."""
    try:
        pk = signing.loads(token, salt=PLEDGE_TOKEN_SALT)
    except signing.BadSignature:
        raise Http404 from None
    pledge = Pledge.objects.select_related("need__organization", "donor").filter(pk=pk).first()
    if pledge is None:
        raise Http404
    return pledge
