from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.shift_list, name="shift_list"),
    path("<int:pk>/", views.shift_detail, name="shift_detail"),
    path("<int:pk>/sign-up/", views.shift_signup, name="shift_signup"),
    path("<int:pk>/cancel-my-place/", views.shift_leave, name="shift_leave"),
    path("<int:pk>/shift.ics", views.shift_ics, name="shift_ics"),
    path("mine/", views.my_shifts, name="my_shifts"),
    path("mine/past/", views.my_past_shifts, name="my_past_shifts"),
    path("mine/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    # A feed's token is URL-safe base64 (models.new_feed_token), nothing else.
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("place/<str:token>/", views.signup_link, name="signup_link"),
    # Coordinators
    path("manage/<slug:slug>/", views.manage_shifts, name="manage_shifts"),
    path("manage/<slug:slug>/new/", views.shift_create, name="shift_create"),
    path("manage/<slug:slug>/import/", views.shift_import, name="shift_import"),
    path("manage/<slug:slug>/shifts.<str:fmt>", views.shift_export, name="shift_export"),
    path("manage/<slug:slug>/verifications/", views.verifications, name="verifications"),
    path("manage/<slug:slug>/hours/", views.hours_report, name="hours_report"),
    path("manage/shift/<int:pk>/", views.shift_roster, name="shift_roster"),
    path("manage/shift/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("manage/shift/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("manage/sign-up/<int:pk>/", views.roster_update, name="roster_update"),
    path(
        "manage/verification/<int:pk>/revoke/",
        views.verification_revoke,
        name="verification_revoke",
    ),
]
