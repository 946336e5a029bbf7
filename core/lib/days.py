"""The days Hearth counts with, and a model mixin that checks them beside each field.

Far from the ends of the calendar (years 1 and 9999) the day after, the months before or
a moment's time in UTC cannot be worked out: a late evening of 31 December 9999 in Kansas
City overflows as the database converts it to UTC.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Any real shift's, sign-up's or gift's day, with years to spare on both sides.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def outside_calendar(day):
    """What is wrong with `day` if it is not from FIRST_DAY to LAST_DAY, else None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("Pick a day from %(first)s to %(last)s.") % {
        "first": date_format(FIRST_DAY),
        "last": date_format(LAST_DAY),
    }


class DayChecksMixin:
    """For a model: clean_fields() also checks the day of the date and datetime fields
    named in `day_checks`, each with its function of the day that says what is wrong
    with it, or None.

    A datetime's own date is checked, never the datetime converted to another time zone,
    which is what overflows. The error is the field's, so that full_clean() skips the
    constraints that use the field; a field already excluded (a ModelForm's field that
    failed, or that the form does not have) is not checked."""

    day_checks = {}

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, check in self.day_checks.items():
            value = getattr(self, name)
            if value is None or name in errors or (exclude and name in exclude):
                continue
            error = check(value.date() if isinstance(value, datetime) else value)
            if error:
                errors[name] = [error]
        if errors:
            raise ValidationError(errors)
