from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import views

core_patterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("give-money/", views.give_money, name="give_money"),
    path("get-help/", views.static_page("core/help.html"), name="help"),
    path("recognize-the-signs/", views.static_page("core/signs.html"), name="signs"),
    path("about/", views.static_page("core/about.html"), name="about"),
    path("me/", views.profile, name="profile"),
    path("me/data.json", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path("manage/", views.manage_index, name="manage_index"),
    path("manage/<slug:slug>/", views.organization_edit, name="organization_edit"),
]

urlpatterns = [
    *i18n_patterns(
        # Inside the prefixed patterns so that a Spanish page posts to /es/i18n/setlang/
        # and Django can translate its address back to English.
        path("i18n/setlang/", set_language, name="set_language"),
        path("", include((core_patterns, "core"))),
        path("shifts/", include("volunteers.urls")),
        path("needs/", include("needs.urls")),
        path("accounts/", include("allauth.urls")),
        path("admin/", admin.site.urls),
        prefix_default_language=False,
    ),
]

handler400 = views.bad_request
handler500 = views.server_error
