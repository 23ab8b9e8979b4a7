"""Load the demo partnerships and the three seed plans from fixtures/ (see fixtures/README.md)."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from actions.lead_links import LeadLinker
from actions.models import Action, Step
from plans.models import (
    Group,
    Membership,
    Outcome,
    Partnership,
    Person,
    Plan,
    Priority,
    RagRating,
    Theme,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class DemoDataError(ValueError):
    pass


@dataclass
class LoadReport:
    plans: list[Plan] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, where


@transaction.atomic
def load_demo(fixtures_dir: Path = FIXTURES_DIR) -> LoadReport:
    """Create or refresh the demo partnerships and replace their seed plans. All or nothing."""
    for entry in yaml.safe_load((fixtures_dir / "partnerships.yaml").read_text()):
        load_partnership(entry)
    report = LoadReport()
    for path in sorted((fixtures_dir / "plans").glob("*.yaml")):
        report.plans.append(load_plan(yaml.safe_load(path.read_text()), origin=path.name))
    return report


def load_partnership(entry: dict) -> Partnership:
    partnership, _ = Partnership.objects.update_or_create(
        slug=entry["slug"], defaults={"name": entry["name"], "short_name": entry["short_name"]}
    )
    for group in entry.get("groups", []):
        Group.objects.update_or_create(
            partnership=partnership,
            short_name=group["short_name"],
            defaults={
                "name": group["name"],
                "kind": group["kind"],
                "aliases": "\n".join(group.get("aliases", [])),
            },
        )
    for position, theme in enumerate(entry.get("themes", []), start=1):
        Theme.objects.update_or_create(
            partnership=partnership,
            code=theme["code"],
            defaults={
                "name": theme["name"],
                "short_name": theme.get("short_name", ""),
                "position": position,
            },
        )
    for position, rating in enumerate(entry.get("ratings", []), start=1):
        RagRating.objects.update_or_create(
            partnership=partnership,
            label=rating["label"],
            defaults={
                "scale": rating["scale"],
                "definition": rating.get("definition", ""),
                "colour": rating.get("colour", ""),
                "position": position,
            },
        )
    return partnership


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


def load_plan(data: dict, *, origin: str = "") -> Plan:
    """Create one plan from its YAML data, replacing an earlier load of the same plan."""
    try:
        partnership = Partnership.objects.get(slug=data["partnership"])
        group = partnership.groups.get(short_name=data["group"])
    except (Partnership.DoesNotExist, Group.DoesNotExist) as error:
        raise DemoDataError(f"{origin}: unknown partnership or group ({error})") from error
    Plan.objects.filter(group=group, title=data["title"], period=data["period"]).delete()
    plan = Plan.objects.create(
        group=group,
        **{key: data.get(key) or "" for key in PLAN_FIELDS},
        agreed_on=data.get("agreed_on"),
    )
    PlanBuilder(plan, origin=origin).add_content(data)
    return plan


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
            raise DemoDataError(
                f"{self.origin}: action {data.get('number')}: unknown themes {unknown}"
            )
        action = Action.objects.create(
            outcome=outcome,
            position=position,
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


# One sign-in per role, for trying the site; created only on request (scripts/serve).
DEMO_USERS = [
    # username, first name, partnership slug, role, groups (short names)
    ("staff", "Sam (business support)", "merton", Membership.Role.STAFF, []),
    ("chair", "Chris (ESS chair)", "merton", Membership.Role.CHAIR, ["ESS"]),
    ("lead", "Zoe (lead)", "merton", Membership.Role.CHAIR, []),
    ("board", "Bola (board member)", "merton", Membership.Role.BOARD, []),
    ("medway", "Mo (Medway business support)", "medway", Membership.Role.STAFF, []),
]
# The demo lead is the person the ESS plan names as the lead of 1.1, 1.2, 1.3 and 1.5: her
# updates wait for the ESS chair's review, and the reminders (console email) go to her.
DEMO_LEAD = ("lead", "merton", "Zoe Gallen")


@transaction.atomic
def create_demo_users(password: str) -> list[tuple[str, str, str]]:
    User = get_user_model()
    created = []
    for username, first_name, slug, role, group_names in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "email": f"{username}@example.org",  # the reminders go to the console
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save()
        partnership = Partnership.objects.get(slug=slug)
        membership, _ = Membership.objects.update_or_create(
            user=user, partnership=partnership, defaults={"role": role}
        )
        membership.groups.set(partnership.groups.filter(short_name__in=group_names))
        role = membership.get_role_display()
        if (username, slug) == DEMO_LEAD[:2]:
            Person.objects.filter(partnership=partnership, name=DEMO_LEAD[2]).update(user=user)
            role = f"Lead named in the plans as {DEMO_LEAD[2]}"
        created.append((username, role, partnership.name))
    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={"first_name": "Site administrator", "is_staff": True, "is_superuser": True},
    )
    admin.set_password(password)
    admin.save()
    created.append(("admin", "Site administrator (Django admin)", "all partnerships"))
    return created
