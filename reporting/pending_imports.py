"""An import waiting between its preview and its confirmation: the uploaded rows kept in the
user's session, and read again against the database as it is when the user confirms."""

import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from actions.lead_links import LeadLinker, LeadPreview
from plans.models import Group, Plan
from reporting.import_warnings import ImportWarning, actions_of, import_warnings
from reporting.imports import PlanImport
from reporting.plan_reading import RowError, read_plan
from reporting.uploads import Sheet

SESSION_KEY = "plan_imports"
MAX_PENDING = 2  # imports waiting in one session (two browser tabs)


@dataclass
class PendingImport:
    """An uploaded, readable file waiting for confirmation, kept in the user's session (the
    database session store: every app server sees it; no local file, no process memory).

    It holds the file's rows as text (small after the upload limits), never the file.
    """

    token: str
    partnership: str  # slug
    mode: str  # "new" or "replace"
    sheet: Sheet
    plan: int | None = None
    new_plan: dict | None = None  # group (pk), title, period
    # A Word plan whose columns the user has still to name (word_plans.UnmappedTables, as
    # JSON): until then, sheet is empty.
    unmapped: dict | None = None

    def as_json(self) -> dict:
        return {
            "partnership": self.partnership,
            "mode": self.mode,
            "plan": self.plan,
            "new_plan": self.new_plan,
            "sheet": self.sheet.as_json(),
            "unmapped": self.unmapped,
            "created": timezone.now().isoformat(),
        }

    def save(self, session) -> None:
        pending = dict(session.get(SESSION_KEY, {}))
        pending[self.token] = self.as_json()
        while len(pending) > MAX_PENDING:
            oldest = min(pending, key=lambda token: pending[token]["created"])
            del pending[oldest]
        session[SESSION_KEY] = pending

    @classmethod
    def create(cls, session, **kwargs) -> "PendingImport":
        pending = cls(token=secrets.token_urlsafe(16), **kwargs)
        pending.save(session)
        return pending

    @classmethod
    def load(cls, session, token: str, partnership_slug: str) -> "PendingImport | None":
        data = session.get(SESSION_KEY, {}).get(token)
        if data is None or data["partnership"] != partnership_slug:
            return None
        return cls(
            token=token,
            partnership=data["partnership"],
            mode=data["mode"],
            sheet=Sheet.from_json(data["sheet"]),
            plan=data.get("plan"),
            new_plan=data.get("new_plan"),
            unmapped=data.get("unmapped"),
        )

    def discard(self, session) -> None:
        pending = dict(session.get(SESSION_KEY, {}))
        pending.pop(self.token, None)
        session[SESSION_KEY] = pending


@dataclass
class Prepared:
    """A pending import read against the database as it is now: errors, or its changes."""

    errors: list[RowError]
    plan_import: PlanImport | None = None
    new_plan: dict | None = None  # Plan fields for a new plan
    warnings: list[ImportWarning] = field(default_factory=list)  # worth a look; no refusal
    lead_records: list[LeadPreview] = field(default_factory=list)  # what the leads link to

    @property
    def fingerprint(self) -> str:
        extra = None
        if self.new_plan:
            extra = {k: getattr(v, "pk", v) for k, v in self.new_plan.items()}
        return self.plan_import.fingerprint(extra) if self.plan_import else ""


def prepare(pending: PendingImport, partnership, plan: Plan | None) -> Prepared:
    """Read the pending rows and work out their changes, writing nothing."""
    data, errors = read_plan(pending.sheet, partnership)
    new_plan = None
    if pending.mode == "new":
        group = Group.objects.filter(
            partnership=partnership,
            pk=(pending.new_plan or {}).get("group"),
            deleted_at__isnull=True,
        ).first()
        if group is None:
            errors.append(
                RowError(
                    None,
                    None,
                    "The group chosen for the new plan no longer exists: start the import again.",
                )
            )
        else:
            new_plan = {
                "group": group,
                "title": pending.new_plan["title"],
                "period": pending.new_plan["period"],
                "status": Plan.Status.DRAFT,
                # A Word plan's own names for its levels, from its headings.
                **pending.sheet.about.get("labels", {}),
            }
    if errors:
        return Prepared(errors)
    period = plan.period if plan is not None else new_plan["period"]
    plan_import = PlanImport(partnership, data, plan=plan)
    leads = LeadLinker(partnership).preview(leads_of(data))
    return Prepared([], plan_import, new_plan, import_warnings(data, period), leads)


def leads_of(data: dict) -> list[tuple[int | None, str]]:
    """(row, lead text) of every action, step and core activity of plan data."""
    found = []
    for action in [*actions_of(data), *data.get("core_activities", [])]:
        found.append((action.get("row"), action.get("lead") or ""))
        found += [(step.get("row"), step.get("lead") or "") for step in action.get("steps", [])]
    return [(row, text) for row, text in found if text.strip()]
