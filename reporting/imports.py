"""Import a plan from the flat layout (reporting.plan_sheet): as a new plan, or replacing the
content of an existing one. The preview (a dry run: nothing is written) and the write come
from one reading of the file against the plan (PlanImport), and the confirmation only writes
if that reading, made again, finds the very changes the user saw (Prepared.fingerprint).

Replacing matches what the file holds with what the plan holds, so that unchanged objects
keep their ids, history and progress updates, and an unchanged file writes nothing:
- priorities, outcomes and actions by their number, then by their text, across the plan
  (so an action that moves to another outcome is moved, not deleted and re-created);
- steps within their action by label, then text, then order (unlabelled bullets whose text
  was edited are changed, not replaced).
What the plan holds and the file does not is deleted softly (restorable from Recently
deleted). Every write is a save() of one object inside one transaction, so each gets a
history record naming the importing user; changed objects get a new version, so an editing
form opened before the import refuses to overwrite it. Leads are linked with LeadLinker.

This is plain code, not django-import-export's import_data(): that imports one model per
row and matches rows to instances by an id column, where a plan's rows make four kinds of
object in a hierarchy, matched by the users' own numbering. Reading and validating the rows
is in plan_reading; reading the file safely in uploads; keeping an upload between the preview
and the confirmation in pending_imports.
"""

import hashlib
import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from plans.history import acting_as
from plans.models import Plan
from plans.staff_writes import save_if_current, soft_delete, unstated_outcome
from reporting.cells import sheet_text
from reporting.plan_builder import (
    ACTION_FIELDS,
    OUTCOME_FIELDS,
    STEP_FIELDS,
    PlanBuilder,
    plan_shape,
)
from reporting.plan_sheet import NARRATIVE_PARTS, PlanTree, core_activities_of

FIELD_LABELS = {
    "number": "Number",
    "title": "Title",
    "text": "Text",
    "note": "Note",
    "lead": "Lead",
    "timeframe": "Timeframe",
    "outcome_measures": "Outcome measures",
    "label": "Label",
    "evidence": "Evidence",
    "themes": "Themes",
    "priority": "Priority",
    "outcome": "Outcome",
}
PRIORITY_FIELDS = ["number", "title"]


def same(a, b) -> bool:
    return sheet_text(a) == sheet_text(b)


def excerpt(text: str, length: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def name(kind: str, number: str, text: str) -> str:
    """How the preview names a priority, outcome or action: by number, else by its words."""
    if number:
        return f"{kind} {number}"
    return f"{kind} “{excerpt(text, 40)}”" if text else f"an unnumbered {kind}"


PLURALS = {
    "priority": "priorities",
    "progress update": "progress updates",
    "order": "lists",
    "core activity": "core activities",
    "part of the narrative": "parts of the narrative",
}
ADJECTIVES = {
    "add": "new",
    "change": "changed",
    "delete": "deleted",
    "rate": "new",
    "reorder": "reordered",
}
KIND_ORDER = [
    "part of the narrative",
    "core activity",
    "priority",
    "outcome",
    "action",
    "step",
    "progress update",
    "order",
]


@dataclass
class Change:
    """One line of the preview: what an import does to one object (or one list's order)."""

    row: int | None
    verb: str  # add, change, reorder, delete, rate
    kind: str  # priority, outcome, action, step, order, progress update
    what: str
    detail: str = ""
    fields: list = field(default_factory=list)  # (label, before, after)

    def as_list(self) -> list:
        fields = [list(f) for f in self.fields]
        return [self.row, self.verb, self.kind, self.what, self.detail, fields]


def pair(existing: list, nodes: list[dict], names: list[str]) -> None:
    """Match nodes (file data) with existing objects, by each field name in turn: a node
    takes the first unmatched object with the same non-blank value."""
    for field_name in names:
        index = defaultdict(deque)
        for obj in existing:
            value = sheet_text(getattr(obj, field_name))
            if value and not getattr(obj, "_matched", False):
                index[value].append(obj)
        for node in nodes:
            value = sheet_text(node.get(field_name))
            if node.get("existing") is None and value and index[value]:
                obj = index[value].popleft()
                node["existing"] = obj
                obj._matched = True


class PlanImport:
    """The changes that plan data makes to a plan (or, with plan=None, to a new plan).

    changes lists them (the preview); write() makes them, all or nothing.
    """

    def __init__(self, partnership, data: dict, *, plan: Plan | None = None):
        self.partnership = partnership
        self.plan = plan
        self.data = data
        self.tree = PlanTree.load(plan) if plan is not None else PlanTree.empty()
        self.outcome_nodes = [*data.get("outcomes", [])]
        for priority in data.get("priorities", []):
            self.outcome_nodes += priority["outcomes"]
        self.match()
        self.changes: list[Change] = []
        self.positions: dict[int, int] = {}  # id(node) -> position to give it
        self.describe()

    # Matching -----------------------------------------------------------------------------

    def match(self) -> None:
        tree = self.tree
        pair(tree.priorities, self.data.get("priorities", []), ["number", "title"])
        pair(tree.all_outcomes(), self.outcome_nodes, ["number", "text"])
        self.match_unstated_outcomes()
        existing_actions = [a for o in tree.all_outcomes() for a in tree.actions.get(o.pk, [])]
        action_nodes = [a for o in self.outcome_nodes for a in o["actions"]]
        pair(existing_actions, action_nodes, ["number", "text"])
        for node in action_nodes:
            action = node.get("existing")
            if action is None:
                continue
            steps = tree.steps.get(action.pk, [])
            pair(steps, node["steps"], ["label", "text"])
            # Whatever is left pairs up in order: an edited bullet is changed, not replaced.
            free = deque(s for s in steps if not getattr(s, "_matched", False))
            for step_node in node["steps"]:
                if step_node.get("existing") is None and free:
                    step_node["existing"] = free.popleft()
                    step_node["existing"]._matched = True

    def match_unstated_outcomes(self) -> None:
        """An outcome with neither number nor text (a plan without outcomes) matches the
        unstated outcome of the same priority: pair() matches by words, and it has none."""
        sections = [(None, self.data.get("outcomes", []))]
        sections += [(p, p["outcomes"]) for p in self.data.get("priorities", [])]
        for priority_node, nodes in sections:
            existing = priority_node.get("existing") if priority_node else None
            if priority_node is not None and existing is None:
                continue
            holders = deque(
                outcome
                for outcome in self.tree.outcomes.get(existing.pk if existing else None, [])
                if not outcome.is_stated and not getattr(outcome, "_matched", False)
            )
            for node in nodes:
                if holders and node.get("existing") is None and not node["number"] + node["text"]:
                    node["existing"] = holders.popleft()
                    node["existing"]._matched = True

    # Describing ---------------------------------------------------------------------------

    def add(self, *args, **kwargs) -> None:
        self.changes.append(Change(*args, **kwargs))

    def added_or_changed(self, node: dict, kind: str, words: str, field_names: list[str]):
        """(object, its name, its changed fields) for a priority's or outcome's node: one the
        plan has not yet is listed as added here, and its fields are None."""
        obj = node.get("existing")
        what = name(kind, node["number"], node[words])
        if obj is None:
            if node["number"] or node[words]:  # an unstated outcome is no line of its own
                self.add(node["row"], "add", kind, what, excerpt(node[words]))
            return obj, what, None
        return obj, what, self.field_changes(obj, node, field_names)

    def field_changes(self, obj, node: dict, names: list[str]) -> list:
        return [
            (FIELD_LABELS[name], getattr(obj, name), node.get(name) or "")
            for name in names
            if not same(getattr(obj, name), node.get(name) or "")
        ]

    def describe(self) -> None:
        priorities = self.data.get("priorities", [])
        self.order(priorities, self.tree.priorities, "the priorities")
        for node in priorities:
            obj, what, fields = self.added_or_changed(node, "priority", "title", PRIORITY_FIELDS)
            if fields is None:
                continue
            if obj.overarching != bool(node.get("overarching")):
                words = {True: "Overarching", False: "Not overarching"}
                fields.append(("Overarching", words[obj.overarching], words[not obj.overarching]))
            if fields:
                self.add(node["row"], "change", "priority", what, fields=fields)
        self.describe_outcomes()
        for outcome in self.outcome_nodes:
            self.describe_actions(outcome)
        self.describe_deletions()
        if "narrative" in self.data:
            self.describe_narrative()

    def describe_narrative(self) -> None:
        """The plan's texts and core activities, from the Narrative sheet (if the file has
        one: without it, they stay as they are)."""
        for key, title in NARRATIVE_PARTS.items():
            before = getattr(self.plan, key) if self.plan else ""
            after = self.data["narrative"][key]
            if not same(before, after):
                verb = "change" if before else "add"
                fields = [(title, before, after)]
                self.add(None, verb, "part of the narrative", title, fields=fields)
        existing = core_activities_of(self.plan) if self.plan else []
        nodes = self.data["core_activities"]
        pair(existing, nodes, ["text"])
        free = deque(a for a in existing if not getattr(a, "_matched", False))
        for node in nodes:  # what is left pairs in order: an edited activity is changed
            if node.get("existing") is None and free:
                node["existing"] = free.popleft()
                node["existing"]._matched = True
        self.core_unmatched = [a for a in existing if not getattr(a, "_matched", False)]
        for node in nodes:
            obj, what = node.get("existing"), f"core activity “{excerpt(node['text'], 40)}”"
            if obj is None:
                self.add(node["row"], "add", "core activity", what, excerpt(node["text"]))
            elif fields := self.field_changes(obj, node, ["text", "lead", "timeframe"]):
                self.add(node["row"], "change", "core activity", what, fields=fields)
            self.describe_rating(node, obj, what)
        for obj in self.core_unmatched:
            what = f"core activity “{excerpt(obj.text, 40)}”"
            self.add(None, "delete", "core activity", what, excerpt(obj.text))

    def describe_outcomes(self) -> None:
        """Outcomes are ordered across the plan: positions follow the plan page's order."""
        parents = {id(node): None for node in self.data.get("outcomes", [])}
        for priority in self.data.get("priorities", []):
            for node in priority["outcomes"]:
                parents[id(node)] = priority
        moved = False
        for node in self.outcome_nodes:
            obj, what, fields = self.added_or_changed(node, "outcome", "text", OUTCOME_FIELDS)
            if fields is None:
                continue
            priority = parents[id(node)]
            target = priority.get("existing") if priority else None
            if (priority is None and obj.priority_id is not None) or (
                priority is not None and (target is None or target.pk != obj.priority_id)
            ):
                moved = True
                before = next((str(p) for p in self.tree.priorities if p.pk == obj.priority_id), "")
                after = f"{priority['number']} {priority['title']}".strip() if priority else ""
                fields.append((FIELD_LABELS["priority"], before, after))
            if fields:
                self.add(node["row"], "change", "outcome", what, fields=fields)
        self.order(self.outcome_nodes, self.tree.all_outcomes(), "the outcomes", force=moved)

    def describe_actions(self, outcome: dict) -> None:
        parent = outcome.get("existing")
        siblings = self.tree.actions.get(parent.pk, []) if parent else []
        outcome_name = name("outcome", outcome["number"], outcome["text"])
        self.order(outcome["actions"], siblings, f"the actions of {outcome_name}")
        for node in outcome["actions"]:
            obj = node.get("existing")
            what = name("action", node["number"], node["text"])
            if obj is None:
                self.add(node["row"], "add", "action", what, excerpt(node["text"]))
            else:
                fields = self.field_changes(obj, node, ACTION_FIELDS)
                before = [t.code for t in obj.themes_live]
                if set(before) != set(node["themes"]):
                    fields.append(("Themes", ", ".join(before), ", ".join(node["themes"])))
                if parent is None or obj.outcome_id != parent.pk:
                    old = next(o for o in self.tree.all_outcomes() if o.pk == obj.outcome_id)
                    fields.append(
                        (
                            "Outcome",
                            old.number or excerpt(old.text, 40),
                            outcome["number"] or excerpt(outcome["text"], 40),
                        )
                    )
                if fields:
                    self.add(node["row"], "change", "action", what, fields=fields)
            self.describe_rating(node, obj, what)
            self.describe_steps(node, what)

    def describe_rating(self, node: dict, obj, what: str) -> None:
        """A rating with its commentary, or commentary only (the rating kept as it is)."""
        rating = node.get("rating") or ""
        node["rate"] = bool(node.get("commentary")) and not (
            obj is not None
            and (not rating or (obj.current_rating_label or "").casefold() == rating.casefold())
            and same(obj.current_commentary, node["commentary"])
        )
        if node["rate"]:
            detail = f"{rating or 'Commentary only'}: {excerpt(node['commentary'])}"
            self.add(node["row"], "rate", "progress update", what, detail)

    def describe_steps(self, action: dict, action_name: str) -> None:
        parent = action.get("existing")
        siblings = self.tree.steps.get(parent.pk, []) if parent else []
        self.order(action["steps"], siblings, f"the steps of {action_name}")
        for node in action["steps"]:
            obj = node.get("existing")
            label = f"step {node['label']}" if node["label"] else "a step"
            what = f"{label} of {action_name}"
            if obj is None:
                self.add(node["row"], "add", "step", what, excerpt(node["text"]))
            elif fields := self.field_changes(obj, node, STEP_FIELDS):
                self.add(node["row"], "change", "step", what, fields=fields)

    def order(self, nodes, siblings, what, *, force=False) -> None:
        """Plan the positions of a list: kept when the file keeps the plan's order and only
        adds at the end; otherwise 1, 2, 3... in the file's order ("reorder" if the file
        changed the order of what was already there)."""
        matched = [n["existing"] for n in nodes if n.get("existing") is not None]
        sibling_ids = {s.pk for s in siblings}
        matched_ids = {m.pk for m in matched}
        stayed = [m.pk for m in matched if m.pk in sibling_ids]
        same_order = stayed == [s.pk for s in siblings if s.pk in matched_ids]
        from_here = len(stayed) == len(matched)
        last_matched = max(
            (i for i, n in enumerate(nodes) if n.get("existing") is not None), default=-1
        )
        new_at_end = all(n.get("existing") is not None for n in nodes[: last_matched + 1])
        if same_order and from_here and new_at_end and not force:
            top = max((s.position for s in siblings), default=0)
            for node in nodes:
                if node.get("existing") is None:
                    top += 1
                    self.positions[id(node)] = top
            return
        for position, node in enumerate(nodes, start=1):
            self.positions[id(node)] = position
        if not same_order:
            first = next(n["row"] for n in nodes if n.get("existing") is not None)
            self.add(first, "reorder", "order", what)

    def describe_deletions(self) -> None:
        tree = self.tree
        for priority in tree.priorities:
            if not getattr(priority, "_matched", False):
                what = name("priority", priority.number, priority.title)
                self.add(None, "delete", "priority", what, excerpt(priority.title))
        for outcome in tree.all_outcomes():
            gone = not getattr(outcome, "_matched", False) and outcome.pk not in tree.holding_core
            if gone and outcome.is_stated:  # an unstated outcome goes with its actions
                what = name("outcome", outcome.number, outcome.text)
                self.add(None, "delete", "outcome", what, excerpt(outcome.text))
        for outcome in tree.all_outcomes():
            for action in tree.actions.get(outcome.pk, []):
                action_name = name("action", action.number, action.text)
                if not getattr(action, "_matched", False):
                    steps = len(tree.steps.get(action.pk, []))
                    detail = excerpt(action.text)
                    if steps:
                        detail = f"{detail} (with its {steps} step{'s' if steps > 1 else ''})"
                    self.add(None, "delete", "action", action_name, detail.strip())
                    continue
                for step in tree.steps.get(action.pk, []):
                    if not getattr(step, "_matched", False):
                        label = f"step {step.label}" if step.label else "a step"
                        what = f"{label} of {action_name}"
                        self.add(None, "delete", "step", what, excerpt(step.text))

    # The preview ----------------------------------------------------------------------------

    @property
    def counts(self) -> Counter:
        return Counter(change.verb for change in self.changes)

    def summary(self) -> list[str]:
        """The changes counted in words, e.g. ["12 new actions", "1 deleted step"]."""
        counted = Counter((change.verb, change.kind) for change in self.changes)
        phrases = []
        for verb in ["add", "change", "delete", "rate", "reorder"]:
            for kind in KIND_ORDER:
                if count := counted.get((verb, kind)):
                    noun = kind if count == 1 else PLURALS.get(kind, f"{kind}s")
                    noun = "list" if noun == "order" else noun
                    phrases.append(f"{count} {ADJECTIVES[verb]} {noun}")
        return phrases

    def fingerprint(self, extra=None) -> str:
        """Identifies these exact changes: a confirmation only writes what was previewed."""
        payload = json.dumps([extra, [c.as_list() for c in self.changes]], default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    # Writing ------------------------------------------------------------------------------

    def write(self, *, user, new_plan: dict | None = None) -> Plan:
        """Make the changes, all or nothing; returns the plan (created if new_plan is given)."""
        with transaction.atomic(), acting_as(user):
            plan = self.plan
            if plan is None:
                plan = Plan(**new_plan)
            # The plan's levels are those the file uses (a file of actions straight under
            # priorities makes a plan with no outcome level).
            shape = plan_shape(self.data)
            if plan.pk is None or any(getattr(plan, k) != v for k, v in shape.items()):
                for level, present in shape.items():
                    setattr(plan, level, present)
                plan.save()
            self.user = user
            self.builder = builder = PlanBuilder(plan)
            for priority_node in self.data.get("priorities", []):
                priority = self.write_node(
                    priority_node,
                    PRIORITY_FIELDS,
                    create=lambda node: builder.add_priority(
                        node, position=self.positions[id(node)]
                    ),
                )
                if priority.overarching != bool(priority_node.get("overarching")):
                    priority.overarching = not priority.overarching
                    save_if_current(priority, priority.version)
                priority_node["object"] = priority
            for node in self.data.get("outcomes", []):
                self.write_outcome(node, None)
            for priority in self.data.get("priorities", []):
                for node in priority["outcomes"]:
                    self.write_outcome(node, priority["object"])
            self.delete_unmatched()
            if "narrative" in self.data:
                self.write_narrative(plan)
        return plan

    def write_narrative(self, plan: Plan) -> None:
        changed = [
            key
            for key in NARRATIVE_PARTS
            if not same(getattr(plan, key), self.data["narrative"][key])
        ]
        if changed:
            for key in changed:
                setattr(plan, key, self.data["narrative"][key])
            save_if_current(plan, plan.version)
        holder = None
        for position, node in enumerate(self.data["core_activities"], start=1):
            if node.get("existing") is None and holder is None:
                holder = unstated_outcome(plan)
            activity = self.write_node(
                node,
                ["text", "lead", "timeframe"],
                lead=True,
                create=lambda n, position=position, holder=holder: self.builder.add_action(
                    {**n, "kind": Action.Kind.CORE_ACTIVITY}, outcome=holder, position=position
                ),
            )
            if node["rate"]:
                self.record_update(activity, node)
        when = timezone.now()
        for activity in self.core_unmatched:
            soft_delete(activity, when=when)

    def record_update(self, action, node: dict) -> None:
        """The row's progress update: its rating, or commentary only (the rating kept)."""
        kept = not node["rating"]  # ProgressUpdate.save keeps the action's rating
        rating = None if kept else self.partnership.ratings.get(label=node["rating"])
        ProgressUpdate.objects.create(
            action=action,
            rating=rating,
            rating_kept=kept,
            commentary=node["commentary"],
            author=self.user,
        )

    def write_node(self, node: dict, names: list[str], *, create, parent=None, lead=False):
        """Create the node's object, or save the fields that changed (and its parent)."""
        obj = node.get("existing")
        if obj is None:
            return create(node)
        parent_name, parent_obj = parent or (None, None)
        changed = [name for name in names if not same(getattr(obj, name), node.get(name) or "")]
        moved = parent_obj is not None and getattr(obj, f"{parent_name}_id") != parent_obj.pk
        moved |= parent_name == "priority" and parent_obj is None and obj.priority_id is not None
        themes_changed = "themes" in node and {t.code for t in obj.themes_live} != set(
            node["themes"]
        )
        position = self.positions.get(id(node), obj.position)
        if changed or moved or themes_changed:
            for name in changed:
                setattr(obj, name, node.get(name) or "")
            if parent_name:
                setattr(obj, parent_name, parent_obj)
            obj.position = position
            save_if_current(obj, obj.version)
            if themes_changed:
                deleted = [t for t in obj.themes.all() if t.deleted_at is not None]
                obj.themes.set([*deleted, *(self.builder.themes[c] for c in node["themes"])])
            if lead and "lead" in changed:
                self.builder.linker.link(obj, owning_group=self.builder.group)
        elif position != obj.position:
            # Order is no edit to record (as plans.staff_writes.place_outcome).
            type(obj).objects.filter(pk=obj.pk).update(position=position)
        return obj

    def write_outcome(self, node: dict, priority) -> None:
        outcome = self.write_node(
            node,
            OUTCOME_FIELDS,
            parent=("priority", priority),
            create=lambda n: self.builder.add_outcome(
                n, priority=priority, position=self.positions[id(n)]
            ),
        )
        for action_node in node["actions"]:
            action = self.write_node(
                action_node,
                ACTION_FIELDS,
                parent=("outcome", outcome),
                lead=True,
                create=lambda n: self.builder.add_action(
                    n, outcome=outcome, position=self.positions[id(n)]
                ),
            )
            if action_node["rate"]:
                self.record_update(action, action_node)
            for step_node in action_node["steps"]:
                self.write_node(
                    step_node,
                    STEP_FIELDS,
                    parent=("action", action),
                    lead=True,
                    create=lambda n, action=action: self.builder.add_step(
                        n, action=action, position=self.positions[id(n)]
                    ),
                )

    def delete_unmatched(self) -> None:
        """Soft-delete, at one time, what the file no longer holds: steps first, so an
        action's due date follows. Deleted together, they are restored together (an outcome
        with its actions) from Recently deleted."""
        when = timezone.now()
        tree = self.tree
        for steps in tree.steps.values():
            for step in steps:
                if not getattr(step, "_matched", False):
                    soft_delete(step, when=when)
        for actions in tree.actions.values():
            for action in actions:
                if not getattr(action, "_matched", False):
                    soft_delete(action, when=when)
        for outcome in tree.all_outcomes():
            if not getattr(outcome, "_matched", False) and outcome.pk not in tree.holding_core:
                soft_delete(outcome, when=when)
        for priority in tree.priorities:
            if not getattr(priority, "_matched", False):
                soft_delete(priority, when=when)
