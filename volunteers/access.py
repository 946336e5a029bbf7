"""Access checks: one helper per object kind, called by every view that touches it.

Each answers 404 to anyone who may not see the object, so that outsiders cannot
tell which shifts, sign-ups or verifications exist.
"""

from functools import partial

from django.db.models import BigIntegerField, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.lib.prepared import Parameter, PreparedQuery, fits_a_key
from core.models import Membership

from .models import Shift, SignUp, Verification


def _coordinated(request):
    if not request.user.is_authenticated:
        raise Http404
    return {"organization__memberships__user": request.user}


# Prepared (core.lib.prepared): every management page of a shift runs it first.
COORDINATED_SHIFT = PreparedQuery(
    lambda: Shift.objects.select_related("organization", "private_details").filter(
        pk=Parameter("pk", BigIntegerField()),
        organization__memberships__user=Parameter("user", BigIntegerField()),
    )
)


def _check_key(pk):
    if not fits_a_key(pk):
        raise Http404


def shift_for_coordinator(request, pk):
    _check_key(pk)
    if not request.user.is_authenticated:
        raise Http404
    for shift in COORDINATED_SHIFT.objects(0, 1, pk=pk, user=request.user.pk):
        return shift
    raise Http404


def signup_for_coordinator(request, pk):
    return get_object_or_404(
        SignUp.objects.select_related("shift__organization", "volunteer"),
        pk=pk,
        **{f"shift__{key}": value for key, value in _coordinated(request).items()},
    )


def verification_for_coordinator(request, pk):
    return get_object_or_404(
        Verification.objects.select_related("organization"), pk=pk, **_coordinated(request)
    )


def _public_shift(counts, lock):
    shifts = Shift.objects.select_related("organization__shift_policy")
    if counts:
        shifts = shifts.with_counts()
    coordinates = Exists(
        Membership.objects.filter(
            organization=OuterRef("organization"), user=Parameter("user", BigIntegerField())
        )
    )
    shifts = shifts.annotate(viewer_coordinates=coordinates).filter(
        pk=Parameter("pk", BigIntegerField())
    )
    return shifts.select_for_update(of=("self",)) if lock else shifts


# Prepared (core.lib.prepared): each shift's page and each sign-up runs one, and
# compiling it cost more than a third of an htmx sign-up.
PUBLIC_SHIFT = {
    (counts, lock): PreparedQuery(partial(_public_shift, counts, lock))
    for counts, lock in [(True, False), (False, False), (False, True)]
}


def shift_for_public(request, pk, counts=True, lock=False):
    """A shift of a published organization, or of one the user coordinates, in one query.

    With `counts`, it carries its confirmed and waitlisted places (with_counts()); a view
    that counts them again under the lock leaves them out. With `lock`, the shift is
    locked until the transaction ends (which must be open): a sign-up reads it once, to
    check who may see it and to take a place."""
    _check_key(pk)
    found = PUBLIC_SHIFT[counts, lock].objects(0, 1, pk=pk, user=request.user.pk)
    if not found or not (found[0].organization.is_published or found[0].viewer_coordinates):
        raise Http404
    return found[0]
