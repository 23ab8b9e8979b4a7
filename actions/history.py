"""An action's change history in words, from django-simple-history's records."""

from dataclasses import dataclass, field

from actions.models import Action, Step

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


def _describe(records, model, subject) -> list[Change]:
    changes = []
    previous = {}
    for record in records:  # oldest first
        prior = previous.get(record.id)
        if record.history_type == "~" and prior is not None:
            delta = record.diff_against(prior)
            shown = [
                (_label(model, c.field), _text(c.old), _text(c.new))
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


def _text(value) -> str:
    if isinstance(value, list):  # m2m: list of through-row dicts
        return ", ".join(str(v.get("theme", v)) for v in value) or "none"
    return "" if value is None else str(value)


def change_log(action: Action) -> list[Change]:
    """Every recorded change to the action and its steps, newest first (2 queries)."""
    action_records = action.history.select_related("history_user").order_by("history_date")
    step_records = (
        Step.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    changes = _describe(action_records, Action, lambda r: "the action")
    changes += _describe(
        step_records, Step, lambda r: f"step {r.label or ''} “{r.text[:40]}”".replace("  ", " ")
    )
    return sorted(changes, key=lambda c: c.when, reverse=True)
