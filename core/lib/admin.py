from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the site's own rules, or Stripe's webhooks: staff
    find and read them, but do not add, change or delete them here, around those rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
