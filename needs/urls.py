from django.urls import include, path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("pledges/", views.my_pledges, name="my_pledges"),
    path("pledges/<str:token>/", views.pledge_manage, name="pledge_manage"),
    path("pledges/<str:token>/confirm/", views.pledge_confirm, name="pledge_confirm"),
    path("pledges/<str:token>/cancel/", views.pledge_cancel, name="pledge_cancel"),
    # Coordinators: an organization's pages, then one need or pledge by id.
    path("manage/<slug:slug>/", views.manage_needs, name="manage_needs"),
    path("manage/<slug:slug>/receive/", views.receive, name="receive"),
    path("manage/<slug:slug>/walk-in/", views.walk_in, name="walk_in"),
    path("manage/<slug:slug>/drop-off/", views.dropoff_edit, name="dropoff_edit"),
    path("manage/<slug:slug>/spreadsheets/", views.spreadsheet_hub, name="spreadsheets"),
    path("manage/<slug:slug>/spreadsheets/import/", views.needs_import, name="needs_import"),
    path(
        "manage/<slug:slug>/spreadsheets/needs.<str:fmt>", views.needs_export, name="needs_export"
    ),
    path(
        "manage/<slug:slug>/spreadsheets/pledges.<str:fmt>",
        views.pledges_export,
        name="pledges_export",
    ),
    path("manage/need/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("manage/need/<int:pk>/action/", views.need_action, name="need_action"),
    path("manage/pledge/<int:pk>/receive/", views.pledge_receive, name="pledge_receive"),
    path("manage/pledge/<int:pk>/release/", views.pledge_release, name="pledge_release"),
    # Money donations, in the same "needs" namespace.
    path("", include("needs.donations.urls")),
]
