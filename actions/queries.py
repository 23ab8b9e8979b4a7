"""The queries behind the pages: each page's joins in one place, with a bounded query count."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from actions.models import Action, Step
from actions.timeframes import is_overdue
from plans.models import Partnership, Plan, RagRating, Theme


def ratings_by_id(partnership: Partnership) -> dict[int, RagRating]:
    return {r.pk: r for r in RagRating.objects.for_partnership(partnership)}


def not_complete_q() -> Q:
    """Actions not rated complete, including those with no update yet (NULL scale)."""
    others = [scale for scale in RagRating.Scale.values if scale != RagRating.Scale.COMPLETE]
    return Q(current_scale__isnull=True) | Q(current_scale__in=others)


def overdue_q(today: datetime.date) -> Q:
    """Actions whose due date has passed and that are not complete (needs with_latest_update)."""
    return Q(due_date__lt=today) & not_complete_q()


def not_updated_q(since: datetime.date) -> Q:
    return Q(last_updated_on__isnull=True) | Q(last_updated_on__lt=since)


STEP_COLUMNS = [
    "id",
    "action_id",
    "label",
    "text",
    "lead",
    "timeframe",
    "evidence",
    "note",
    "position",
]


def actions_for_display(
    queryset,
    ratings: dict[int, RagRating],
    today=None,
    *,
    with_leads: bool = False,
    with_plan: bool = True,
) -> list[Action]:
    """Actions (from partnership_actions) with their live steps and themes (in live_steps and
    live_themes, as every page and pack reads them) and current rating: 3 queries.

    with_leads adds the people and groups their leads name; with_plan=False leaves out the
    outcome, plan and group (the plan page has them already).
    """
    today = today or timezone.localdate()
    if with_plan:
        queryset = queryset.select_related("outcome__plan__group", "outcome__priority")
    if with_leads:
        steps = Step.objects.live().prefetch_related("lead_people")
        queryset = queryset.prefetch_related(
            Prefetch("steps", queryset=steps, to_attr="live_steps"),
            Prefetch("themes", queryset=live_themes(), to_attr="live_themes"),
            "lead_people__organisation",
            "lead_groups",
        )
        actions = list(queryset)
    else:
        actions = list(queryset)
        attach_steps_and_themes(actions)
    for action in actions:
        action.current_rating = ratings.get(action.current_rating_id)
        action.overdue = is_overdue(action.due_date, action.current_scale, today)
    return actions


THEME_COLUMNS = ["id", "code", "name", "short_name"]


def live_themes():
    return Theme.objects.live().only(*THEME_COLUMNS)


def attach_steps_and_themes(actions: list[Action]) -> None:
    """Each action's live steps and themes, in 2 queries, as lists in live_steps and
    live_themes (where Prefetch(..., to_attr=...) puts them).

    prefetch_related with a queryset builds a filtered queryset for every instance (about
    0.1 ms each): for a 300-action plan's steps and themes that was a third of the page's
    time. This fetches both relations with one query each.
    """
    ids = [action.pk for action in actions]
    steps = defaultdict(list)
    for step in (
        Step.objects.live().filter(action__in=ids).only(*STEP_COLUMNS).order_by("position", "pk")
    ):
        steps[step.action_id].append(step)
    # Themes from the links' own rows: a handful of Theme objects shared by every action.
    themes = defaultdict(list)
    links = (
        Action.themes.through.objects.filter(action__in=ids, theme__deleted_at__isnull=True)
        .order_by("theme__position", "theme__code")
        .values_list("action_id", *(f"theme__{name}" for name in THEME_COLUMNS))
    )
    # From the links' own rows: a handful of Theme objects (Model.from_db, Django's documented
    # way to make an instance from a row), shared by every action.
    shared: dict[int, Theme] = {}
    for action_id, *values in links:
        theme = shared.get(values[0])
        if theme is None:
            theme = shared[values[0]] = Theme.from_db(links.db, THEME_COLUMNS, values)
        themes[action_id].append(theme)
    for action in actions:
        action.live_steps = steps.get(action.pk, [])
        action.live_themes = themes.get(action.pk, [])


@dataclass
class OutcomeRows:
    outcome: object
    actions: list = field(default_factory=list)


@dataclass
class PrioritySection:
    priority: object | None
    outcomes: list[OutcomeRows] = field(default_factory=list)
    body: str = ""  # its table's rows as HTML: the plan page puts them here (front.plan_table)
    core: bool = False  # the plan's core activities, listed before its priorities
    # First or last of the priorities that move (an overarching one stays first): the plan
    # page offers Move up and Move down by them.
    first: bool = True
    last: bool = True

    @property
    def actions(self) -> list:
        return [action for row in self.outcomes for action in row.actions]


def plan_layout(plan: Plan, actions_queryset, ratings, *, filtered: bool) -> list[PrioritySection]:
    """The plan as its users lay it out: priorities, outcomes, actions and their steps.

    When filtered, outcomes (and priorities) with no matching action are left out.
    """
    actions = actions_for_display(actions_queryset.in_plan_order(), ratings, with_plan=False)
    by_outcome = defaultdict(list)
    core_activities = []
    for action in actions:
        if action.kind == Action.Kind.CORE_ACTIVITY:
            core_activities.append(action)
        else:
            by_outcome[action.outcome_id].append(action)
    outcomes = list(plan.outcomes.live().select_related("priority"))
    sections: dict[int | None, PrioritySection] = {}
    for priority in plan.priorities.live():
        sections[priority.pk] = PrioritySection(priority)
    for outcome in outcomes:
        rows = by_outcome.get(outcome.pk, [])
        if not rows and (filtered or not outcome.is_stated):
            continue  # an unstated outcome is only its actions: with none, nothing to show
        section = sections.setdefault(outcome.priority_id, PrioritySection(outcome.priority))
        section.outcomes.append(OutcomeRows(outcome, rows))
    # An overarching priority first, spanning the rest; then outcomes under no priority.
    ordered = [
        *(s for s in sections.values() if s.priority is not None and s.priority.overarching),
        *(s for s in sections.values() if s.priority is None),
        *(s for s in sections.values() if s.priority is not None and not s.priority.overarching),
    ]
    shown = [s for s in ordered if s.outcomes or not filtered]
    movable = [s for s in shown if s.priority is not None and not s.priority.overarching]
    for section in movable:
        section.first, section.last = section is movable[0], section is movable[-1]
    if not core_activities:
        return shown
    holder = next(o for o in outcomes if o.pk == core_activities[0].outcome_id)
    return [PrioritySection(None, [OutcomeRows(holder, core_activities)], core=True), *shown]


@dataclass
class PlanSummary:
    plan: Plan
    counts: Counter
    total: int

    def bar(self):
        """Segments of a stacked bar, in scale order: (scale, count, x, width), x and width in %."""
        segments, x = [], 0.0
        for scale in [*RagRating.Scale.values, None]:
            n = self.counts.get(scale, 0)
            if not n:
                continue
            width = 100 * n / self.total
            segments.append((scale or "none", n, x, width))
            x += width
        return segments


def plan_summaries(partnership: Partnership) -> list[PlanSummary]:
    """Every live plan with its count of actions on each point of the scale (2 queries)."""
    plans = list(
        Plan.objects.live()
        .for_partnership(partnership)
        .select_related("group")
        .order_by("status", "group__name", "-period")
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Action.objects.live()
        .filter(outcome__plan__in=plans, outcome__deleted_at__isnull=True)
        .with_latest_update()
        .values("outcome__plan", "current_scale")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["outcome__plan"]][row["current_scale"]] += row["n"]
    return [PlanSummary(plan, counts[plan.pk], sum(counts[plan.pk].values())) for plan in plans]


def partnership_actions(partnership: Partnership):
    """The partnership's live actions, annotated with their current rating (see filters)."""
    return Action.objects.in_live_plans().for_partnership(partnership).with_latest_update()


def theme_coverage(partnership: Partnership) -> list[Theme]:
    """Themes with the number of live actions tagged with each."""
    live = Q(actions__deleted_at__isnull=True, actions__outcome__plan__deleted_at__isnull=True)
    return list(
        Theme.objects.live()
        .for_partnership(partnership)
        .annotate(action_count=Count("actions", filter=live))
    )
