"""An action's change history in words, from django-simple-history's records."""

from dataclasses import dataclass, field

from actions.models import Action, Step
from plans.models import Outcome, Theme

HIDDEN_FIELDS = {
    "version",
    "updated_at",
    "created_at",
    "due_date",
    "starts_on",
    "recurrence",
    "timeframe_tbc",
    "position",
}
VERBS = {"+": "Added", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    when: object
    who: object
    what: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - m2m history fields are not model fields
        return name.replace("_", " ").capitalize()


class Words:
    """Ids in a history record said in words: a theme's code and name, an outcome's number and
    text, a choice's label. Looked up once, and only if a change needs them."""

    def __init__(self, action: Action):
        self.action = action
        self.loaded: dict[str, dict] = {}

    def names(self, kind: str) -> dict:
        if kind not in self.loaded:
            if kind == "theme":
                themes = Theme.objects.live().filter(
                    partnership=self.action.outcome.plan.group.partnership_id
                )
                self.loaded[kind] = {t.pk: f"{t.code}) {t.name}" for t in themes}
            else:
                outcomes = Outcome.objects.filter(plan=self.action.outcome.plan_id)
                self.loaded[kind] = {o.pk: str(o) or "(no outcome level)" for o in outcomes}
        return self.loaded[kind]

    def __call__(self, model, name: str, value) -> str:
        if isinstance(value, list):  # m2m: list of through-row dicts
            themes = self.names("theme")
            return ", ".join(themes.get(v.get("theme"), "a deleted theme") for v in value) or "none"
        if value is None:
            return ""
        if name == "outcome":
            return self.names("outcome").get(value, "a deleted outcome")
        field = model._meta.get_field(name) if name in FIELD_NAMES.get(model, ()) else None
        if field is not None and field.choices:
            return str(dict(field.choices).get(value, value))
        return str(value)


FIELD_NAMES = {model: {f.name for f in model._meta.get_fields()} for model in (Action, Step)}


def _describe(records, model, subject, words) -> list[Change]:
    changes = []
    previous = {}
    for record in records:  # oldest first
        prior = previous.get(record.id)
        if record.history_type == "~" and prior is not None:
            delta = record.diff_against(prior)
            shown = [
                (_label(model, c.field), words(model, c.field, c.old), words(model, c.field, c.new))
                for c in delta.changes
                if c.field not in HIDDEN_FIELDS
            ]
            # deleted_at is not editable, so diff_against() leaves it out: compare it here.
            if record.deleted_at != prior.deleted_at:
                verb = "Deleted" if record.deleted_at else "Restored"
                changes.append(
                    Change(record.history_date, record.history_user, f"{verb} {subject(record)}")
                )
                shown = [s for s in shown if s[0] != _label(model, "deleted_at")]
            if shown:
                changes.append(
                    Change(
                        record.history_date,
                        record.history_user,
                        f"Changed {subject(record)}",
                        shown,
                    )
                )
        elif record.history_type != "~":
            verb = VERBS[record.history_type]
            changes.append(
                Change(record.history_date, record.history_user, f"{verb} {subject(record)}")
            )
        previous[record.id] = record
    return changes


def change_log(action: Action) -> list[Change]:
    """Every recorded change to the action and its steps, newest first (2 queries)."""
    action_records = action.history.select_related("history_user").order_by("history_date")
    step_records = (
        Step.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    words = Words(action)
    changes = _describe(action_records, Action, lambda r: "the action", words)
    changes += _describe(
        step_records,
        Step,
        lambda r: f"step {r.label or ''} “{r.text[:40]}”".replace("  ", " "),
        words,
    )
    return sorted(changes, key=lambda c: c.when, reverse=True)
