"""Optional AppConfig methods through which the other apps add to core's pages and
commands, so that core never imports them."""

from django.apps import apps


def app_hooks(name):
    """The `name` method of each installed app that has one, in INSTALLED_APPS order."""
    return [getattr(config, name) for config in apps.get_app_configs() if hasattr(config, name)]
