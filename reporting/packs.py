"""What a meeting pack says: every plan's actions rated as at the meeting, exceptions first.

The PDF and the Excel report both render a Pack, so they always agree. Building one runs a
fixed number of queries whatever the number of plans or actions.
"""

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Step, latest_measure_values
from actions.timeframes import is_overdue, plan_period
from actions.update_history import Update
from plans.models import Group, Partnership, Plan, Priority, RagRating, Theme
from reporting.as_at import Change, changes_between, cutoff_for, latest_as_at
from reporting.models import Meeting


@dataclass
class ActionLine:
    action: Action
    update: ProgressUpdate | None  # the update current as at the meeting
    rating: RagRating | None
    previous_rating: RagRating | None
    changes: list[Change]
    overdue: bool
    # Its outcome measures, each with its latest value as at the pack (MeasureValue or None).
    measures: list = field(default_factory=list)

    @property
    def scale(self) -> str | None:
        return self.rating.scale if self.rating else None

    @property
    def is_exception(self) -> bool:
        return (self.scale is not None and RagRating.Scale(self.scale).is_exception) or self.overdue


def change_words(line: ActionLine, *, previous_meeting: datetime.date | None) -> list[str]:
    """What changed for the action since the last meeting, in the words every pack uses (the
    PDF and the Excel report alike). Newly complete says it went up."""
    was = line.previous_rating.label if line.previous_rating else ""
    words = {
        Change.UP: f"Up from {was}",
        Change.DOWN: f"Down from {was}",
        Change.NEWLY_COMPLETE: "Newly complete",
        Change.NEWLY_OVERDUE: "Newly past due date",
        Change.FIRST_RATING: "First rating",
        Change.NOT_UPDATED: "Not updated since the last meeting"
        if previous_meeting
        else "Not updated",
    }
    shown = [change for change in line.changes if change in words]
    if Change.NEWLY_COMPLETE in shown and Change.UP in shown:
        shown.remove(Change.UP)
    return [words[change] for change in shown]


@dataclass
class OutcomeBlock:
    outcome: object
    lines: list[ActionLine] = field(default_factory=list)


@dataclass
class PriorityBlock:
    priority: object | None
    outcomes: list[OutcomeBlock] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass
class PlanPack:
    plan: Plan
    priorities: list[PriorityBlock] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    core: list[ActionLine] = field(default_factory=list)  # its core activities, listed first
    # A plan whose period ended before the pack's day is rated as at its end, and closed.
    as_at: datetime.date | None = None
    closed: bool = False

    @property
    def lines(self) -> list[ActionLine]:
        table = [line for p in self.priorities for o in p.outcomes for line in o.lines]
        return self.core + table

    @property
    def total(self) -> int:
        return sum(self.counts.values())


AT_ISSUE = {RagRating.Scale.OFF_TRACK, RagRating.Scale.AT_RISK}

# The fixed scale that reports aggregate on, in the order they show it; None: no update.
SCALE_ORDER = [*RagRating.Scale.values, None]
SCALE_LABELS = {**dict(RagRating.Scale.choices), None: "No update"}
SCALE_COLOURS = {**{str(k): v for k, v in RagRating.SCALE_COLOURS.items()}, None: "#ffffff"}

# How many of a plan's earlier meetings its chart of ratings over time shows.
TREND_MEETINGS = 3


@dataclass(frozen=True)
class TrendPoint:
    """A plan's actions by scale (None: no update) as at a meeting, or as at the pack."""

    day: datetime.date
    counts: Counter
    current: bool = False  # the pack's own day


@dataclass
class Pack:
    partnership: Partnership
    title: str
    as_at: datetime.date
    previous_meeting: datetime.date | None
    meeting: Meeting | None
    plans: list[PlanPack]
    ratings: dict[int, RagRating]
    themes: list[tuple[Theme, int, Counter]]
    generated_at: datetime.datetime
    # When updates stopped counting: the end of the as-at day, or a locked meeting's lock.
    cutoff: datetime.datetime | None = None
    # Each action's (by pk) updates typed in by the cut-off, as the rules of as_at need them.
    history: dict[int, list[Update]] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def trends(self) -> dict[int, list[TrendPoint]]:
        """Each plan's (by pk) ratings at its last meetings, then as at the pack: counted when
        asked for (a query more), as only the summary and the dashboard show them."""
        actions = [line.action for line in self.lines]
        return _trends(self.partnership, self.plans, actions, self.history)

    @property
    def lines(self) -> list[ActionLine]:
        return [line for plan in self.plans for line in plan.lines]

    @property
    def standing(self) -> str:
        """Whether a meeting's pack is its last word: provisional until the meeting is
        locked, then final ('' for a pack that is no meeting's)."""
        if self.meeting is None:
            return ""
        if self.meeting.locked:
            locked_on = timezone.localtime(self.meeting.locked_at)
            return f"Final – locked on {locked_on.day} {locked_on:%B %Y}"
        return "Provisional – not locked: ratings may still change"

    @property
    def exceptions(self) -> list[ActionLine]:
        """Off track, at risk and past their due date, worst first."""
        order = {"off_track": 0, "at_risk": 1}
        return sorted(
            (line for line in self.lines if line.is_exception),
            key=lambda line: (order.get(line.scale, 2), not line.overdue),
        )

    @property
    def at_issue(self) -> list[ActionLine]:
        """Off track and at risk, worst first: what a board acts on (the cover report, the
        dashboard)."""
        return [line for line in self.exceptions if line.scale in AT_ISSUE]

    @property
    def worsened(self) -> list[ActionLine]:
        return [line for line in self.lines if Change.DOWN in line.changes]

    @property
    def worsened_not_at_issue(self) -> list[ActionLine]:
        """Those that worsened but are not off track or at risk (e.g. complete to on track):
        the cover report lists the others once, with what they were."""
        return [line for line in self.worsened if line.scale not in AT_ISSUE]

    @property
    def plan_of(self) -> dict[int, Plan]:
        """Each action's (by its pk) plan, for the lists that gather actions from every plan."""
        return {line.action.pk: plan.plan for plan in self.plans for line in plan.lines}

    @property
    def changed(self) -> list[ActionLine]:
        shown = {
            Change.UP,
            Change.DOWN,
            Change.NEWLY_COMPLETE,
            Change.NEWLY_OVERDUE,
            Change.FIRST_RATING,
        }
        return [line for line in self.lines if shown & set(line.changes)]

    @property
    def not_updated(self) -> list[ActionLine]:
        return [line for line in self.lines if Change.NOT_UPDATED in line.changes]

    @property
    def counts(self) -> Counter:
        total = Counter()
        for plan in self.plans:
            total.update(plan.counts)
        return total


@dataclass(frozen=True)
class Headlines:
    """The figures a board reads first: the same in the PDF's summary, on the dashboard and
    on a board member's home, because all three count them here from a Pack."""

    actions: int
    off_track: int
    at_risk: int
    past_due: int  # past their due date and not complete, whatever their rating
    changed: int  # since the previous meeting
    not_updated: int  # since the previous meeting, and not complete
    complete: int

    @classmethod
    def of(cls, pack: Pack) -> "Headlines":
        lines = pack.lines
        scales = Counter(line.scale for line in lines)
        return cls(
            actions=len(lines),
            off_track=scales[RagRating.Scale.OFF_TRACK],
            at_risk=scales[RagRating.Scale.AT_RISK],
            past_due=sum(1 for line in lines if line.overdue),
            changed=len(pack.changed),
            not_updated=len(pack.not_updated),
            complete=scales[RagRating.Scale.COMPLETE],
        )


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def meeting_cutoff(meeting: Meeting) -> datetime.datetime:
    """When the meeting's pack stops counting updates: the end of its day, or its lock."""
    return cutoff_for(end_of_day(meeting.held_on), meeting.locked_at)


def plans_for_meeting(meeting: Meeting):
    """A board's meeting covers every live plan of the partnership; a subgroup's, its own."""
    plans = Plan.objects.for_partnership(meeting.group.partnership_id)
    if meeting.group.kind != Group.Kind.BOARD:
        plans = plans.filter(group=meeting.group)
    return plans.live()


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(group=meeting.group, held_on__lt=meeting.held_on)
        .order_by("-held_on")
        .first()
    )


def pack_for_meeting(meeting: Meeting, plans=None) -> Pack:
    """The meeting's pack; "changes since" compare with what the previous meeting's pack
    said (as at its own lock, if it was locked)."""
    previous = previous_meeting(meeting)
    plans = plans if plans is not None else plans_for_meeting(meeting)
    return build_pack(
        partnership=meeting.group.partnership,
        plans=plans,
        as_at=meeting.held_on,
        previous=previous.held_on if previous else None,
        title=f"{meeting.title or meeting.group.name} – {meeting.held_on:%-d %B %Y}",
        meeting=meeting,
        cutoff=meeting_cutoff(meeting),
        previous_cutoff=meeting_cutoff(previous) if previous else None,
    )


def build_pack(
    *,
    partnership: Partnership,
    plans,
    as_at: datetime.date,
    previous: datetime.date | None = None,
    title: str = "",
    meeting: Meeting | None = None,
    cutoff: datetime.datetime | None = None,
    previous_cutoff: datetime.datetime | None = None,
) -> Pack:
    """Every action of the plans rated as at a day: by the updates accepted by the cut-off
    (default: the end of the day), as reporting.as_at says."""
    plans = list(
        plans.select_related("group").prefetch_related(
            Prefetch("priorities", queryset=Priority.objects.live())
        )
    )
    ratings = {r.pk: r for r in RagRating.objects.for_partnership(partnership)}
    actions = list(
        Action.objects.filter(
            outcome__plan__in=plans, deleted_at__isnull=True, outcome__deleted_at__isnull=True
        )
        .select_related("outcome__priority")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.live(), to_attr="live_steps"),
            Prefetch("themes", queryset=Theme.objects.live(), to_attr="live_themes"),
        )
        .order_by("outcome__position", "position", "pk")
    )
    cutoff = cutoff or end_of_day(as_at)
    if previous is not None and previous_cutoff is None:
        previous_cutoff = end_of_day(previous)
    history = defaultdict(list)
    updates = {}
    # Typed in by the cut-off (a necessary condition: reviewed_at comes later still); which
    # of them count is as_at's rule.
    for update in (
        ProgressUpdate.objects.filter(action__in=[a.pk for a in actions], created_at__lte=cutoff)
        .select_related("author")
        .order_by()
    ):
        history[update.action_id].append(
            Update(
                update.reported_on,
                update.created_at,
                ratings[update.rating_id].scale if update.rating_id else None,
                update.rating_id,
                update.pk,
                status=update.status,
                reviewed_at=update.reviewed_at,
            )
        )
        updates[update.pk] = update

    # The last day each plan was reported on (by an update that counts at the cut-off).
    last_reported: dict[int, datetime.date] = {}
    current_at_day = {}  # each action's update as at the pack's day (a closed plan's differs)
    for action in actions:
        current = current_at_day[action.pk] = latest_as_at(history[action.pk], cutoff, as_at)
        if current is not None:
            plan_id = action.outcome.plan_id
            last_reported[plan_id] = max(
                current.reported_on, last_reported.get(plan_id, current.reported_on)
            )
    by_plan = {plan.pk: plan_pack_as_at(plan, as_at, last_reported.get(plan.pk)) for plan in plans}
    blocks: dict[tuple[int, int | None], PriorityBlock] = {}
    for plan in plans:
        for priority in plan.priorities.all():
            block = PriorityBlock(priority)
            blocks[plan.pk, priority.pk] = block
            by_plan[plan.pk].priorities.append(block)
    outcome_blocks: dict[int, OutcomeBlock] = {}
    for action in actions:
        outcome = action.outcome
        plan_pack = by_plan[outcome.plan_id]
        core = action.kind == Action.Kind.CORE_ACTIVITY
        if outcome.pk not in outcome_blocks and not core:
            key = (outcome.plan_id, outcome.priority_id)
            if key not in blocks:
                # Outcomes under no priority come after an overarching priority, before the rest.
                blocks[key] = PriorityBlock(outcome.priority)
                overarching = sum(
                    1 for b in plan_pack.priorities if b.priority and b.priority.overarching
                )
                plan_pack.priorities.insert(overarching, blocks[key])
            outcome_blocks[outcome.pk] = OutcomeBlock(outcome)
            blocks[key].outcomes.append(outcome_blocks[outcome.pk])
        line = _line(
            action,
            history[action.pk],
            updates,
            ratings,
            as_at=plan_pack.as_at,
            cutoff=cutoff,
            previous=previous,
            previous_cutoff=previous_cutoff,
            current=None if plan_pack.closed else current_at_day[action.pk],
        )
        plan_pack.counts[line.scale] += 1
        if core:
            plan_pack.core.append(line)
            continue
        outcome_blocks[outcome.pk].lines.append(line)
        blocks[outcome.plan_id, outcome.priority_id].counts[line.scale] += 1

    for plan_pack in by_plan.values():
        plan_pack.priorities = [block for block in plan_pack.priorities if block.outcomes]
    measures_as_at([line for p in by_plan.values() for line in p.lines], as_at, cutoff)
    return Pack(
        history=history,
        partnership=partnership,
        title=title or f"{partnership.name} – progress as at {as_at:%-d %B %Y}",
        as_at=as_at,
        previous_meeting=previous,
        meeting=meeting,
        plans=list(by_plan.values()),
        ratings=ratings,
        themes=_theme_coverage(partnership, by_plan.values()),
        generated_at=timezone.now(),
        cutoff=cutoff,
    )


def _trends(partnership, plan_packs, actions, history) -> dict[int, list[TrendPoint]]:
    """Each plan's ratings at its last meetings before its pack's day (its own group's and the
    board's, which covers every plan), each as that meeting's pack rated them, then as at the
    pack. An action added since a meeting counts there as not updated."""
    if not plan_packs:
        return {}
    meetings = list(
        Meeting.objects.filter(
            group__partnership=partnership, held_on__lt=max(p.as_at for p in plan_packs)
        ).select_related("group")
    )
    plan_actions = defaultdict(list)
    for action in actions:
        plan_actions[action.outcome.plan_id].append(action)
    trends = {}
    for plan_pack in plan_packs:
        plan = plan_pack.plan
        cutoffs: dict[datetime.date, datetime.datetime] = {}
        for meeting in meetings:
            if meeting.held_on >= plan_pack.as_at:
                continue
            if meeting.group_id == plan.group_id or meeting.group.kind == Group.Kind.BOARD:
                cutoff = meeting_cutoff(meeting)
                cutoffs[meeting.held_on] = max(cutoff, cutoffs.get(meeting.held_on, cutoff))
        points = []
        for day in sorted(cutoffs)[-TREND_MEETINGS:]:
            counts = Counter()
            for action in plan_actions[plan.pk]:
                update = latest_as_at(history[action.pk], cutoffs[day], day)
                counts[update.scale if update else None] += 1
            points.append(TrendPoint(day, counts))
        points.append(TrendPoint(plan_pack.as_at, Counter(plan_pack.counts), current=True))
        trends[plan.pk] = points
    return trends


def measures_text(line: ActionLine) -> str:
    """One line per measure, each followed by its latest value and date, if it has one."""
    parts = []
    for measure, latest in line.measures:
        parts.append(measure)
        if latest is not None:
            parts.append(f"Latest: {latest.value} ({latest.given_on:%-d %b %Y})")
    return "\n".join(parts)


def measures_as_at(lines: list[ActionLine], as_at: datetime.date, cutoff) -> None:
    """Each line's measures with their latest values given by the pack's day and entered by
    its cut-off."""
    latest_measure_values([line.action for line in lines], given_by=as_at, entered_by=cutoff)
    for line in lines:
        line.measures = line.action.measure_lines


def plan_pack_as_at(
    plan: Plan, as_at: datetime.date, last_reported: datetime.date | None
) -> PlanPack:
    """A plan's part of a pack, rated as at the pack's day; a plan closed before it is rated
    as at the end of its period (one that ended years ago is not "newly past due date" today).

    A plan is closed once its period has ended and no update since: a plan still reported on
    after its nominal end (plans often run on until the next is agreed) is rated as at the
    pack's day like any other.
    """
    period = plan_period(plan.period)
    if period is None or period[1] >= as_at:
        return PlanPack(plan, as_at=as_at)
    if last_reported is not None and last_reported > period[1]:
        return PlanPack(plan, as_at=as_at)
    return PlanPack(plan, as_at=period[1], closed=True)


def _line(
    action, history, updates, ratings, *, as_at, cutoff, previous, previous_cutoff, current=None
) -> ActionLine:
    """One action rated as at as_at (its plan's day: the plan's end, if it is closed), with
    what changed since the previous meeting; nothing changes in a plan closed before then.
    current: its update as at as_at, when the caller has it already."""
    if current is None:
        current = latest_as_at(history, cutoff, as_at)
    closed_before = previous is not None and as_at <= previous
    if previous is not None:
        previous = min(previous, as_at)
    before = latest_as_at(history, previous_cutoff, previous) if previous else None
    rating = ratings.get(current.rating_id) if current else None
    changes = []
    if not closed_before:
        changes = changes_between(
            before=before,
            after=current,
            due=action.due_date,
            previous_meeting=previous,
            meeting=as_at,
        )
    return ActionLine(
        action=action,
        update=updates.get(current.pk) if current else None,
        rating=rating,
        previous_rating=ratings.get(before.rating_id) if before else None,
        changes=changes,
        overdue=is_overdue(action.due_date, rating.scale if rating else None, as_at),
    )


def _theme_coverage(partnership, plan_packs) -> list[tuple[Theme, int, Counter]]:
    """Each theme the pack's plans use, with its number of actions in the pack and their
    ratings. A theme no action of the pack carries is left out: an older plan's pack does
    not list this year's themes as gaps."""
    themes = list(Theme.objects.live().for_partnership(partnership))
    counts = {theme.pk: Counter() for theme in themes}
    for plan_pack in plan_packs:
        for line in plan_pack.lines:
            for theme in line.action.live_themes:
                if theme.pk in counts:
                    counts[theme.pk][line.scale] += 1
    used = [theme for theme in themes if counts[theme.pk]]
    return [(theme, sum(counts[theme.pk].values()), counts[theme.pk]) for theme in used]
