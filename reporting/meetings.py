"""Meeting dates other apps ask about."""

import datetime

from django.db.models import Q

from plans.models import Group, Partnership
from reporting.models import Meeting


def last_meeting(partnership: Partnership, today: datetime.date) -> Meeting | None:
    """The partnership's most recent meeting of its board (or of any group, if no board met)."""
    past = Meeting.objects.filter(group__partnership=partnership, held_on__lte=today)
    board = past.filter(group__kind=Group.Kind.BOARD).select_related("group").first()
    return board or past.select_related("group").first()


def next_meeting(partnership: Partnership, today: datetime.date, group_ids=()) -> Meeting | None:
    """The next meeting of one of these groups, or of the partnership's board."""
    upcoming = Meeting.objects.filter(group__partnership=partnership, held_on__gt=today)
    return (
        upcoming.filter(Q(group__in=group_ids) | Q(group__kind=Group.Kind.BOARD))
        .select_related("group")
        .order_by("held_on")
        .first()
    )
