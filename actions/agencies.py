"""By agency: the actions each partner agency leads or shares, for "what has each partner
done?" in the annual report.

An agency is named by an action's lead links directly (lead_organisations) or through the
people they name (a person's organisation), so a person given an agency after their lead was
linked counts too. An action is *led* by an agency when its own lead names that agency and
no other; it is *shared* when its lead names the agency among other agencies, or when only
one of its steps names the agency (leading a part of an action is sharing it). People and
groups without an agency (a subgroup, "Full Sub-Group", a named person of no agency) do not
make an action shared: they are not partner agencies.

Each function runs a fixed number of queries whatever the number of actions.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import models

from actions.models import Action, Step
from actions.queries import PlanSummary, actions_for_display, partnership_actions, ratings_by_id
from plans.models import Organisation, Partnership, RagRating

# The fixed scale that counts are shown on, and the actions with no update yet (None).
SCALE_HEADINGS = [(s.value, s.label) for s in RagRating.Scale] + [(None, "No update yet")]


class AgencyRole(models.TextChoices):
    LEADS = "leads", "Leads"
    SHARES = "shares", "Shares"


# --- The rule, on plain data ----------------------------------------------------------------


def agency_role(agency: int, own: set[int], in_steps: set[int]) -> AgencyRole | None:
    """How an agency stands to an action, from the agencies its own lead names (own) and
    those its steps' leads name (in_steps): leads, shares, or None (not named)."""
    if agency in own:
        return AgencyRole.LEADS if own == {agency} else AgencyRole.SHARES
    if agency in in_steps:
        return AgencyRole.SHARES
    return None


def agency_roles(own: set[int], in_steps: set[int]) -> dict[int, AgencyRole]:
    """Every agency named by an action or its steps, with its role."""
    return {agency: agency_role(agency, own, in_steps) for agency in own | in_steps}


# --- The links, from the database ---------------------------------------------------------


@dataclass
class Links:
    """The agencies an action's lead names, and those each of its live steps' leads name."""

    own: set[int] = field(default_factory=set)
    steps: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def in_steps(self) -> set[int]:
        return set().union(*self.steps.values())


def agency_links(actions) -> dict[int, Links]:
    """The agency links of the actions in a queryset (4 queries, the queryset as a subquery)."""
    ids = actions.values("pk")
    links: dict[int, Links] = defaultdict(Links)
    for action_id, agency in Action.lead_organisations.through.objects.filter(
        action__in=ids
    ).values_list("action_id", "organisation_id"):
        links[action_id].own.add(agency)
    for action_id, agency in Action.lead_people.through.objects.filter(
        action__in=ids, person__organisation__isnull=False
    ).values_list("action_id", "person__organisation_id"):
        links[action_id].own.add(agency)
    live_steps = {"step__deleted_at__isnull": True, "step__action__in": ids}
    for action_id, step_id, agency in Step.lead_organisations.through.objects.filter(
        **live_steps
    ).values_list("step__action_id", "step_id", "organisation_id"):
        links[action_id].steps[step_id].add(agency)
    for action_id, step_id, agency in Step.lead_people.through.objects.filter(
        person__organisation__isnull=False, **live_steps
    ).values_list("step__action_id", "step_id", "person__organisation_id"):
        links[action_id].steps[step_id].add(agency)
    return links


def live_actions(partnership: Partnership):
    """Live actions of live outcomes of live plans (without the rating annotations)."""
    return Action.objects.in_live_plans().for_partnership(partnership)


def naming(agency: Organisation):
    """The live actions whose lead, or one of whose live steps' lead, names the agency."""
    steps = Step.objects.live()
    named = [
        Action.lead_organisations.through.objects.filter(organisation=agency).values("action_id"),
        Action.lead_people.through.objects.filter(person__organisation=agency).values("action_id"),
        Step.lead_organisations.through.objects.filter(step__in=steps, organisation=agency).values(
            "step__action_id"
        ),
        Step.lead_people.through.objects.filter(step__in=steps, person__organisation=agency).values(
            "step__action_id"
        ),
    ]
    query = models.Q()
    for ids in named:
        query |= models.Q(pk__in=ids)
    return live_actions(agency.partnership).filter(query)


@dataclass
class AgencyAction:
    action: Action  # with its current rating, steps and themes (actions_for_display)
    role: AgencyRole
    steps: list = field(default_factory=list)  # the steps whose lead names the agency

    @property
    def plan(self):
        return self.action.outcome.plan

    @property
    def scale(self) -> str | None:
        return self.action.current_scale


def roles_for(agency: Organisation, links: dict[int, Links]) -> dict[int, AgencyRole]:
    roles = {}
    for action_id, link in links.items():
        role = agency_role(agency.pk, link.own, link.in_steps)
        if role is not None:
            roles[action_id] = role
    return roles


PLAN_ORDER = ["-outcome__plan__period", "outcome__plan__title", "outcome__plan_id"]
IN_PLAN_ORDER = [*PLAN_ORDER, "outcome__position", "position", "pk"]


def agency_actions(agency: Organisation, today=None) -> list[AgencyAction]:
    """The live actions the agency leads or shares, plan by plan (newest period first) and in
    plan order, each with its current rating and latest commentary (8 queries)."""
    actions = naming(agency)
    links = agency_links(actions)
    roles = roles_for(agency, links)
    shown = actions_for_display(
        partnership_actions(agency.partnership).filter(pk__in=roles).order_by(*IN_PLAN_ORDER),
        ratings_by_id(agency.partnership),
        today,
    )
    result = []
    for action in shown:
        named = {pk for pk, agencies in links[action.pk].steps.items() if agency.pk in agencies}
        steps = [step for step in action.live_steps if step.pk in named]
        result.append(AgencyAction(action, roles[action.pk], steps))
    return result


def by_plan(rows: list[AgencyAction]) -> list[tuple[object, list[AgencyAction]]]:
    """Rows grouped by their plan, in the order they come."""
    groups: dict[int, tuple[object, list]] = {}
    for row in rows:
        groups.setdefault(row.plan.pk, (row.plan, []))[1].append(row)
    return list(groups.values())


@dataclass
class AgencySummary:
    agency: Organisation
    leads: int = 0
    shares: int = 0
    counts: Counter = field(default_factory=Counter)  # by scale; None: no update yet

    @property
    def total(self) -> int:
        return self.leads + self.shares

    # The dashboard's stacked bar (plans/rag_bar.html), from counts and total as a plan's.
    bar = PlanSummary.bar

    @property
    def by_scale(self) -> list[tuple[str | None, str, int]]:
        return [(scale, label, self.counts.get(scale, 0)) for scale, label in SCALE_HEADINGS]


def agency_summaries(partnership: Partnership) -> list[AgencySummary]:
    """Every agency of the partnership, with how many live actions it leads and shares and
    their current ratings on the fixed scale (6 queries)."""
    summaries = {
        agency.pk: AgencySummary(agency)
        for agency in Organisation.objects.filter(partnership=partnership)
    }
    actions = live_actions(partnership)
    scales = dict(partnership_actions(partnership).values_list("pk", "current_scale").order_by())
    for action_id, link in agency_links(actions).items():
        for agency, role in agency_roles(link.own, link.in_steps).items():
            summary = summaries.get(agency)
            if summary is None or action_id not in scales:
                continue
            if role == AgencyRole.LEADS:
                summary.leads += 1
            else:
                summary.shares += 1
            summary.counts[scales[action_id]] += 1
    return list(summaries.values())


def role_counts(rows) -> dict[str, Counter]:
    """Counts by scale of rows (anything with .role and .scale), for each role and in all."""
    counts = {AgencyRole.LEADS: Counter(), AgencyRole.SHARES: Counter(), "all": Counter()}
    for row in rows:
        counts[row.role][row.scale] += 1
        counts["all"][row.scale] += 1
    return counts
