"""Reading the command line of reporting's commands (make_pack, send_reminders)."""

import datetime

from django.core.management.base import CommandError


def iso_date(value: str, *, option: str) -> datetime.date:
    """The day given to the option as YYYY-MM-DD; a CommandError naming the option if it is
    not one."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: {value!r} is not a date as YYYY-MM-DD") from error
