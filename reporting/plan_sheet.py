"""A plan as one flat sheet, one row per action or step, in the users' words: the layout that
plan export writes, the import template shows and plan import reads.

    Priority number | Priority | Outcome number | Outcome | Action number | Action |
    Step label | Step | Themes | Lead | Timeframe | Evidence | Outcome measures | Note

- An action row leaves the step columns blank. A step row repeats its action's number and
  leaves the action's text blank; its Lead, Timeframe, Evidence and Note are the step's own.
- A priority's and an outcome's text is written on its first row only; later rows repeat
  the number, or leave both blank, meaning "the same as above" (as a merged cell in Word).
- A row with only priority and outcome columns is an outcome on its own (one with a note, or
  without actions yet); a row with only priority columns is a priority without outcomes.
- Optional columns Rating and Commentary (action rows) add a progress update.

Both directions go through the structured data of fixtures/README.md (priorities, outcomes,
actions, steps as dicts), the same data the demo loader creates plans from, so a plan,
its export and its import can be compared directly.

Reading rows into that data is plain code rather than a django-import-export Resource: a
Resource turns one row into one model instance, but here a row's meaning depends on the rows
above it (which priority and outcome it continues, which action a step belongs to), and
four kinds of object come from one sheet. See reporting/uploads.py for reading the file.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from actions.models import Action, Step
from plans.models import Outcome, Plan, Priority, Theme
from reporting.plan_builder import ACTION_FIELDS, OUTCOME_FIELDS, STEP_FIELDS


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    hint: str
    max_length: int | None = None
    number: bool = False  # kept as text in Excel, so 1.10 stays 1.10


COLUMNS = [
    Column(
        "priority_number",
        "Priority number",
        10,
        "As the plan writes it, e.g. 1; 'Overarching' for a priority above the others. "
        "Leave the priority columns blank if the plan has no priorities.",
        20,
        True,
    ),
    Column("priority", "Priority", 30, "The priority's title, on its first row only."),
    Column("outcome_number", "Outcome number", 10, "As written, e.g. 1.1; may be blank.", 20, True),
    Column(
        "outcome",
        "Outcome",
        45,
        "What will success look like? On the outcome's first row only. Leave the outcome "
        "columns blank if the plan's actions sit straight under its priorities.",
    ),
    Column(
        "action_number",
        "Action number",
        10,
        "As written, e.g. 1.1.1. A step row repeats its action's number.",
        20,
        True,
    ),
    Column("action", "Action", 50, "What we will do. Blank on step rows."),
    Column("step_label", "Step label", 8, "A., B., a. ... or blank for a bullet.", 10, True),
    Column("step", "Step", 50, "The step, milestone or bullet. Blank on action rows."),
    Column(
        "themes",
        "Themes",
        10,
        "Cross-cutting theme codes, comma-separated, e.g. A, C (action rows only).",
    ),
    Column("lead", "Lead", 25, "As written: people, posts, groups, agencies."),
    Column("timeframe", "Timeframe", 18, "As written, e.g. September 2024, Ongoing, Quarterly."),
    Column("evidence", "Evidence", 30, "Impact and evidence (step rows only)."),
    Column(
        "outcome_measures",
        "Outcome measures",
        30,
        "How will we know it has made a difference? (action rows only)",
    ),
    Column("note", "Note", 30, "A note on the outcome, action or step of the row."),
]
OPTIONAL_COLUMNS = [
    Column(
        "rating",
        "Rating",
        12,
        "Optional column: a RAG rating of the partnership, to "
        "record as a progress update (action rows only).",
    ),
    Column(
        "commentary", "Commentary", 40, "Optional column: the commentary that goes with the rating."
    ),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS + OPTIONAL_COLUMNS}
ACTION_ONLY = ["themes", "outcome_measures", "rating", "commentary"]
ACTION_ROW_KEYS = [
    "action_number",
    "action",
    "themes",
    "lead",
    "timeframe",
    "evidence",
    "outcome_measures",
    "rating",
    "commentary",
]


def plan_columns(plan: Plan) -> list[Column]:
    """The layout's columns with the plan's own names for its levels: "Strategic priority"
    and "Strategic priority number" for a plan that calls its priorities so (import reads
    them back: reporting.plan_reading.match_header)."""
    labels = {
        "priority": plan.priority_label,
        "outcome": plan.outcome_label,
        "action": plan.action_label,
    }
    names = {
        "priority": plan.priority_name,
        "outcome": plan.outcome_name,
        "action": plan.action_name,
    }
    columns = []
    for column in COLUMNS:
        level = column.key.removesuffix("_number")
        if level in labels and labels[level]:
            title = labels[level] if level == column.key else f"{names[level].capitalize()} number"
            column = Column(
                column.key, title, column.width, column.hint, column.max_length, column.number
            )
        columns.append(column)
    return columns


# A plan as structured data ---------------------------------------------------------------


@dataclass
class PlanTree:
    """A plan's live content, each level in order (a query a level, none per object)."""

    priorities: list
    outcomes: dict  # priority id (None: no priority) -> outcomes
    actions: dict  # outcome id -> actions
    steps: dict  # action id -> steps
    # Outcomes that hold core activities (not in the plan's sheet): never deleted by an import.
    holding_core: set = field(default_factory=set)

    @classmethod
    def empty(cls) -> "PlanTree":
        return cls([], {}, {}, {})

    @classmethod
    def load(cls, plan: Plan) -> "PlanTree":
        def live(queryset):
            return queryset.live().order_by("position", "pk")

        priorities = list(live(Priority.objects.filter(plan=plan)))
        priority_ids = {p.pk for p in priorities}
        outcomes = defaultdict(list)
        for outcome in live(Outcome.objects.filter(plan=plan)):
            if outcome.priority_id is None or outcome.priority_id in priority_ids:
                outcomes[outcome.priority_id].append(outcome)
        outcome_ids = {o.pk for group in outcomes.values() for o in group}
        actions = defaultdict(list)
        live_themes = Theme.objects.live()
        in_plan = live(Action.objects.filter(outcome__in=outcome_ids))
        core = in_plan.filter(kind=Action.Kind.CORE_ACTIVITY)
        holding_core = set(core.values_list("outcome_id", flat=True))
        action_query = in_plan.filter(kind=Action.Kind.ACTION).with_latest_update()
        for action in action_query.prefetch_related(
            Prefetch("themes", queryset=live_themes, to_attr="themes_live")
        ):
            actions[action.outcome_id].append(action)
        # An unstated outcome holding only core activities is not part of the Plan sheet.
        for key, group in outcomes.items():
            outcomes[key] = [
                o for o in group if o.is_stated or actions.get(o.pk) or o.pk not in holding_core
            ]
        action_ids = {a.pk for group in actions.values() for a in group}
        steps = defaultdict(list)
        for step in live(Step.objects.filter(action__in=action_ids)):
            steps[step.action_id].append(step)
        return cls(priorities, outcomes, actions, steps, holding_core)

    def sections(self):
        """(priority or None, its outcomes) in the order the plan page shows them."""
        yield None, self.outcomes.get(None, [])
        for priority in self.priorities:
            yield priority, self.outcomes.get(priority.pk, [])

    def all_outcomes(self) -> list:
        return [outcome for _, outcomes in self.sections() for outcome in outcomes]


def outcome_data(outcome, tree: PlanTree) -> dict:
    return {
        **{key: getattr(outcome, key) for key in OUTCOME_FIELDS},
        "actions": [
            {
                **{key: getattr(action, key) for key in ACTION_FIELDS},
                "themes": [theme.code for theme in action.themes_live],
                "steps": [
                    {key: getattr(step, key) for key in STEP_FIELDS}
                    for step in tree.steps.get(action.pk, [])
                ],
            }
            for action in tree.actions.get(outcome.pk, [])
        ],
    }


def plan_data(plan: Plan) -> dict:
    """The plan's live content in the schema of fixtures/README.md."""
    tree = PlanTree.load(plan)
    return {
        "priorities": [
            {
                "number": priority.number,
                "title": priority.title,
                **({"overarching": True} if priority.overarching else {}),
                "outcomes": [
                    outcome_data(o, tree)
                    for o in tree.outcomes.get(priority.pk, [])
                    if o.is_stated or tree.actions.get(o.pk)
                ],
            }
            for priority in tree.priorities
        ],
        "outcomes": [
            outcome_data(o, tree)
            for o in tree.outcomes.get(None, [])
            if o.is_stated or tree.actions.get(o.pk)  # not a holder of core activities only
        ],
    }


OVERARCHING = "Overarching"


def priority_number_cell(priority: dict) -> str:
    """The Priority number column: the number, after "Overarching" for an overarching one."""
    number = priority.get("number") or ""
    return f"{OVERARCHING} {number}".strip() if priority.get("overarching") else number


def data_rows(data: dict) -> list[dict]:
    """The rows of the layout for plan data: outcomes without a priority first, as the plan
    page shows them, so that blank priority columns never continue a priority."""
    rows = []
    sections = [({"number": "", "title": ""}, data.get("outcomes", []))]
    sections += [(p, p.get("outcomes", [])) for p in data.get("priorities", [])]
    for priority, outcomes in sections:
        title_due = True  # a priority's title goes on its first row only
        for outcome in outcomes:
            text_due = True
            for entry in outcome_entries(outcome):
                rows.append(
                    {
                        "priority_number": priority_number_cell(priority),
                        "priority": (priority.get("title") or "") if title_due else "",
                        "outcome_number": outcome.get("number") or "",
                        "outcome": (outcome.get("text") or "") if text_due else "",
                        **entry,
                    }
                )
                title_due = text_due = False
        if title_due and priority.get("title"):
            rows.append(
                {"priority_number": priority_number_cell(priority), "priority": priority["title"]}
            )
    return rows


def outcome_entries(outcome: dict) -> list[dict]:
    """An outcome's rows, without the priority and outcome columns."""
    actions = outcome.get("actions", [])
    entries = []
    if outcome.get("note") or not actions:
        entries.append({"note": outcome.get("note") or ""})
    for action in actions:
        entries.append(
            {
                "action_number": action.get("number") or "",
                "action": action.get("text") or "",
                "themes": ", ".join(action.get("themes", [])),
                **{
                    k: action.get(k) or ""
                    for k in ["lead", "timeframe", "outcome_measures", "note"]
                },
            }
        )
        for step in action.get("steps", []):
            entries.append(
                {
                    "action_number": action.get("number") or "",
                    "step_label": step.get("label") or "",
                    "step": step.get("text") or "",
                    **{k: step.get(k) or "" for k in ["lead", "timeframe", "evidence", "note"]},
                }
            )
    return entries


# The plan's narrative: a sheet of its own ------------------------------------------------
#
#     Part | Text | Lead | Timeframe | Rating | Commentary
#
# One row each for the plan's Introduction, Notes and Appendices (Text only), and one row
# for each core activity (standing business outside the numbered priorities), with its lead,
# timeframe and, optionally, a rating and commentary as on the Plan sheet.

NARRATIVE_SHEET = "Narrative"
NARRATIVE_PARTS = {"introduction": "Introduction", "notes": "Notes", "appendices": "Appendices"}
CORE_ACTIVITY = "Core activity"
NARRATIVE_COLUMNS = [
    Column("part", "Part", 16, "Introduction, Notes, Appendices or Core activity."),
    Column("text", "Text", 80, "The introduction, notes or appendices, or the core activity."),
    Column("lead", "Lead", 25, "A core activity's lead, as written."),
    Column("timeframe", "Timeframe", 18, "A core activity's timeframe, as written."),
    Column("rating", "Rating", 12, "Optional: a core activity's rating."),
    Column("commentary", "Commentary", 40, "Optional: a core activity's commentary."),
]


def core_activities_of(plan: Plan) -> list:
    return list(
        Action.objects.live()
        .filter(outcome__plan=plan, outcome__deleted_at__isnull=True)
        .filter(kind=Action.Kind.CORE_ACTIVITY)
        .with_latest_update()
        .order_by("position", "pk")
    )


def narrative_data(plan: Plan) -> dict:
    """The plan's narrative texts and core activities, in the data schema."""
    return {
        "narrative": {key: getattr(plan, key) for key in NARRATIVE_PARTS},
        "core_activities": [
            {"text": a.text, "lead": a.lead, "timeframe": a.timeframe}
            for a in core_activities_of(plan)
        ],
    }


def narrative_rows(data: dict) -> list[dict]:
    rows = [
        {"part": title, "text": data.get("narrative", {}).get(key) or ""}
        for key, title in NARRATIVE_PARTS.items()
    ]
    for activity in data.get("core_activities", []):
        rows.append({"part": CORE_ACTIVITY, **activity})
    return rows
