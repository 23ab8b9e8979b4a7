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

import functools
import io
from collections import defaultdict
from dataclasses import dataclass

import yaml
from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actions.models import Action, Step
from plans.models import Outcome, Plan, Priority, Theme
from reporting.cells import set_text, sheet_text, unescape
from reporting.plan_builder import ACTION_FIELDS, FIXTURES_DIR, OUTCOME_FIELDS, STEP_FIELDS
from reporting.uploads import MAX_UPLOAD_BYTES, PLAN_SHEET, Sheet, megabytes


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    hint: str
    max_length: int | None = None
    number: bool = False  # kept as text in Excel, so 1.10 stays 1.10


COLUMNS = [
    Column("priority_number", "Priority number", 10, "As the plan writes it, e.g. 1. "
           "Leave the priority columns blank if the plan has no priorities.", 20, True),
    Column("priority", "Priority", 30, "The priority's title, on its first row only."),
    Column("outcome_number", "Outcome number", 10, "As written, e.g. 1.1; may be blank.",
           20, True),
    Column("outcome", "Outcome", 45, "What will success look like? On the outcome's first "
           "row only."),
    Column("action_number", "Action number", 10, "As written, e.g. 1.1.1. A step row repeats "
           "its action's number.", 20, True),
    Column("action", "Action", 50, "What we will do. Blank on step rows."),
    Column("step_label", "Step label", 8, "A., B., a. ... or blank for a bullet.", 10, True),
    Column("step", "Step", 50, "The step, milestone or bullet. Blank on action rows."),
    Column("themes", "Themes", 10, "Cross-cutting theme codes, comma-separated, e.g. A, C "
           "(action rows only)."),
    Column("lead", "Lead", 25, "As written: people, posts, groups, agencies."),
    Column("timeframe", "Timeframe", 18, "As written, e.g. September 2024, Ongoing, "
           "Quarterly."),
    Column("evidence", "Evidence", 30, "Impact and evidence (step rows only)."),
    Column("outcome_measures", "Outcome measures", 30, "How will we know it has made a "
           "difference? (action rows only)"),
    Column("note", "Note", 30, "A note on the outcome, action or step of the row."),
]  # fmt: skip
OPTIONAL_COLUMNS = [
    Column("rating", "Rating", 12, "Optional column: a RAG rating of the partnership, to "
           "record as a progress update (action rows only)."),
    Column("commentary", "Commentary", 40, "Optional column: the commentary that goes with "
           "the rating."),
]  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS + OPTIONAL_COLUMNS}
ACTION_ONLY = ["themes", "outcome_measures", "rating", "commentary"]
ACTION_ROW_KEYS = ["action_number", "action", "themes", "lead", "timeframe", "evidence",
                   "outcome_measures", "rating", "commentary"]  # fmt: skip


# Text in cells ------------------------------------------------------------------------


# A plan as structured data ---------------------------------------------------------------


@dataclass
class PlanTree:
    """A plan's live content, each level in order (a query a level, none per object)."""

    priorities: list
    outcomes: dict  # priority id (None: no priority) -> outcomes
    actions: dict  # outcome id -> actions
    steps: dict  # action id -> steps

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
        action_query = live(Action.objects.filter(outcome__in=outcome_ids)).with_latest_update()
        for action in action_query.prefetch_related(
            Prefetch("themes", queryset=live_themes, to_attr="themes_live")
        ):
            actions[action.outcome_id].append(action)
        action_ids = {a.pk for group in actions.values() for a in group}
        steps = defaultdict(list)
        for step in live(Step.objects.filter(action__in=action_ids)):
            steps[step.action_id].append(step)
        return cls(priorities, outcomes, actions, steps)

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
                "outcomes": [outcome_data(o, tree) for o in tree.outcomes.get(priority.pk, [])],
            }
            for priority in tree.priorities
        ],
        "outcomes": [outcome_data(o, tree) for o in tree.outcomes.get(None, [])],
    }


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
                        "priority_number": priority.get("number") or "",
                        "priority": (priority.get("title") or "") if title_due else "",
                        "outcome_number": outcome.get("number") or "",
                        "outcome": (outcome.get("text") or "") if text_due else "",
                        **entry,
                    }
                )
                title_due = text_due = False
        if title_due and priority.get("title"):
            rows.append(
                {"priority_number": priority.get("number") or "", "priority": priority["title"]}
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


# Writing workbooks --------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_text(cell, value) -> None:
    """Store text as a string, never a formula (reporting.cells), wrapped."""
    set_text(cell, sheet_text(value))
    cell.alignment = WRAP


def write_plan_sheet(worksheet, rows: list[dict], columns=COLUMNS) -> None:
    """The layout on a worksheet: header, rows, widths, wrapped text, frozen header."""
    worksheet.append([column.title for column in columns])
    for cell in worksheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            cell = worksheet.cell(row=row_number, column=index)
            write_text(cell, row.get(column.key, ""))
            if column.number:
                cell.number_format = "@"
    for index, column in enumerate(columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.number:
            dimension.number_format = "@"
    worksheet.freeze_panes = "A2"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_workbook(plan: Plan) -> bytes:
    """The plan in the layout, as an xlsx file that plan import reads back unchanged."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = PLAN_SHEET
    write_plan_sheet(worksheet, data_rows(plan_data(plan)))
    workbook.properties.title = sheet_text(f"{plan.title} {plan.period}")[:200]
    return workbook_bytes(workbook)


@functools.cache
def example_data() -> dict:
    """A few rows of Medway's business plan (the demo data), to show the layout in use: a
    priority, two outcomes, an action each and their steps."""
    path = FIXTURES_DIR / "plans" / "medway-scp-business-plan-2021-23.yaml"
    try:
        medway = yaml.safe_load(path.read_text())
    except OSError:
        return {}
    priority = medway["priorities"][0]
    outcomes = []
    for outcome in priority["outcomes"][:2]:
        actions = [{**a, "steps": a.get("steps", [])[:3]} for a in outcome["actions"][:1]]
        outcomes.append({**outcome, "actions": actions})
    return {"priorities": [{**priority, "outcomes": outcomes}]}


def template_workbook(partnership) -> bytes:
    """The layout to fill in: instructions (with the partnership's theme codes and ratings),
    an empty Plan sheet that import reads, and an Example sheet that it does not."""
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    for row_number, line in enumerate(instruction_lines(partnership), start=1):
        for column, text in enumerate(line, start=1):
            set_text(instructions.cell(row=row_number, column=column), sheet_text(text))
    instructions.column_dimensions["A"].width = 24
    instructions.column_dimensions["B"].width = 100
    for row in instructions.iter_rows():
        for cell in row:
            cell.alignment = WRAP
    instructions["A1"].font = Font(bold=True, size=14)
    write_plan_sheet(workbook.create_sheet(PLAN_SHEET), [])
    write_plan_sheet(workbook.create_sheet("Example"), data_rows(example_data()))
    return workbook_bytes(workbook)


def instruction_lines(partnership) -> list[list[str]]:
    themes = list(partnership.themes.live())
    ratings = list(partnership.ratings.live())
    lines = [
        [f"Importing a plan into {partnership.name}"],
        [],
        ["1.", "Fill in the Plan sheet: one row for each action, and one for each step."],
        ["2.", "Keep the column names in the first row as they are."],
        ["3.", "An action row leaves Step label and Step blank. A step row repeats its "
               "action's number and leaves the Action column blank."],
        ["4.", "Write a priority's and an outcome's text on its first row only. On later rows "
               "repeat the number, or leave the number and text blank: blank means the same "
               "as the row above."],
        ["5.", "A row with only the priority and outcome columns (and a Note) is an outcome on "
               "its own: use it for an outcome's note or an outcome without actions yet."],
        ["6.", "Type text, not formulas: a cell that starts with = is refused."],
        ["7.", f"Save as Excel Workbook (.xlsx) or CSV UTF-8, at most "
               f"{megabytes(MAX_UPLOAD_BYTES)}, and upload it. You see every change before "
               "anything is saved."],
        ["8.", "The Example sheet shows a few rows of a real plan. It is not imported."],
        [],
        ["Column", "What goes in it"],
        *[[column.title, column.hint] for column in COLUMNS + OPTIONAL_COLUMNS],
        [],
        ["Theme codes", ", ".join(f"{t.code} = {t.name}" for t in themes)
         or "This partnership has no cross-cutting themes: leave Themes blank."],
        ["Ratings", ", ".join(r.label for r in ratings) or "No ratings are set up yet."],
    ]  # fmt: skip
    return lines


# Reading rows into plan data -------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


class Problem(Exception):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


def normalise_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def match_header(header: list[str], rows: list) -> tuple[dict, list[RowError]]:
    """Column key -> index, from the header row; errors name every missing or unknown column."""
    known = {normalise_title(c.title): c for c in COLUMNS + OPTIONAL_COLUMNS}
    errors, found = [], {}
    for index, title in enumerate(header):
        if not title:
            if any(index < len(cells) and cells[index].strip() for _, cells, _ in rows):
                letter = get_column_letter(index + 1)
                errors.append(RowError(1, None, f"column {letter} has no name but has text in it"))
            continue
        column = known.get(normalise_title(title))
        if column is None:
            errors.append(
                RowError(1, None, f"there is no column called '{title}' in this layout: "
                                  "remove or rename it")
            )  # fmt: skip
        elif column.key in found:
            errors.append(RowError(1, None, f"the column '{column.title}' appears twice"))
        else:
            found[column.key] = index
    width = max((len(cells) for _, cells, _ in rows), default=0)
    for index in range(len(header), width):
        if any(index < len(cells) and cells[index].strip() for _, cells, _ in rows):
            letter = get_column_letter(index + 1)
            errors.append(RowError(1, None, f"column {letter} has no name but has text in it"))
    for column in COLUMNS:
        if column.key not in found:
            errors.append(RowError(1, None, f"the column '{column.title}' is missing"))
    return found, errors


def read_plan(sheet: Sheet, partnership) -> tuple[dict, list[RowError]]:
    """Plan data from a sheet of the layout, and every error found, by row and column."""
    columns, errors = match_header(sheet.header, sheet.rows)
    if errors:
        return {}, errors
    reader = PlanReader(partnership, with_ratings="rating" in columns)
    for number, cells, formulas in sheet.rows:
        values = {}
        for key, index in columns.items():
            text = cells[index] if index < len(cells) else ""
            if index in formulas:
                reader.error(number, key, "a formula, not text")
            values[key] = sheet_text(unescape(text))
        reader.read(number, values)
    return reader.data, reader.errors


class PlanReader:
    """Reads rows one by one, keeping track of the priority, outcome and action they continue."""

    def __init__(self, partnership, *, with_ratings: bool):
        self.themes = {t.code.casefold(): t.code for t in partnership.themes.live()}
        self.ratings = {}
        if with_ratings:
            self.ratings = {r.label.casefold(): r.label for r in partnership.ratings.live()}
        self.data = {"priorities": [], "outcomes": []}
        self.errors: list[RowError] = []
        self.priority = None
        self.outcome = None
        self.action = None
        self.actions_by_number = {}
        self.parent = {}  # id(node) -> the node it sits in (None for no priority)

    def error(self, row: int, key: str | None, message: str) -> None:
        column = COLUMN_BY_KEY[key].title if key else None
        self.errors.append(RowError(row, column, message))

    def read(self, number: int, row: dict) -> None:
        before = len(self.errors)
        for key, value in row.items():
            limit = COLUMN_BY_KEY[key].max_length
            if limit and len(value) > limit:
                self.error(number, key, f"at most {limit} characters (this has {len(value)})")
        if len(self.errors) > before:
            return
        try:
            if row["step_label"] or row["step"]:
                self.read_step(number, row)
            elif any(row.get(key) for key in ACTION_ROW_KEYS):
                self.read_action(number, row)
            elif row["outcome_number"] or row["outcome"]:
                self.read_outcome(number, row)
            elif row["priority_number"] or row["priority"]:
                self.read_priority(number, row)
            else:
                raise Problem("note", "a note with nothing to go with: write it on the row "
                                      "of its outcome, action or step")  # fmt: skip
        except Problem as problem:
            self.error(number, problem.key, problem.message)

    # Priorities and outcomes continue from row to row.

    def switch_priority(self, priority):
        if priority is not self.priority:
            self.priority, self.outcome, self.action = priority, None, None
        return priority

    def resolve_priority(self, number: int, row: dict):
        code, title = row["priority_number"], row["priority"]
        if not code and not title:
            return self.priority
        current = self.priority
        if title:
            if current and (current["number"], current["title"]) == (code, title):
                return current
            for priority in reversed(self.data["priorities"]):
                if (priority["number"], priority["title"]) == (code, title):
                    return self.switch_priority(priority)
            priority = {"number": code, "title": title, "outcomes": [], "row": number}
            self.data["priorities"].append(priority)
            return self.switch_priority(priority)
        if current and current["number"] == code:
            return current
        for priority in reversed(self.data["priorities"]):
            if priority["number"] == code:
                return self.switch_priority(priority)
        raise Problem(
            "priority_number",
            f"there is no priority {code} above this row: write the priority's title on the "
            "row where it first appears",
        )

    def switch_outcome(self, outcome):
        if outcome is not self.outcome:
            self.outcome, self.action = outcome, None
        return outcome

    def resolve_outcome(self, number: int, row: dict, priority):
        code, text = row["outcome_number"], row["outcome"]
        if not code and not text:
            return self.outcome
        current = self.outcome
        siblings = priority["outcomes"] if priority else self.data["outcomes"]
        if text:
            if current and (current["number"], current["text"]) == (code, text):
                return current
            for outcome in reversed(siblings):
                if (outcome["number"], outcome["text"]) == (code, text):
                    return self.switch_outcome(outcome)
        else:
            if current and current["number"] == code:
                return current
            for outcome in reversed(siblings):
                if outcome["number"] == code:
                    return self.switch_outcome(outcome)
        outcome = {"number": code, "text": text, "note": "", "actions": [], "row": number}
        siblings.append(outcome)
        self.parent[id(outcome)] = priority
        return self.switch_outcome(outcome)

    # One kind of row each.

    def read_priority(self, number: int, row: dict) -> None:
        if row["note"]:
            raise Problem("note", "a priority has no note: write it on an outcome's row")
        self.resolve_priority(number, row)  # a new priority, or one above
        self.outcome = self.action = None

    def read_outcome(self, number: int, row: dict) -> None:
        priority = self.resolve_priority(number, row)
        outcome = self.resolve_outcome(number, row, priority)
        self.action = None
        if row["note"]:
            if outcome["note"] and outcome["note"] != row["note"]:
                raise Problem("note", "this outcome already has a different note on an "
                                      "earlier row")  # fmt: skip
            outcome["note"] = row["note"]

    def read_action(self, number: int, row: dict) -> None:
        priority = self.resolve_priority(number, row)
        outcome = self.resolve_outcome(number, row, priority)
        if outcome is None:
            raise Problem(
                "outcome", "this action has no outcome: write the outcome's number or text"
            )
        if row["evidence"]:
            raise Problem(
                "evidence", "evidence goes with a step: write it on a step row, not an action's"
            )
        themes = []
        for code in filter(None, (c.strip() for c in row["themes"].replace(";", ",").split(","))):
            if code.casefold() not in self.themes:
                raise Problem("themes", f"there is no theme '{code}' in this partnership"
                                        f"{self.theme_hint()}")  # fmt: skip
            if self.themes[code.casefold()] not in themes:
                themes.append(self.themes[code.casefold()])
        action = {
            "number": row["action_number"],
            "text": row["action"],
            "themes": themes,
            **{key: row[key] for key in ["lead", "timeframe", "outcome_measures", "note"]},
            "steps": [],
            "row": number,
        }
        self.read_rating(row, action)
        outcome["actions"].append(action)
        self.parent[id(action)] = outcome
        self.action = action
        if action["number"]:
            self.actions_by_number[action["number"]] = action

    def read_rating(self, row: dict, action: dict) -> None:
        label, commentary = row.get("rating", ""), row.get("commentary", "")
        if not label and not commentary:
            return
        if not label:
            raise Problem("rating", "choose a rating to go with the commentary")
        if label.casefold() not in self.ratings:
            known = ", ".join(self.ratings.values()) or "none yet"
            raise Problem(
                "rating",
                f"there is no rating '{label}' in this partnership (its ratings: {known})",
            )
        if not commentary:
            raise Problem("commentary", "write a line of commentary to go with the rating")
        action["rating"] = self.ratings[label.casefold()]
        action["commentary"] = commentary

    def read_step(self, number: int, row: dict) -> None:
        code = row["action_number"]
        if code:
            if self.action and self.action["number"] == code:
                action = self.action
            else:
                action = self.actions_by_number.get(code)
            if action is None:
                raise Problem(
                    "action_number",
                    f"there is no action {code} above this step: write the action on its own "
                    "row first",
                )
        else:
            action = self.action
            if action is None:
                raise Problem(
                    "action_number",
                    "this step has no action above it: write its action's number, and the "
                    "action on its own row first",
                )
        if row["action"]:
            raise Problem("action", "leave the action blank on a step row: write the action "
                                    "on its own row, above its steps")  # fmt: skip
        for key in ACTION_ONLY:
            if row.get(key):
                raise Problem(key, f"a step has no {COLUMN_BY_KEY[key].title.lower()}: write "
                                   "it on its action's row")  # fmt: skip
        self.check_step_parents(row, action)
        if not row["step"]:
            raise Problem("step", "write the step's text")
        action["steps"].append(
            {
                "label": row["step_label"],
                "text": row["step"],
                **{key: row[key] for key in ["lead", "timeframe", "evidence", "note"]},
                "row": number,
            }
        )
        self.action = action

    def check_step_parents(self, row: dict, action: dict) -> None:
        """A step row may repeat its action's outcome and priority, but not name others."""
        outcome = self.parent[id(action)]
        priority = self.parent.get(id(outcome)) or {"number": "", "title": ""}
        checks = [
            ("outcome_number", outcome["number"], "outcome"),
            ("outcome", outcome["text"], "outcome"),
            ("priority_number", priority["number"], "priority"),
            ("priority", priority["title"], "priority"),
        ]
        for key, expected, noun in checks:
            if row[key] and row[key] != expected:
                which = f"action {action['number']}" if action["number"] else "the action above"
                raise Problem(
                    key,
                    f"{which} is not under this {noun}: on a step row, repeat its action's "
                    f"{noun} or leave this blank",
                )

    def theme_hint(self) -> str:
        if not self.themes:
            return " (it has no themes)"
        return f" (its theme codes: {', '.join(self.themes.values())})"
