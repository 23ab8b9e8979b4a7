"""What an import's preview warns of without refusing the file: numbers used twice, rows
written twice, an empty lead or timeframe, a timeframe that gives no date (such an action
can never show as overdue), and dates outside the plan's period. Each is worth a look before
confirming, and each may be just what the plan says."""

from collections import Counter
from dataclasses import dataclass

from actions.timeframes import parse_timeframe, plan_period


@dataclass(frozen=True)
class ImportWarning:
    row: int | None
    message: str

    def __str__(self):
        return f"Row {self.row}: {self.message}" if self.row else self.message


def actions_of(data: dict) -> list[dict]:
    outcomes = [*data.get("outcomes", [])]
    for priority in data.get("priorities", []):
        outcomes += priority["outcomes"]
    return [action for outcome in outcomes for action in outcome["actions"]]


def twice(nodes: list[dict], key, what: str) -> list[ImportWarning]:
    """A warning on each node whose key repeats an earlier node's."""
    first: dict = {}
    warnings = []
    for node in nodes:
        value = key(node)
        if not value:
            continue
        if value in first:
            message = f"{what(node)} is the same as row {first[value]}'s"
            warnings.append(ImportWarning(node.get("row"), message))
        else:
            first[value] = node.get("row")
    return warnings


def import_warnings(data: dict, period_text: str) -> list[ImportWarning]:
    """The warnings for plan data read from a file (reporting.plan_reading), in row order;
    period_text is the plan's period ("2024-25"), which dates are checked against."""
    period = plan_period(period_text)
    actions = actions_of(data)
    warnings = [
        *twice(
            data.get("priorities", []),
            lambda p: p["number"],
            lambda p: f"priority number {p['number']}",
        ),
        *twice(actions, lambda a: a["number"], lambda a: f"action number {a['number']}"),
        *twice(
            actions,
            lambda a: (a["number"], a["text"], a["lead"], a["timeframe"]) if a["text"] else None,
            lambda a: f"action {a['number'] or a['text'][:40]}: the whole row",
        ),
    ]
    for action in actions:
        row, name = action.get("row"), f"action {action['number']}".strip()
        if not action["lead"].strip():
            warnings.append(ImportWarning(row, f"{name} has no lead"))
        timeframe = action["timeframe"].strip()
        if not timeframe:
            # An action dated by its steps' timeframes (as Medway's plan dates them) has one.
            if not any(step.get("timeframe", "").strip() for step in action.get("steps", [])):
                warnings.append(ImportWarning(row, f"{name} has no timeframe"))
            continue
        parsed = parse_timeframe(timeframe, period)
        if parsed.due is None and not parsed.recurrence and not parsed.to_be_confirmed:
            warnings.append(
                ImportWarning(
                    row,
                    f"{name}'s timeframe “{timeframe[:60]}” gives no due date, so it can "
                    "never show as past its due date: add a month or a date if it has one",
                )
            )
        elif period and parsed.due and not period[0] <= parsed.due <= period[1]:
            warnings.append(
                ImportWarning(
                    row,
                    f"{name} is due {parsed.due:%-d %B %Y}, outside the plan's period "
                    f"({period_text})",
                )
            )
    counts = Counter(str(warning) for warning in warnings)  # one of each, in row order
    unique = [w for w in warnings if counts.pop(str(w), None)]
    return sorted(unique, key=lambda warning: warning.row or 0)
