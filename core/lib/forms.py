"""How forms draw themselves everywhere in Hearth."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates, found through the project's template settings, except
    that a checkbox comes before its label, on one line (templates/forms/field.html)."""

    field_template_name = "forms/field.html"
