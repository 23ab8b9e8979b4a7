"""A new partnership, set up by a site administrator in the browser: its names and address,
its protective marking, its ratings (a preset, or its own words on the fixed scale), its
groups (pasted, one a line) and its first member of staff (invited: plans.invitations)."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from plans.models import Group, Partnership, RagRating

Scale = RagRating.Scale


@dataclass(frozen=True)
class Rating:
    scale: str
    label: str
    definition: str = ""


@cache
def demo_ratings(slug: str) -> tuple[Rating, ...]:
    """A demo partnership's own ratings, as fixtures/partnerships.yaml transcribes them."""
    path = Path(settings.BASE_DIR) / "fixtures" / "partnerships.yaml"
    data = yaml.safe_load(path.read_text())
    (partnership,) = [p for p in data if p["slug"] == slug]
    return tuple(
        Rating(r["scale"], r["label"], r.get("definition", "")) for r in partnership["ratings"]
    )


PRESETS = {
    "merton": (
        "Merton's four: Complete, On track, At risk, Overdue",
        lambda: demo_ratings("merton"),
    ),
    "medway": (
        "Medway's four: Red, Amber, Green, Not yet commenced",
        lambda: demo_ratings("medway"),
    ),
    "rag": (
        "RAG: Red, Amber, Green",
        lambda: (
            Rating(Scale.OFF_TRACK, "Red", "Off track: action is needed now."),
            Rating(Scale.AT_RISK, "Amber", "At risk of not being achieved on time."),
            Rating(Scale.ON_TRACK, "Green", "On track to be achieved on time."),
        ),
    ),
    "brag": (
        "BRAG: Blue, Red, Amber, Green",
        lambda: (
            Rating(Scale.COMPLETE, "Blue", "Complete, with the evidence recorded."),
            Rating(Scale.OFF_TRACK, "Red", "Off track: action is needed now."),
            Rating(Scale.AT_RISK, "Amber", "At risk of not being achieved on time."),
            Rating(Scale.ON_TRACK, "Green", "On track to be achieved on time."),
        ),
    ),
    "own": ("Its own words, on the fixed scale", lambda: ()),
}

KINDS = {"subgroup": Group.Kind.SUBGROUP, "task group": Group.Kind.TASK_GROUP}
GROUP_LINE = re.compile(
    r"(?:(?P<kind>subgroup|task group)\s*:\s*)?(?P<name>.+?)\s*(?:\((?P<short>[^()]+)\))?",
    re.IGNORECASE,
)


def parse_groups(text: str) -> list[tuple[str, str, str]]:
    """(name, short name, kind) for each non-empty line: "Quality Assurance Subgroup (QA)",
    or "Task group: Neglect Strategy (Neglect)"; a subgroup unless it says task group; the
    short name defaults to the name. Blank lines are skipped."""
    groups = []
    for line in text.splitlines():
        line = line.strip(" \t-•*")
        if not line:
            continue
        match = GROUP_LINE.fullmatch(line)
        name = match["name"].strip()
        short = (match["short"] or name).strip()
        kind = KINDS[(match["kind"] or "subgroup").lower()]
        groups.append((name, short[:60], kind))
    return groups


@transaction.atomic
def create_partnership(*, name, short_name, slug, marking, ratings, board, groups) -> Partnership:
    """The partnership with its ratings (Rating, in order), its board (a name) and groups
    ((name, short name, kind) each)."""
    partnership = Partnership.objects.create(
        name=name, short_name=short_name, slug=slug, protective_marking=marking
    )
    for position, rating in enumerate(ratings):
        RagRating.objects.create(
            partnership=partnership,
            scale=rating.scale,
            label=rating.label,
            definition=rating.definition,
            position=position,
        )
    Group.objects.create(
        partnership=partnership, name=board, short_name=board[:60], kind=Group.Kind.BOARD
    )
    for group_name, group_short, kind in groups:
        Group.objects.create(
            partnership=partnership, name=group_name, short_name=group_short, kind=kind
        )
    return partnership
