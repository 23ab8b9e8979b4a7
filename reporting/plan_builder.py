"""Creating a plan's content from structured data (the schema of fixtures/README.md): plan
import (reporting.imports) and the demo loader (ops.demo) both build plans through it."""

from pathlib import Path

from django.conf import settings

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from plans.models import Outcome, Plan, Priority

# The demo plans, transcribed from the seeds; the import template shows one as its example.
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class PlanDataError(ValueError):
    """The structured data names something the partnership does not have."""


# The fields each level of a plan takes from structured data (fixtures/README.md's schema).
PLAN_FIELDS = [
    "title",
    "period",
    "status",
    "version_label",
    "introduction",
    "priority_label",
    "outcome_label",
    "action_label",
    "source",
    "note",
]
OUTCOME_FIELDS = ["number", "text", "note"]
ACTION_FIELDS = ["number", "text", "lead", "timeframe", "outcome_measures", "note"]
STEP_FIELDS = ["label", "text", "lead", "timeframe", "evidence", "note"]


def plan_shape(data: dict) -> dict[str, bool]:
    """Which levels above the actions the plan's data uses: Plan.has_priorities and
    has_outcomes (an outcome with neither number nor text holds actions of a plan without
    that level)."""
    outcomes = [*data.get("outcomes", [])]
    for priority in data.get("priorities", []):
        outcomes += priority.get("outcomes", [])
    stated = any(o.get("number") or o.get("text") for o in outcomes)
    return {
        "has_priorities": bool(data.get("priorities")),
        "has_outcomes": stated or not outcomes,
    }


class PlanBuilder:
    """Creates a plan's priorities, outcomes, actions and steps from structured data (the
    schema of fixtures/README.md), saving each object (so its history is recorded) and
    linking leads as it goes. The demo loader and plan imports (reporting.imports) both
    create plan content through it.
    """

    def __init__(self, plan: Plan, *, origin: str = ""):
        self.plan = plan
        self.group = plan.group
        self.origin = origin
        partnership = plan.group.partnership
        self.themes = {theme.code: theme for theme in partnership.themes.all()}
        self.linker = LeadLinker(partnership)
        self.outcome_position = 0

    def add_content(self, data: dict) -> None:
        """Add every priority and outcome of data, with their actions and steps, in order."""
        for position, priority_data in enumerate(data.get("priorities", []), start=1):
            priority = self.add_priority(priority_data, position=position)
            self.add_outcomes(priority_data.get("outcomes", []), priority)
        self.add_outcomes(data.get("outcomes", []), None)

    def add_outcomes(self, outcomes: list[dict], priority: Priority | None) -> None:
        for outcome_data in outcomes:
            self.outcome_position += 1
            outcome = self.add_outcome(
                outcome_data, priority=priority, position=self.outcome_position
            )
            for position, action_data in enumerate(outcome_data.get("actions", []), start=1):
                action = self.add_action(action_data, outcome=outcome, position=position)
                for step_position, step_data in enumerate(action_data.get("steps", []), start=1):
                    self.add_step(step_data, action=action, position=step_position)

    def add_priority(self, data: dict, *, position: int) -> Priority:
        return Priority.objects.create(
            plan=self.plan,
            number=data.get("number") or "",
            title=data["title"],
            overarching=bool(data.get("overarching")),
            position=position,
        )

    def add_outcome(self, data: dict, *, priority: Priority | None, position: int) -> Outcome:
        return Outcome.objects.create(
            plan=self.plan,
            priority=priority,
            position=position,
            **{key: data.get(key) or "" for key in OUTCOME_FIELDS},
        )

    def add_action(self, data: dict, *, outcome: Outcome, position: int) -> Action:
        """The action alone: its steps are added with add_step."""
        unknown = set(data.get("themes", [])) - set(self.themes)
        if unknown:
            raise PlanDataError(
                f"{self.origin}: action {data.get('number')}: unknown themes {unknown}"
            )
        action = Action.objects.create(
            outcome=outcome,
            position=position,
            kind=data.get("kind") or Action.Kind.ACTION,
            **{key: data.get(key) or "" for key in ACTION_FIELDS},
        )
        action.themes.set([self.themes[code] for code in data.get("themes", [])])
        self.linker.link(action, owning_group=self.group)
        return action

    def add_step(self, data: dict, *, action: Action, position: int) -> Step:
        step = Step.objects.create(
            action=action,
            position=position,
            **{key: data.get(key) or "" for key in STEP_FIELDS},
        )
        self.linker.link(step, owning_group=self.group)
        return step
