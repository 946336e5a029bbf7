from django.urls import path

from . import views

urlpatterns = [
    path("give/<slug:slug>/", views.donate, name="donate"),
    path("give/<slug:slug>/fee/", views.donate_fee, name="donate_fee"),
    path("give/thanks/<uuid:public_id>/", views.donation_return, name="donation_return"),
    path("my-gifts/", views.my_gifts, name="my_gifts"),
    path("my-gifts/<int:year>.txt", views.gift_summary, name="gift_summary"),
    path(
        "my-gifts/monthly/<int:pk>/cancel/", views.monthly_gift_cancel, name="monthly_gift_cancel"
    ),
    path("manage/<slug:slug>/donations/", views.manage_donations, name="manage_donations"),
    path("manage/<slug:slug>/donations/connect/", views.connect_stripe, name="connect_stripe"),
    path(
        "manage/<slug:slug>/donations/export.<str:fmt>",
        views.donations_export,
        name="donations_export",
    ),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
