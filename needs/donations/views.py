from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from core.access import organization_for_coordinator
from core.lib.spreadsheets import export_response
from core.models import Organization, OrganizationLink

from .forms import DonationForm, DonationGoalForm
from .models import Donation, DonationGoal, Frequency, RecurringGift
from .resources import DonationResource
from .services import (
    DonationError,
    connect_refresh_status,
    connect_start_onboarding,
    covered_fee_cents,
    donation_start_checkout,
    recurring_gift_cancel,
)
from .webhooks import BadEvent, webhook_receive


def published_organization(slug):
    return get_object_or_404(Organization.objects.published(), slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
def donate(request, slug):
    organization = published_organization(slug)
    donation_links = list(organization.links.filter(kind=OrganizationLink.Kind.DONATION))
    user = request.user if request.user.is_authenticated else None
    checkout_error = None
    initial = {"name": user.name, "email": user.email} if user else {}
    form = DonationForm(request.POST or None, initial=initial)
    if request.method == "POST" and organization.takes_donations and form.is_valid():
        data = form.cleaned_data
        try:
            _donation, checkout_url = donation_start_checkout(
                organization=organization,
                amount_cents=data["amount_cents"],
                frequency=data["frequency"],
                cover_fee=data["cover_fee"],
                note=data["note"],
                is_anonymous=data["is_anonymous"],
                donor=user,
                donor_name=data["name"],
                donor_email=data["email"],
                language=translation.get_language(),
            )
        except DonationError as error:
            # Shown with the form rather than as a message: when Stripe is down or the
            # organization's account is broken, trying again will not help, so the page
            # offers the organization's own ways to give too.
            checkout_error = str(error)
        else:
            return HttpResponseRedirect(checkout_url, status=303)
    return TemplateResponse(
        request,
        "needs/donate.html",
        {
            "organization": organization,
            "form": form,
            "donation_links": donation_links,
            "checkout_error": checkout_error,
            "canceled": request.GET.get("canceled") == "1",
            "goal": active_goal(organization),
        },
    )


@require_safe
def donate_fee(request, slug):
    """The "cover the fee" label for the amount being chosen, swapped in by htmx as it changes."""
    organization = published_organization(slug)
    form = DonationForm(request.GET)
    return TemplateResponse(
        request,
        "needs/donate.html#fee",
        {"organization": organization, "form": form, "fee_offer": fee_offer(form)},
    )


def fee_offer(form):
    """What covering the card fee adds to the gift chosen so far, whatever the form's other
    fields hold; None while its amount is not valid."""
    form.is_valid()
    amount_cents = form.cleaned_data.get("amount_cents")
    if amount_cents is None:
        return None
    return {
        "amount_cents": amount_cents,
        "fee_cents": covered_fee_cents(amount_cents),
        "monthly": form.cleaned_data.get("frequency") == Frequency.MONTHLY,
    }


def active_goal(organization):
    goal = organization.donation_goals.filter(is_active=True).first()
    if goal is not None:
        goal.raised = goal.raised_cents()
    return goal


@require_safe
@vary_on_headers("HX-Request")
def donation_return(request, public_id):
    """Where Stripe sends the donor back; it polls until the webhook confirms the gift."""
    donation = get_object_or_404(
        Donation.objects.select_related("organization"), public_id=public_id
    )
    template = "needs/donation_return.html"
    if request.htmx:
        template += "#status"
    return TemplateResponse(request, template, {"donation": donation})


@login_required
@require_safe
def my_gifts(request):
    donations = Donation.objects.for_donor(request.user).listed().newest_first()
    gifts = RecurringGift.objects.for_donor(request.user)
    # In Kansas City's time, as the year's summary counts them.
    years = sorted(
        {timezone.localtime(d.paid_at).year for d in donations if d.paid_at}, reverse=True
    )
    return TemplateResponse(
        request,
        "needs/my_gifts.html",
        {"donations": donations, "recurring_gifts": gifts, "years": years},
    )


# Year-end summaries exist from this year to the current one; no gift Hearth holds is older.
FIRST_SUMMARY_YEAR = 2000


@login_required
@require_safe
def gift_summary(request, year):
    """A year-end summary of the donor's received gifts, per organization, as a text file."""
    if not FIRST_SUMMARY_YEAR <= year <= timezone.localdate().year:
        raise Http404
    donations = (
        Donation.objects.for_donor(request.user)
        .counted()
        .filter(paid_at__year=year)
        .order_by("organization__name", "paid_at")
    )
    text = render_to_string(
        "needs/gift_summary.txt",
        {"donations": donations, "year": year, "user": request.user, "now": timezone.now()},
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hearth-gifts-{year}.txt"'
    return response


@login_required
@require_POST
def monthly_gift_cancel(request, pk):
    gift = get_object_or_404(
        RecurringGift.objects.select_related("organization"),
        pk=pk,
        donor=request.user,
    )
    if gift.status != RecurringGift.Status.CANCELED:
        try:
            recurring_gift_cancel(gift)
        except DonationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your monthly gift to %(name)s is canceled. Thank you for your support.")
                % {"name": gift.organization.name},
            )
    return redirect("needs:my_gifts")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_donations(request, slug):
    organization = organization_for_coordinator(request, slug)
    if request.GET.get("connect") == "return" and organization.stripe_account_id:
        try:
            connect_refresh_status(organization)
        except DonationError as error:
            messages.warning(request, str(error))
    goal = organization.donation_goals.first() or DonationGoal(organization=organization)
    goal_form = DonationGoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and goal_form.is_valid():
        goal_form.save()
        messages.success(request, _("The goal is saved."))
        return redirect("needs:manage_donations", slug=slug)
    donations = Donation.objects.filter(organization=organization).listed()
    page = Paginator(donations.newest_first(), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "needs/manage_donations.html",
        {
            "organization": organization,
            "goal_form": goal_form,
            "goal": active_goal(organization),
            "page": page,
            "months": donations.by_month()[:12],
            "monthly_gifts": RecurringGift.objects.filter(
                organization=organization, status=RecurringGift.Status.ACTIVE
            ).count(),
        },
    )


@login_required
@require_POST
def connect_stripe(request, slug):
    organization = organization_for_coordinator(request, slug)
    try:
        url = connect_start_onboarding(organization)
    except DonationError as error:
        messages.error(request, str(error))
        return redirect("needs:manage_donations", slug=slug)
    return HttpResponseRedirect(url, status=303)


@login_required
@require_safe
def donations_export(request, slug, fmt):
    organization = organization_for_coordinator(request, slug)
    donations = Donation.objects.filter(organization=organization).listed().newest_first()
    return export_response(DonationResource(), donations, fmt, f"{slug}-donations")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        outcome = webhook_receive(request.body, request.headers.get("Stripe-Signature"))
    except BadEvent as error:
        return HttpResponseBadRequest(f"rejected: {error}", content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")
