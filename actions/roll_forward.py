"""Year end: roll a plan forward into a new period.

Staff choose which actions carry over (by default: every action not complete, and every
recurring one, complete or not), and whether to keep their numbers as written or renumber
them. The new plan is a draft of the same group with the same labels and introduction; it
holds the priorities and outcomes that hold a carried action, in the same order. Each carried
action keeps a link to the action it came from (Action.carried_from), and the new plan to
the old one (Plan.carried_from), so the history stays readable across years: the progress
updates stay on the old action, and neither page loses the other.

What is copied, and why:
- an action's text, lead (re-linked to people, groups and agencies), timeframe as written,
  themes, outcome measures and transcription note;
- every live step, with its label, text, lead, timeframe and note. Steps have no rating of
  their own, so nothing says which are finished: all are carried and staff delete the done
  ones. A step's evidence is what was done last year, so it stays on the old step, as the
  progress updates stay on the old action.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from plans.history import acting_as
from plans.models import Outcome, Plan, Priority, RagRating

# --- Pure rules ---------------------------------------------------------------------------


def carries_by_default(*, scale: str | None, recurrence: str) -> bool:
    """Whether an action is ticked to carry forward: it is not complete as at today (no
    rating yet counts as not complete), or its timeframe recurs ("Ongoing", "Quarterly"...),
    which is work that goes on into the next year even when this year's part is done."""
    return bool(recurrence) or scale != RagRating.Scale.COMPLETE


_YEAR_RANGE = re.compile(r"^(\s*)([0-9]{4})(\s*[-–—/]\s*)([0-9]{4}|[0-9]{2})(\s*)$")
_YEAR = re.compile(r"^(\s*)([0-9]{4})(\s*)$")


def next_period(period: str) -> str:
    """The period after one written as a year or a year range, in the same style:
    "2024-25" -> "2025-26", "2021 – 2023" -> "2023 – 2025", "2024" -> "2025". Anything else
    (a month range, words) gives "": staff type the new period themselves."""
    if match := _YEAR.match(period):
        before, year, after = match.groups()
        return f"{before}{int(year) + 1}{after}".strip()
    match = _YEAR_RANGE.match(period)
    if not match:
        return ""
    _, first_text, link, last_text, _ = match.groups()
    first = int(first_text)
    if len(last_text) == 2:
        last = first - first % 100 + int(last_text)
        if last < first:  # "2099-00"
            last += 100
    else:
        last = int(last_text)
    span = last - first
    if span <= 0 or span > 10:
        return ""
    new_first, new_last = last, last + span
    last_written = f"{new_last % 100:02d}" if len(last_text) == 2 else str(new_last)
    return f"{new_first}{link}{last_written}"


Shape = list[tuple[bool, list[int]]]
Numbers = list[tuple[str, list[tuple[str, list[str]]]]]


def new_numbers(sections: Shape) -> Numbers:
    """Numbers for a renumbered plan, from its shape: for each priority section (whether it
    is a priority, and how many actions each of its outcomes holds), the priority's new
    number and each outcome's with its actions'.

    Priorities are numbered 1, 2, 3; outcomes 1, 2, 3 across the outcomes without a priority,
    or 1.1, 1.2 within priority 1 (as Medway writes them); actions 1.1, 1.2 within outcome 1
    (1.1.1 within outcome 1.1).
    """
    result = []
    priority_number = 0
    loose_outcome = 0
    for is_priority, outcomes in sections:
        if is_priority:
            priority_number += 1
            prefix = f"{priority_number}."
        else:
            prefix = ""
        numbered = []
        for index, count in enumerate(outcomes, start=1):
            if is_priority:
                outcome_number = f"{prefix}{index}"
            else:
                loose_outcome += 1
                outcome_number = str(loose_outcome)
            numbered.append(
                (outcome_number, [f"{outcome_number}.{n}" for n in range(1, count + 1)])
            )
        result.append((str(priority_number) if is_priority else "", numbered))
    return result


# --- What the new plan will hold ----------------------------------------------------------


@dataclass
class CarriedAction:
    action: Action
    number: str  # in the new plan


@dataclass
class CarriedOutcome:
    outcome: Outcome
    number: str
    actions: list[CarriedAction] = field(default_factory=list)


@dataclass
class CarriedPriority:
    priority: Priority | None
    number: str
    outcomes: list[CarriedOutcome] = field(default_factory=list)


def carried_layout(plan: Plan, action_ids, *, renumber: bool) -> list[CarriedPriority]:
    """The priorities, outcomes and actions of plan that the new plan will hold (those
    holding one of action_ids), in plan order, with their numbers in the new plan. Action
    ids that are not live actions of the plan are ignored. Three queries; the preview
    shows it and roll_forward writes it."""
    wanted = {int(pk) for pk in action_ids}
    actions = (
        Action.objects.live()
        .filter(outcome__plan=plan, outcome__deleted_at__isnull=True, pk__in=wanted)
        .order_by("position", "pk")
    )
    by_outcome: dict[int, list[Action]] = {}
    for action in actions:
        by_outcome.setdefault(action.outcome_id, []).append(action)
    sections: dict[int | None, CarriedPriority] = {}
    for priority in plan.priorities.live().order_by("position", "pk"):
        sections[priority.pk] = CarriedPriority(priority, priority.number)
    outcomes = (
        plan.outcomes.filter(deleted_at__isnull=True, pk__in=list(by_outcome))
        .select_related("priority")
        .order_by("position", "pk")
    )
    loose = CarriedPriority(None, "")
    for outcome in outcomes:
        if outcome.priority_id is not None and outcome.priority.deleted_at is not None:
            continue  # under a deleted priority: deleted with it
        section = sections[outcome.priority_id] if outcome.priority_id else loose
        carried = CarriedOutcome(outcome, outcome.number)
        carried.actions = [CarriedAction(a, a.number) for a in by_outcome[outcome.pk]]
        section.outcomes.append(carried)
    # As the plan page lays it out: outcomes without a priority first.
    layout = [s for s in [loose, *sections.values()] if s.outcomes]
    if renumber:
        shape = [(s.priority is not None, [len(o.actions) for o in s.outcomes]) for s in layout]
        for section, (priority_number, outcomes) in zip(layout, new_numbers(shape), strict=True):
            section.number = priority_number
            for carried, (outcome_number, action_numbers) in zip(
                section.outcomes, outcomes, strict=True
            ):
                carried.number = outcome_number
                for item, number in zip(carried.actions, action_numbers, strict=True):
                    item.number = number
    return layout


def carried_count(layout: list[CarriedPriority]) -> int:
    return sum(len(o.actions) for s in layout for o in s.outcomes)


# --- The write ----------------------------------------------------------------------------


class NothingToCarry(ValueError):
    """No live action of the plan was chosen: a plan with nothing in it is not made."""


PLAN_FIELDS = [
    "introduction",
    "notes",
    "appendices",
    "priority_label",
    "outcome_label",
    "action_label",
    "has_priorities",
    "has_outcomes",
]
ACTION_FIELDS = ["kind", "text", "lead", "timeframe", "outcome_measures", "note"]
STEP_FIELDS = ["label", "text", "lead", "timeframe", "note"]


def _saved(obj):
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def roll_forward(*, plan: Plan, title: str, period: str, action_ids, renumber: bool, user) -> Plan:
    """Make a draft plan for the next period holding the chosen actions of plan (see the
    module's docstring for what is copied). All or nothing; every object is saved through
    save(), so its history is recorded with user as the author."""
    layout = carried_layout(plan, action_ids, renumber=renumber)
    if not layout:
        raise NothingToCarry("Choose at least one action of the plan to carry forward.")
    group = plan.group
    linker = LeadLinker(group.partnership)
    old_actions = [item.action for s in layout for o in s.outcomes for item in o.actions]
    steps: dict[int, list[Step]] = {}
    for step in Step.objects.live().filter(action__in=old_actions).order_by("position", "pk"):
        steps.setdefault(step.action_id, []).append(step)
    themes: dict[int, list[int]] = {}
    for action_id, theme_id in Action.themes.through.objects.filter(
        action__in=old_actions, theme__deleted_at__isnull=True
    ).values_list("action_id", "theme_id"):
        themes.setdefault(action_id, []).append(theme_id)

    with acting_as(user):
        new_plan = _saved(
            Plan(
                group=group,
                title=title,
                period=period,
                status=Plan.Status.DRAFT,
                carried_from=plan,
                **{name: getattr(plan, name) for name in PLAN_FIELDS},
            )
        )
        outcome_position = 0
        for priority_position, section in enumerate(layout, start=1):
            priority = None
            if section.priority is not None:
                priority = _saved(
                    Priority(
                        plan=new_plan,
                        number=section.number,
                        title=section.priority.title,
                        overarching=section.priority.overarching,
                        position=priority_position,
                    )
                )
            for carried in section.outcomes:
                outcome_position += 1
                old_outcome = carried.outcome
                outcome = _saved(
                    Outcome(
                        plan=new_plan,
                        priority=priority,
                        number=carried.number,
                        text=old_outcome.text,
                        note=old_outcome.note,
                        position=outcome_position,
                    )
                )
                for action_position, item in enumerate(carried.actions, start=1):
                    old = item.action
                    action = _saved(
                        Action(
                            outcome=outcome,
                            number=item.number,
                            position=action_position,
                            carried_from=old,
                            **{name: getattr(old, name) for name in ACTION_FIELDS},
                        )
                    )
                    action.themes.set(themes.get(old.pk, []))
                    linker.link(action, owning_group=group)
                    for step_position, old_step in enumerate(steps.get(old.pk, []), start=1):
                        step = _saved(
                            Step(
                                action=action,
                                position=step_position,
                                **{name: getattr(old_step, name) for name in STEP_FIELDS},
                            )
                        )
                        linker.link(step, owning_group=group)
    return new_plan
