"""Writes that staff make through the editing pages: saves that refuse a stale form, soft
deletes that take an object's descendants with them (and restores that bring them back),
and moves within a list.

Every write goes through the model's save(), so django-simple-history records who did it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from plans.models import Outcome, Tracked
from plans.numbering import renumbered


class StaleEdit(Exception):
    """Someone saved (or deleted) the object after this form was loaded; nothing was saved."""

    def __init__(self, current):
        super().__init__(f"{current._meta.verbose_name} {current.pk} changed since it was loaded")
        self.current = current  # the object as it is saved now


class RestoreRefused(Exception):
    """The object sits in something that is still deleted: restore that first."""

    def __init__(self, parent):
        super().__init__(f"{parent._meta.verbose_name} “{parent}” is still deleted")
        self.parent = parent


def save_if_current(instance, loaded_version: int):
    """Save an edited instance only if nobody has saved it since loaded_version was read.

    A conditional UPDATE claims the next version (and holds the row until the transaction
    ends); if no row matched, the object changed or was deleted, and StaleEdit is raised
    with the object as saved now.
    """
    model = type(instance)
    with transaction.atomic():
        claimed = (
            model._default_manager.live()
            .filter(pk=instance.pk, version=loaded_version)
            .update(version=F("version") + 1)
        )
        if not claimed:
            raise StaleEdit(model._default_manager.get(pk=instance.pk))
        instance.version = loaded_version + 1
        instance.save()
    return instance


def next_position(queryset) -> int:
    """One past the highest position in queryset (deleted rows included: they may come back)."""
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def place_at_end(obj) -> None:
    """Give a new object the position after the last of its list (deleted rows included)."""
    within = {name: getattr(obj, f"{name}_id") for name in type(obj).ordered_within}
    obj.position = next_position(type(obj).objects.filter(**within))


def place_outcome(outcome: Outcome) -> None:
    """Give an outcome the position at the end of its priority's outcomes (or of the
    outcomes without a priority), keeping positions in plan order across priorities.

    Positions of later outcomes are shifted with update(): order is not an edit to record.
    """
    outcomes = Outcome.objects.filter(plan=outcome.plan_id).exclude(pk=outcome.pk)
    same = outcomes.filter(priority=outcome.priority_id)
    if same.exists():
        position = next_position(same)
    elif outcome.priority_id:
        earlier = outcomes.filter(
            priority__isnull=False, priority__position__lte=outcome.priority.position
        )
        position = next_position(earlier)
    else:
        position = next_position(outcomes)
    outcomes.filter(position__gte=position).exclude(priority=outcome.priority_id).update(
        position=F("position") + 1
    )
    outcome.position = position


def tracked_models() -> list[type[Tracked]]:
    """Every kind of content that is soft-deleted, in the order the apps define them."""
    return [model for model in apps.get_models() if issubclass(model, Tracked)]


def model_at(model, path: str):
    """The model a lookup path such as "outcome__plan" leads to from model."""
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def descendants(obj) -> list:
    """What goes with obj when it is deleted (and comes back when restored), nearest kinds
    first: a queryset for each kind that names obj's kind among its containers."""
    found = []
    for model in tracked_models():
        for path in model.containers:
            if model_at(model, path) is type(obj):
                found.append((path.count("__"), model.objects.filter(**{path: obj})))
    found.sort(key=lambda pair: pair[0])  # stable: kinds of one depth keep the apps' order
    return [queryset for _, queryset in found]


def ancestors(obj) -> list:
    """The objects obj sits in, nearest first."""
    found = []
    for path in obj.containers:
        parent = obj
        for name in path.split("__"):
            parent = getattr(parent, name) if parent is not None else None
        if parent is not None:
            found.append(parent)
    return found


@dataclass
class Counted:
    noun: str
    plural: str
    count: int

    def __str__(self):
        return f"{self.count} {self.noun if self.count == 1 else self.plural}"


def live_descendant_counts(obj) -> list[Counted]:
    """What would go with obj if it were deleted now, for the confirmation page."""
    counts = []
    for queryset in descendants(obj):
        meta = queryset.model._meta
        count = queryset.live().count()
        if count:
            counts.append(Counted(str(meta.verbose_name), str(meta.verbose_name_plural), count))
    return counts


def _set_deleted(item, when) -> None:
    item.deleted_at = when
    item.version += 1
    item.save()


@transaction.atomic
def soft_delete(obj, *, when=None):
    """Mark obj and its live descendants deleted at one timestamp (returned)."""
    when = when or timezone.now()
    for queryset in reversed(descendants(obj)):  # steps first, so an action's due date follows
        for item in queryset.live():
            _set_deleted(item, when)
    _set_deleted(obj, when)
    return when


@transaction.atomic
def restore(obj) -> list[Counted]:
    """Bring back obj and what was deleted with it (not what was deleted before it);
    returns how many of each kind came back with it.

    Raises RestoreRefused if something obj sits in is still deleted.
    """
    for parent in ancestors(obj):
        if parent.deleted_at is not None:
            raise RestoreRefused(parent)
    when = obj.deleted_at
    if when is None:
        return []
    _set_deleted(obj, None)
    counts = []
    for queryset in descendants(obj):
        items = list(queryset.filter(deleted_at=when))
        for item in items:
            _set_deleted(item, None)
        if items:
            meta = queryset.model._meta
            counts.append(
                Counted(str(meta.verbose_name), str(meta.verbose_name_plural), len(items))
            )
    return counts


def siblings(obj):
    """The list obj is ordered within (its live neighbours under the same parent)."""
    model = type(obj)
    if not model.ordered_within:
        raise TypeError(f"{model.__name__} is not ordered")
    within = {name: getattr(obj, f"{name}_id") for name in model.ordered_within}
    return model.objects.filter(**within).live().order_by("position", "pk")


def move(obj, direction: str) -> bool:
    """Swap obj with its neighbour above ("up") or below ("down"); False if there is none."""
    if direction not in ("up", "down"):
        return False
    index = list(siblings(obj).values_list("pk", flat=True)).index(obj.pk)
    return move_to(obj, index if direction == "up" else index + 2)


@transaction.atomic
def move_to(obj, place: int) -> bool:
    """Put obj at place (1: first) in its list, the others keeping their order; False if it
    is there already or the list has no such place.

    The list keeps the positions it already uses (other lists may interleave with it, as a
    plan's outcomes do across priorities); tied positions are first made distinct.
    """
    items = list(siblings(obj).select_for_update())
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    if not 1 <= place <= len(items) or place - 1 == index:
        return False
    positions = []
    for item in items:
        positions.append(max(item.position, positions[-1] + 1) if positions else item.position)
    items.insert(place - 1, items.pop(index))
    for item, position in zip(items, positions, strict=True):
        if item.position != position:
            item.position = position
            item.save()  # not a new version: the order is no field of an edit form
    return True


def renumbering(obj) -> tuple[list[str], list[str]] | None:
    """The numbers of obj's list as they read now and as plans.numbering would renumber
    them; None if the list has no numbers or they are in order."""
    if not hasattr(obj, "number"):
        return None
    numbers = list(siblings(obj).values_list("number", flat=True))
    new = renumbered(numbers)
    return (numbers, new) if new else None


@transaction.atomic
def renumber(obj) -> list[tuple[str, str]]:
    """Renumber obj's list in its order (plans.numbering); each number changed, as (was,
    now). Each is a new version, as an edit of its number would be."""
    items = list(siblings(obj).select_for_update())
    new = renumbered([item.number for item in items]) if hasattr(obj, "number") else None
    if new is None:
        return []
    changed = []
    for item, number in zip(items, new, strict=True):
        if item.number != number:
            changed.append((item.number, number))
            item.number = number
            item.version += 1
            item.save()
    return changed


def unstated_outcome(plan, priority=None) -> Outcome:
    """The outcome with neither number nor words that holds a priority's actions (or the
    plan's, or its core activities) when the plan has no outcome level; made on first use."""
    outcome = (
        Outcome.objects.live()
        .filter(plan=plan, priority=priority, number="", text="")
        .order_by("position", "pk")
        .first()
    )
    if outcome is None:
        outcome = Outcome(plan=plan, priority=priority)
        place_outcome(outcome)
        outcome.save()
    return outcome
