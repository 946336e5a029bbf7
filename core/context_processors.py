from django.conf import settings


def safety(request):
    """What the safety shell on every page needs."""
    return {"quick_exit_url": settings.QUICK_EXIT_URL}
