"""The update cycle from the database: a meeting's period and where it stands (fed to the
rules in reporting.cycle_rules), and the meetings of the calendar.

period_status() runs a fixed number of queries whatever the number of plans, actions,
leads or updates: the reminders command and the staff board both read it.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count

from actions.models import Action, ProgressUpdate, Step
from actions.update_history import Update
from plans.models import Group, Membership, Partnership, Plan
from reporting import cycle_rules
from reporting.models import Meeting, Reminder
from reporting.packs import plans_for_meeting


def period_of(meeting: Meeting, partnership: Partnership | None = None) -> cycle_rules.Period:
    partnership = partnership or meeting.group.partnership
    return cycle_rules.period_for(
        meeting.held_on,
        meeting.updates_open_on,
        meeting.updates_due_on,
        open_days=partnership.updates_open_days,
        due_days=partnership.updates_due_days,
    )


def fill_period(meeting: Meeting, partnership: Partnership) -> None:
    """Give a meeting the partnership's usual dates where it has none (before it is saved)."""
    period = period_of(meeting, partnership)
    meeting.updates_open_on = meeting.updates_open_on or period.opens
    meeting.updates_due_on = meeting.updates_due_on or period.due


@transaction.atomic
def add_meetings(*, group: Group, dates: list[datetime.date]) -> list[Meeting]:
    """A meeting of the group on each date, each with its period: all of them or none."""
    meetings = []
    for held_on in dates:
        meeting = Meeting(group=group, held_on=held_on)
        fill_period(meeting, group.partnership)
        meeting.full_clean()
        meeting.save()
        meetings.append(meeting)
    return meetings


def covered_plans(meeting: Meeting):
    """The plans whose actions the period asks about: the pack's plans (reporting.packs),
    less archived ones, whose unfinished actions live on in the plans that replaced them."""
    return plans_for_meeting(meeting).exclude(status=Plan.Status.ARCHIVED)


@dataclass
class Item:
    """One action the period asks about."""

    action: Action
    received: bool
    leads: list[cycle_rules.Lead]
    owed: cycle_rules.Owed
    short_text: str
    task: cycle_rules.Task = cycle_rules.Task.TO_DO
    # Whose to-do list it is on: as owed, but whether or not they have an email address.
    asked: cycle_rules.Owed = cycle_rules.Owed((), via_chairs=False)

    @property
    def plan(self) -> Plan:
        return self.action.outcome.plan


@dataclass
class LeadRow:
    """A line of the board's table by lead: a person the leads name, or a chair asked for
    actions none of whose leads can be."""

    name: str
    note: str
    tally: cycle_rules.Tally = field(default_factory=cycle_rules.Tally)


@dataclass
class PeriodStatus:
    meeting: Meeting
    partnership: Partnership
    period: cycle_rules.Period
    items: list[Item]
    members: dict[int, cycle_rules.Member]
    users: dict[int, object]
    group_chairs: list[tuple[int, int]]
    chair_memberships: list[tuple[int, int]]
    groups: dict[int, Group]
    reminders: list[Reminder]

    @cached_property
    def outstanding(self) -> list[Item]:
        return [item for item in self.items if not item.received]

    @property
    def received_count(self) -> int:
        return len(self.items) - len(self.outstanding)

    @cached_property
    def sent(self) -> set[tuple[int, str]]:
        """(recipient, kind) of every reminder claimed for the meeting, sent or not."""
        return {(r.recipient_id, r.kind) for r in self.reminders}

    def chairs_of(self, group_id: int) -> list[int]:
        return cycle_rules.chairs_of(
            group_id, group_chairs=self.group_chairs, chair_memberships=self.chair_memberships
        )

    def name_of(self, user_id: int) -> str:
        user = self.users[user_id]
        return user.get_full_name() or user.get_username()

    @cached_property
    def by_group(self) -> list[tuple[Group, cycle_rules.Tally]]:
        tallies = cycle_rules.tally(
            (item.plan.group_id, item, item.received) for item in self.items
        )
        return sorted(
            ((self.groups[g], t) for g, t in tallies.items()), key=lambda row: row[0].name
        )

    @cached_property
    def by_lead(self) -> list[LeadRow]:
        """Each person the leads name (whether or not they can sign in), each chair asked in
        their place, and the actions whose leads name no person."""
        rows: dict[tuple, LeadRow] = {}
        for item in self.items:
            keys = []
            for lead in item.leads:
                key = ("person", lead.person_id)
                if key not in rows:
                    rows[key] = LeadRow(lead.name, self.lead_note(lead, item))
                keys.append(key)
            if not item.leads:
                key = ("nobody",)
                rows.setdefault(key, LeadRow("No person named", "the lead names a group"))
                keys.append(key)
            if item.owed.via_chairs:
                for user_id in item.owed.user_ids:
                    key = ("chair", user_id)
                    group = self.groups[item.plan.group_id]
                    rows.setdefault(
                        key, LeadRow(self.name_of(user_id), f"asked as chair of {group.short_name}")
                    )
                    keys.append(key)
            for key in keys:
                rows[key].tally.add(item, item.received)
        return sorted(rows.values(), key=lambda row: (-row.tally.outstanding, row.name))

    def lead_note(self, lead: cycle_rules.Lead, item: Item) -> str:
        """Why a lead is not emailed, or '' if they are."""
        member = self.members.get(lead.user_id) if lead.user_id else None
        if member is None or not member.active:
            return "no sign-in"
        if not member.email:
            return "no email address"
        if not cycle_rules.may_update(member, plan_group_id=item.plan.group_id, leads_it=True):
            return "may not give updates"
        return ""


SCALE = "rating__scale"


def period_status(meeting: Meeting) -> PeriodStatus:
    """Every action the meeting's period asks about, whether its update is in, and who is
    asked for it; with the reminders sent so far. A fixed number of queries."""
    partnership = meeting.group.partnership
    period = period_of(meeting, partnership)
    plans = {plan.pk: plan for plan in covered_plans(meeting).select_related("group")}
    live = Action.objects.filter(
        outcome__plan__in=list(plans), deleted_at__isnull=True, outcome__deleted_at__isnull=True
    )
    actions = list(
        live.select_related("outcome").order_by(
            "outcome__plan__group__name",
            "outcome__plan__title",
            "outcome__position",
            "position",
            "pk",
        )
    )
    for action in actions:
        action.outcome.plan = plans[action.outcome.plan_id]
    ids = live.values("pk")

    updates: dict[int, list[cycle_rules.UpdateFact]] = {}
    for action_id, reported_on, status, scale, created_at, pk in (
        ProgressUpdate.objects.filter(action__in=ids, reported_on__lte=period.meeting)
        .order_by()
        .values_list("action_id", "reported_on", "status", SCALE, "created_at", "pk")
    ):
        updates.setdefault(action_id, []).append(
            Update(reported_on, created_at, scale, pk=pk, status=status)
        )
    in_scope = [a for a in actions if cycle_rules.needs_update(updates.get(a.pk, []), period)]

    leads: dict[int, dict[int, cycle_rules.Lead]] = {}
    step_leads = Step.lead_people.through.objects.filter(
        step__action__in=ids, step__deleted_at__isnull=True
    ).order_by("step__position", "step__pk")
    lead_rows = [
        *Action.lead_people.through.objects.filter(action__in=ids)
        .order_by("pk")
        .values_list("action_id", "person_id", "person__name", "person__user_id"),
        *step_leads.values_list("step__action_id", "person_id", "person__name", "person__user_id"),
    ]
    for action_id, person_id, name, user_id in lead_rows:
        lead = cycle_rules.Lead(person_id, name, user_id)
        leads.setdefault(action_id, {}).setdefault(person_id, lead)

    group_ids = {plan.group_id for plan in plans.values()} | {meeting.group_id}
    group_chairs = list(
        Group.chairs.through.objects.filter(group__in=group_ids, person__user__isnull=False)
        .order_by("person__name")
        .values_list("group_id", "person__user_id")
    )
    chair_memberships = list(
        Membership.groups.through.objects.filter(
            group__in=group_ids,
            membership__partnership=partnership,
            membership__role=Membership.Role.CHAIR,
        )
        .order_by("membership__user__username")
        .values_list("group_id", "membership__user_id")
    )
    user_ids = {lead.user_id for by_person in leads.values() for lead in by_person.values()}
    user_ids |= {user for _, user in group_chairs} | {user for _, user in chair_memberships}
    user_ids.discard(None)
    memberships = list(
        Membership.objects.filter(partnership=partnership, user__in=user_ids)
        .select_related("user")
        .prefetch_related("groups")
    )
    members = {
        m.user_id: cycle_rules.Member(
            m.user_id,
            m.role,
            frozenset(g.pk for g in m.groups.all()),
            m.user.email,
            m.user.is_active,
        )
        for m in memberships
    }
    groups = {g.pk: g for g in [meeting.group, *(plan.group for plan in plans.values())]}
    status = PeriodStatus(
        meeting=meeting,
        partnership=partnership,
        period=period,
        items=[],
        members=members,
        users={m.user_id: m.user for m in memberships},
        group_chairs=group_chairs,
        chair_memberships=chair_memberships,
        groups=groups,
        reminders=list(
            Reminder.objects.filter(meeting=meeting)
            .select_related("recipient")
            .annotate(action_count=Count("actions"))
        ),
    )
    first_step_text = step_texts([a.pk for a in in_scope if not a.text])
    for action in in_scope:
        action_leads = list(leads.get(action.pk, {}).values())
        plan_group_id = action.outcome.plan.group_id
        who_can = {
            "leads": action_leads,
            "chair_user_ids": status.chairs_of(plan_group_id),
            "members": members,
            "plan_group_id": plan_group_id,
        }
        status.items.append(
            Item(
                action=action,
                received=cycle_rules.received(updates.get(action.pk, []), period),
                leads=action_leads,
                owed=cycle_rules.owed_by(**who_can),
                asked=cycle_rules.owed_by(**who_can, by_email=False),
                short_text=action.text or first_step_text.get(action.pk, ""),
                task=cycle_rules.task(updates.get(action.pk, []), period),
            )
        )
    return status


def step_texts(action_ids: list[int]) -> dict[int, str]:
    """The first live step's text of each action (for actions written all in parts)."""
    if not action_ids:
        return {}
    texts: dict[int, str] = {}
    for action_id, text in (
        Step.objects.live()
        .filter(action__in=action_ids)
        .order_by("action_id", "position", "pk")
        .values_list("action_id", "text")
    ):
        texts.setdefault(action_id, text)
    return texts


def meetings_in_period(today: datetime.date, partnership: Partnership | None = None):
    """Unlocked meetings of live groups still to come whose period may be open today (the
    rules in periods decide, with each partnership's numbers), soonest first; of one
    partnership, if given."""
    meetings = (
        Meeting.objects.filter(
            locked_at__isnull=True, group__deleted_at__isnull=True, held_on__gt=today
        )
        .select_related("group__partnership")
        .order_by("held_on", "group__partnership__name", "group__name")
    )
    if partnership is not None:
        meetings = meetings.filter(group__partnership=partnership)
    return [m for m in meetings if period_of(m).opens <= today]


TASK_ORDER = {
    cycle_rules.Task.RETURNED: 0,
    cycle_rules.Task.TO_DO: 0,
    cycle_rules.Task.WAITING: 1,
    cycle_rules.Task.UPDATED: 2,
}


@dataclass
class ToDo:
    """One person's updates for one meeting: the actions they are asked for, each with where
    it stands (cycle_rules.task)."""

    meeting: Meeting
    period: cycle_rules.Period
    items: list[Item]

    @property
    def left(self) -> list[Item]:
        return [item for item in self.items if item.task in cycle_rules.LEFT_TO_DO]

    @property
    def as_chair(self) -> bool:
        """Whether every update on it is asked of the user as chair (no lead can give it)."""
        return all(item.asked.via_chairs for item in self.items)

    def next_after(self, action_id: int) -> Item | None:
        """The next action still to do after this one, in the list's order, coming round to
        the start for any passed over; None when nothing else is left."""
        left = self.left
        ids = [item.action.pk for item in self.items]
        place = ids.index(action_id) if action_id in ids else -1
        later = [item for item in left if ids.index(item.action.pk) > place]
        rest = [item for item in left if item.action.pk != action_id]
        return (later or rest or [None])[0]


def to_do_for(meeting: Meeting, user) -> ToDo:
    """The actions the meeting's period asks the user for (as a lead, or as a chair when no
    lead can be)."""
    status = period_status(meeting)
    mine = [item for item in status.items if user.pk in item.asked.user_ids]
    mine.sort(key=lambda item: TASK_ORDER[item.task])  # what is left first, in plan order
    return ToDo(meeting, status.period, mine)


def to_do_lists(partnership: Partnership, user, today: datetime.date) -> list[ToDo]:
    """The user's updates for each of the partnership's meetings whose period is open, soonest
    first (those that ask them for none left out)."""
    lists = [to_do_for(meeting, user) for meeting in meetings_in_period(today, partnership)]
    return [todo for todo in lists if todo.items]
