"""Illustrative activity for the demo, so that a first look at the dashboard, the changes
since the last meeting and the packs has something to show (`load_demo --with-activity`,
which scripts/serve uses; the tests' demo data has none).

It is made up and says so: the meetings are titled "(illustrative)" and every progress update
begins "Illustrative:". The transcribed plans' own text is never touched. For Merton's ESS
plan: two past board meetings and one coming, an update on each action before each past
meeting (some getting worse, some complete), some since the last one (worse, or better), and
one lead's update returned by the chair.
Run again, it adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import Action, ProgressUpdate, refresh_current_updates
from plans.models import Group, RagRating
from reporting.models import Meeting

MARK = "Illustrative:"
TITLE = "Full Partnership (illustrative)"
# Each ESS action's ratings before the first and the second past meeting, and since the
# second (None: no update since), by the fixed scale, in turn: most hold, some get worse,
# some recover, one completes; so the dashboard and the coming meeting's pack have changes
# since the last meeting to show.
PATTERNS = [
    ("on_track", "on_track", None),
    ("on_track", "at_risk", "off_track"),
    ("at_risk", "off_track", None),
    ("on_track", "complete", None),
    ("at_risk", "on_track", "at_risk"),
    ("on_track", "at_risk", "on_track"),
]
WORDS = {
    "on_track": "work is going to plan; the next step is booked.",
    "at_risk": "the deadline is at risk: a key partner has not yet confirmed its part.",
    "off_track": "this has stalled and needs the board's help to unblock.",
    "complete": "done, with the evidence filed.",
}


@transaction.atomic
def add_demo_activity(today: datetime.date | None = None) -> int:
    """Add the illustrative meetings and updates (once); returns the updates added."""
    today = today or timezone.localdate()
    board = Group.objects.get(partnership__slug="merton", kind=Group.Kind.BOARD)
    meetings = Meeting.objects.filter(group=board, title=TITLE).order_by("held_on")
    if not meetings.exists():
        for days in (-91, -28, 21):
            day = today + datetime.timedelta(days=days)
            Meeting.objects.create(group=board, held_on=day, title=TITLE)
    first, second = [m.held_on for m in meetings[:2]]
    ratings = {r.scale: r for r in RagRating.objects.filter(partnership=board.partnership).live()}
    actions = list(
        Action.objects.in_live_plans()
        .filter(outcome__plan__group__short_name="ESS", kind=Action.Kind.ACTION)
        .filter(outcome__plan__group__partnership=board.partnership)
        .order_by("outcome__position", "position")
    )
    if ProgressUpdate.objects.filter(action__in=actions, commentary__startswith=MARK).exists():
        return 0  # already there (a reload of the plans makes new actions, and updates anew)
    updates = []
    days = (first, second, today)  # each update a week before these
    for index, action in enumerate(actions):
        for day, scale in zip(days, PATTERNS[index % len(PATTERNS)], strict=True):
            if scale is None:
                continue
            rating = ratings.get(scale) or ratings.get("on_track")
            reported_on = day - datetime.timedelta(days=7)
            updates.append(
                ProgressUpdate(
                    action=action,
                    rating=rating,
                    reported_on=reported_on,
                    commentary=f"{MARK} {rating.label}: {WORDS[scale]}",
                    created_at=timezone.make_aware(
                        datetime.datetime.combine(reported_on, datetime.time(10))
                    ),
                )
            )
    ProgressUpdate.objects.bulk_create(updates)
    returned = return_a_leads_update(actions, ratings, today)
    refresh_current_updates([action.pk for action in actions])
    return len(updates) + returned


def return_a_leads_update(actions, ratings, today) -> int:
    """The demo lead's update to one of her actions, returned by the ESS chair (if the demo
    sign-ins exist): the review step has something to show."""
    User = get_user_model()
    lead, chair = (
        User.objects.filter(username="lead").first(),
        User.objects.filter(username="chair").first(),
    )
    if lead is None or chair is None or not actions:
        return 0
    ProgressUpdate.objects.create(
        action=actions[0],
        rating=ratings.get("complete") or next(iter(ratings.values())),
        reported_on=today - datetime.timedelta(days=3),
        commentary=f"{MARK} finished: all practitioners briefed.",
        author=lead,
        status=ProgressUpdate.Status.RETURNED,
        reviewed_by=chair,
        reviewed_at=timezone.now(),
        challenge="Illustrative: please attach the attendance figures before we call it done.",
    )
    return 1
