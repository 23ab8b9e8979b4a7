"""The update cycle before a meeting, as pure rules on plain data (tested without a database).

A meeting closes a reporting period: leads are asked for updates from the day it opens, the
deadline comes some days before the meeting, and the pack is made at the meeting. These
functions say when each notice is due, which actions still need an update, who owes each
one, and read the dates staff paste into the meeting calendar. reporting.update_cycle feeds them
from the database.
"""

import datetime
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

from actions.update_history import ACCEPTED, RETURNED, SUBMITTED, Update, latest_accepted  # noqa: F401
from plans import permissions
from plans.models import RagRating
from plans.permissions import Standing

# The values of reporting.models.Reminder.Kind (kept here so the rules need no models).
OPENED, DEADLINE, MISSING = "opened", "deadline", "missing"
# A returned update is not received.
RECEIVED = frozenset({SUBMITTED, ACCEPTED})
# Membership roles (plans.models.Membership.Role).
STAFF, CHAIR = "staff", "chair"


@dataclass(frozen=True)
class Period:
    opens: datetime.date
    due: datetime.date
    meeting: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        """Whether an update dated this day is one for this period (up to the meeting)."""
        return self.opens <= day <= self.meeting


def default_dates(
    held_on: datetime.date, *, open_days: int, due_days: int
) -> tuple[datetime.date, datetime.date]:
    """The partnership's usual opening day and deadline for a meeting on held_on."""
    return (
        held_on - datetime.timedelta(days=open_days),
        held_on - datetime.timedelta(days=due_days),
    )


def period_for(
    held_on: datetime.date,
    opens: datetime.date | None = None,
    due: datetime.date | None = None,
    *,
    open_days: int,
    due_days: int,
) -> Period:
    """The meeting's period: its own dates, and the partnership's defaults for any left blank
    (meetings made before periods existed have none). A default never crosses a date that was
    set: a blank deadline is no earlier than a set opening day, and the other way round."""
    default_opens, default_due = default_dates(held_on, open_days=open_days, due_days=due_days)
    if opens is None and due is None:
        return Period(default_opens, default_due, held_on)
    if opens is None:
        return Period(min(default_opens, due), due, held_on)
    if due is None:
        return Period(opens, max(default_due, opens), held_on)
    return Period(opens, due, held_on)


def notice_due(today: datetime.date, period: Period, *, reminder_days: int) -> str | None:
    """Which notice the reminders command sends today, if any: the first notice once the
    period is open, a reminder from reminder_days before the deadline up to the deadline day
    itself (updates "by Friday" may still come on Friday), and the chair's list of missing
    updates after it, until the meeting. One kind a day, so a late first run of the command
    sends the notice of the day, not a pile of them."""
    if today < period.opens or today >= period.meeting:
        return None
    if today > period.due:
        return MISSING
    if today >= period.due - datetime.timedelta(days=reminder_days):
        return DEADLINE
    return OPENED


# Which actions still need an update


def scale_before(updates: Iterable[Update], day: datetime.date) -> str | None:
    """The action's rating on the fixed scale just before `day`: its latest accepted update
    dated earlier (only accepted updates rate an action)."""
    latest = latest_accepted(updates, before=day)
    return latest.scale if latest else None


def needs_update(updates: Iterable[Update], period: Period) -> bool:
    """A live action is asked for an update unless it was complete when the period opened."""
    return scale_before(updates, period.opens) != RagRating.Scale.COMPLETE


def received(updates: Iterable[Update], period: Period) -> bool:
    """An update dated within the period that is submitted or accepted; one returned by the
    chair is not received (the lead answers it with a new update)."""
    return any(u.status in RECEIVED and u.reported_on in period for u in updates)


class Task(models.TextChoices):
    """Where one action's update for a period stands, on the to-do list of whoever is asked
    for it (the GOV.UK task list's statuses, in the users' words)."""

    TO_DO = "to_do", "To do"
    RETURNED = "returned", "Returned"
    WAITING = "waiting", "Waiting for review"
    UPDATED = "updated", "Updated"


# What is still to do: nothing given yet, or given and returned by the chair.
LEFT_TO_DO = frozenset({Task.TO_DO, Task.RETURNED})


def task(updates: Iterable[Update], period: Period) -> Task:
    """The latest update dated within the period decides: accepted is Updated, submitted is
    Waiting for review, returned is Returned; none is To do."""
    within = [u for u in updates if u.reported_on in period]
    if not within:
        return Task.TO_DO
    latest = max(within, key=lambda u: (u.created_at, u.pk))
    return {ACCEPTED: Task.UPDATED, SUBMITTED: Task.WAITING, RETURNED: Task.RETURNED}[latest.status]


# Who owes each update


@dataclass(frozen=True)
class Lead:
    """A person an action's lead (or one of its steps' leads) names."""

    person_id: int
    name: str
    user_id: int | None


@dataclass(frozen=True)
class Member:
    """A user's standing in the partnership, as far as the reminders need it."""

    user_id: int
    role: str
    group_ids: frozenset = frozenset()
    email: str = ""
    active: bool = True

    @property
    def reachable(self) -> bool:
        return self.active and bool(self.email)


def may_update(member: Member | None, *, plan_group_id: int, leads_it: bool) -> bool:
    """Whether the member, if their sign-in is on, may add an update to the action
    (plans.permissions.may_update)."""
    if member is None or not member.active:
        return False
    chairs = member.role == CHAIR and plan_group_id in member.group_ids
    return permissions.may_update(Standing(member.role, chairs), leads_it=leads_it)


@dataclass(frozen=True)
class Owed:
    """Who is asked for one action's update: its leads' users who can give it, else the
    chairs of the group owning the plan (via_chairs)."""

    user_ids: tuple[int, ...]
    via_chairs: bool


def owed_by(
    *,
    leads: Iterable[Lead],
    chair_user_ids: Iterable[int],
    members: Mapping[int, Member],
    plan_group_id: int,
    by_email: bool = True,
) -> Owed:
    """A lead who is not a user, has no email address, or may not update the action is not
    asked; if none of its leads can be asked, the chairs are, so that someone always is (or
    no one, when the group has no chair who can: staff see it on the board). Not by_email:
    who is asked on their to-do list, where an email address is not needed, only a sign-in
    that is on."""

    def can_be_asked(user_id) -> bool:
        member = members.get(user_id)
        return member is not None and (member.reachable if by_email else member.active)

    lead_users = [
        lead.user_id
        for lead in leads
        if lead.user_id is not None
        and can_be_asked(lead.user_id)
        and may_update(members[lead.user_id], plan_group_id=plan_group_id, leads_it=True)
    ]
    if lead_users:
        return Owed(tuple(dict.fromkeys(lead_users)), via_chairs=False)
    chairs = [
        user_id
        for user_id in chair_user_ids
        if can_be_asked(user_id)
        and may_update(members[user_id], plan_group_id=plan_group_id, leads_it=False)
    ]
    return Owed(tuple(dict.fromkeys(chairs)), via_chairs=True)


def chairs_of(
    group_id: int,
    *,
    group_chairs: Iterable[tuple[int, int]],
    chair_memberships: Iterable[tuple[int, int]],
) -> list[int]:
    """The users who chair a group: those of the people named its chairs (Group.chairs) and
    the members with the chair role who sit on it (Membership.groups), as (group, user)."""
    users = [user for group, user in group_chairs if group == group_id]
    users += [user for group, user in chair_memberships if group == group_id]
    return list(dict.fromkeys(users))


# Counting


@dataclass
class Tally:
    received: int = 0
    outstanding: int = 0
    missing: list = field(default_factory=list)  # what is outstanding (actions, or items)

    @property
    def total(self) -> int:
        return self.received + self.outstanding

    def add(self, action, is_received: bool) -> None:
        if is_received:
            self.received += 1
        else:
            self.outstanding += 1
            self.missing.append(action)


def tally(rows: Iterable[tuple[object, object, bool]]) -> dict[object, Tally]:
    """(key, action, received) → a Tally per key, in the order keys first appear."""
    tallies: dict[object, Tally] = {}
    for key, action, is_received in rows:
        tallies.setdefault(key, Tally()).add(action, is_received)
    return tallies


# Who is sent what


def leads_to_notify(
    owed: Mapping[int, Owed], *, outstanding: Container[int], already: Container[int]
) -> dict[int, list[int]]:
    """user → the outstanding actions they are asked for (action id → Owed), leaving out
    users already sent this notice for the meeting (their row exists)."""
    asked: dict[int, list[int]] = {}
    for action_id, owing in owed.items():
        if action_id not in outstanding:
            continue
        for user_id in owing.user_ids:
            if user_id not in already:
                asked.setdefault(user_id, []).append(action_id)
    return asked


def chairs_to_tell(
    outstanding: Iterable[tuple[int, int]],
    *,
    meeting_group_id: int,
    board_meeting: bool,
    chairs: Mapping[int, Iterable[int]],
    already: Container[int] = (),
) -> dict[int, list[int]]:
    """chair → the missing updates to list for them, from (action id, owning group id): the
    chairs of the group that meets hear of every one; at a board meeting, the chairs of each
    plan's owning group hear of their own plans' too."""
    told: dict[int, list[int]] = {}
    for action_id, group_id in outstanding:
        users = list(chairs.get(meeting_group_id, ()))
        if board_meeting:
            users += chairs.get(group_id, ())
        for user_id in dict.fromkeys(users):
            if user_id not in already:
                told.setdefault(user_id, []).append(action_id)
    return told
