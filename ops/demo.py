"""Load the demo partnerships and the three seed plans from fixtures/ (see fixtures/README.md)."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from plans.models import Group, Membership, Partnership, Person, Plan, RagRating, Theme
from reporting.plan_builder import (
    FIXTURES_DIR,
    PLAN_FIELDS,
    PlanBuilder,
    PlanDataError,
    plan_shape,
)


class DemoDataError(PlanDataError):
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
    # People whose names the plans spell two ways: one record, the other spelling an alias
    # (as a merge by staff leaves it: actions.lead_records).
    for person in entry.get("people", []):
        Person.objects.update_or_create(
            partnership=partnership,
            name=person["name"],
            defaults={"aliases": "\n".join(person.get("aliases", []))},
        )
    in_order(Theme, partnership, entry.get("themes", []), "code", fields=THEME_FIELDS)
    in_order(RagRating, partnership, entry.get("ratings", []), "label", fields=RATING_FIELDS)
    return partnership


# The fields of a theme and a rating in partnerships.yaml: None where the entry must give
# one, else what it is when the entry leaves it out.
THEME_FIELDS = {"name": None, "short_name": ""}
RATING_FIELDS = {"scale": None, "definition": "", "colour": ""}


def in_order(model, partnership, entries: list[dict], key: str, *, fields: dict) -> None:
    """Create or update the partnership's objects of model from the entries, found by key,
    positioned in the order listed."""
    for position, entry in enumerate(entries, start=1):
        values = {
            name: entry[name] if default is None else entry.get(name, default)
            for name, default in fields.items()
        }
        model.objects.update_or_create(
            partnership=partnership, **{key: entry[key]}, defaults={**values, "position": position}
        )


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
        **plan_shape(data),
        agreed_on=data.get("agreed_on"),
    )
    PlanBuilder(plan, origin=origin).add_content(data)
    return plan


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
    created.append(
        ("admin", "Site administrator (Partnerships, and the Django admin)", "all partnerships")
    )
    return created
