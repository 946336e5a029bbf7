"""Access checks: one helper per object kind, called by every view that touches it."""

from django.http import Http404

from .models import Organization


def organization_for_coordinator(request, slug):
    """The organization named by slug if the user coordinates it; 404 otherwise.

    A 404 rather than a 403 keeps outsiders from learning which slugs exist.
    """
    if not request.user.is_authenticated:
        raise Http404
    try:
        return Organization.objects.get(slug=slug, memberships__user=request.user)
    except Organization.DoesNotExist:
        raise Http404 from None


def coordinated_organizations(user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).order_by("name")
