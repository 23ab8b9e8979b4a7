"""Writes that staff make through the editing pages: saves that refuse a stale form, soft
deletes that take an object's descendants with them (and restores that bring them back),
and moves within a list.

Every write goes through the model's save(), so django-simple-history records who did it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from actions.models import Action, Risk, Step
from plans.models import Outcome, Plan, Priority, RagRating, Theme


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
        claimed = model._default_manager.filter(
            pk=instance.pk, version=loaded_version, deleted_at__isnull=True
        ).update(version=F("version") + 1)
        if not claimed:
            raise StaleEdit(model._default_manager.get(pk=instance.pk))
        instance.version = loaded_version + 1
        instance.save()
    return instance


def next_position(queryset) -> int:
    """One past the highest position in queryset (deleted rows included: they may come back)."""
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


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


# What goes with each kind of object when it is deleted (and comes back when restored).
def descendants(obj) -> list:
    if isinstance(obj, Plan):
        return [
            Priority.objects.filter(plan=obj),
            Outcome.objects.filter(plan=obj),
            Action.objects.filter(outcome__plan=obj),
            Step.objects.filter(action__outcome__plan=obj),
        ]
    if isinstance(obj, Priority):
        return [
            Outcome.objects.filter(priority=obj),
            Action.objects.filter(outcome__priority=obj),
            Step.objects.filter(action__outcome__priority=obj),
        ]
    if isinstance(obj, Outcome):
        return [Action.objects.filter(outcome=obj), Step.objects.filter(action__outcome=obj)]
    if isinstance(obj, Action):
        return [Step.objects.filter(action=obj)]
    return []


def ancestors(obj) -> list:
    """The objects obj sits in, nearest first."""
    if isinstance(obj, Priority):
        return [obj.plan]
    if isinstance(obj, Outcome):
        return [p for p in [obj.priority, obj.plan] if p is not None]
    if isinstance(obj, Action):
        return [obj.outcome, *ancestors(obj.outcome)]
    if isinstance(obj, Step):
        return [obj.action, *ancestors(obj.action)]
    return []


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
        count = queryset.filter(deleted_at__isnull=True).count()
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
        for item in queryset.filter(deleted_at__isnull=True):
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
    if isinstance(obj, Priority):
        queryset = Priority.objects.filter(plan=obj.plan_id)
    elif isinstance(obj, Outcome):
        queryset = Outcome.objects.filter(plan=obj.plan_id, priority=obj.priority_id)
    elif isinstance(obj, Action):
        queryset = Action.objects.filter(outcome=obj.outcome_id)
    elif isinstance(obj, Step):
        queryset = Step.objects.filter(action=obj.action_id)
    elif isinstance(obj, Risk | Theme | RagRating):
        queryset = model.objects.filter(partnership=obj.partnership_id)
    else:
        raise TypeError(f"{model.__name__} is not ordered")
    return queryset.filter(deleted_at__isnull=True).order_by("position", "pk")


@transaction.atomic
def move(obj, direction: str) -> bool:
    """Swap obj with its neighbour above ("up") or below ("down"); False if there is none.

    The list keeps the positions it already uses (other lists may interleave with it, as a
    plan's outcomes do across priorities); tied positions are first made distinct.
    """
    items = list(siblings(obj).select_for_update())
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    positions = []
    for item in items:
        positions.append(max(item.position, positions[-1] + 1) if positions else item.position)
    items[index], items[other] = items[other], items[index]
    for item, position in zip(items, positions, strict=True):
        if item.position != position:
            item.position = position
            item.save()  # not a new version: the order is no field of an edit form
    return True
