"""Fingerprints: whether a stored pack's file still says what the pack says now."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings

from reporting.agency_reports import AgencyReport
from reporting.packs import ActionLine, Pack

# A pack's file changes when what the pack holds changes, and only then: its as-at day (a
# plan's pack "as at today" is new each day; a past meeting's stays put), its title and
# previous meeting, every plan, priority, outcome, action, step and theme in it (their
# edits show in a past meeting's pack too: the pack lists plan content as it is now), the
# progress update current for each action as at the day (an update entered after a past
# meeting's day does not count, so it changes nothing), the ratings, and the code that lays
# the file out. Hashing the built pack itself, every stored field of each object in it,
# follows all of these without a list of which edits matter to keep in step with the
# renderers. Building a pack is a fixed number of queries; building and hashing it take
# about 0.4 s for 500 actions, against 30 s to render the PDF.


def fingerprint(pack: Pack | AgencyReport, fmt: str) -> str:
    """The fingerprint of a pack, or of an agency's report (agency_fingerprint)."""
    if isinstance(pack, AgencyReport):
        return agency_fingerprint(pack, fmt)
    return pack_fingerprint(pack, fmt)


def agency_fingerprint(report: AgencyReport, fmt: str) -> str:
    """The fingerprint of the pack the report rates its actions from, the agency, which
    actions and steps it leads or shares, and the code that lays the report out."""
    facts = [
        pack_fingerprint(report.pack, fmt),
        layout_version("agency"),
        fields(report.agency),
        [
            (row.line.action.pk, str(row.role), [step.pk for step in row.steps])
            for row in report.rows
        ],
    ]
    text = json.dumps(facts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def pack_fingerprint(pack: Pack, fmt: str) -> str:
    """A hash of everything the pack says, and of the code that lays it out in fmt: two packs
    with the same fingerprint make the same file (but for the time printed in it)."""
    facts = [
        fmt,
        layout_version(fmt),
        pack.title,
        pack.as_at,
        pack.previous_meeting,
        fields(pack.partnership),
        fields(pack.meeting),
        fields(pack.meeting.group) if pack.meeting else None,
        [fields(pack.ratings[pk]) for pk in sorted(pack.ratings)],
        [(fields(theme), count, counted(by_scale)) for theme, count, by_scale in pack.themes],
    ]
    for plan_pack in pack.plans:
        facts.append([fields(plan_pack.plan), fields(plan_pack.plan.group)])
        for block in plan_pack.priorities:
            facts.append(fields(block.priority))
            for outcome_block in block.outcomes:
                facts.append(fields(outcome_block.outcome))
                facts.extend(line_facts(line) for line in outcome_block.lines)
    text = json.dumps(facts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def fields(obj) -> list | None:
    """Every stored field of a model instance: whatever a renderer shows of it is among them."""
    if obj is None:
        return None
    meta = obj._meta
    return [meta.label, [(f.attname, f.value_from_object(obj)) for f in meta.concrete_fields]]


def counted(counter) -> list:
    return sorted((str(key), value) for key, value in counter.items())


def line_facts(line: ActionLine) -> list:
    action, update = line.action, line.update
    # Of the update's author, only the name the pack prints: a user's other fields (their
    # last sign-in) change without the pack changing.
    author = update.author if update is not None else None
    return [
        fields(action),
        [fields(step) for step in action.live_steps],
        [fields(theme) for theme in action.live_themes],
        fields(update),
        (author.get_full_name(), author.get_username()) if author is not None else None,
        line.rating.pk if line.rating else None,
        line.previous_rating.pk if line.previous_rating else None,
        [str(change) for change in line.changes],
        line.overdue,
    ]


# The code and templates that lay a pack out, by format, and an agency's report (in either
# format, besides its pack's), relative to this directory.
LAYOUT_FILES = {
    "pdf": ["pdf.py", "templates/reporting/pdf"],
    "xlsx": ["excel.py"],
    "agency": ["agency_reports.py", "templates/reporting/agency"],
}


def layout_version(fmt: str) -> str:
    """A hash of the files that lay a pack out in fmt, so a file made before a change to the
    layout is made again after the deployment. Computed once per process (the code does not
    change under a running server), except in development, where templates are edited live."""
    return _layout_hash(fmt) if settings.DEBUG else _cached_layout_hash(fmt)


def _layout_hash(fmt: str) -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in LAYOUT_FILES[fmt]:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


_cached_layout_hash = cache(_layout_hash)
