"""Lead records kept tidy by staff: people and posts, agencies and groups renamed or merged.

Leads are kept as written; the records are what the lead text was linked to
(actions.lead_links). Renaming keeps the old name as an alias and merging keeps the merged
record's names as the kept one's aliases, so a plan that writes either still links to the
one record. What each record leads moves to the kept one; the lead texts are not touched.
"""

from dataclasses import dataclass

from django.db import transaction

from actions.models import Action, Step
from plans.models import Group, Organisation, Person


class MergeRefused(Exception):
    """The merge would lose something: message says what, in words."""


@dataclass(frozen=True)
class RecordKind:
    slug: str  # in addresses
    model: type
    noun: str
    plural: str


KINDS = {
    kind.slug: kind
    for kind in [
        RecordKind("people", Person, "person or post", "people and posts"),
        RecordKind("agencies", Organisation, "agency", "agencies"),
        RecordKind("groups", Group, "group", "groups"),
    ]
}


def with_alias(aliases: str, *names: str) -> str:
    """aliases (one per line) with names added, each once."""
    lines = [line.strip() for line in aliases.splitlines() if line.strip()]
    for name in names:
        for line in name.splitlines():
            if line.strip() and line.strip() not in lines:
                lines.append(line.strip())
    return "\n".join(lines)


def rename(record, new_name: str) -> None:
    """A new name for the record; the old one stays an alias (plans that wrote it still link)."""
    old = record.name
    if old == new_name:
        return
    record.aliases = with_alias(record.aliases, old)
    record.name = new_name
    record.save()


def merge(kept, merged) -> dict[str, int]:
    """Move everything merged leads (and its names) to kept, then delete merged. Returns how
    many links moved, by kind, for the audit log."""
    if type(kept) is not type(merged) or kept.pk == merged.pk:
        raise MergeRefused("Choose another record of the same kind to merge into.")
    if kept.partnership_id != merged.partnership_id:
        raise MergeRefused("Choose a record of this partnership.")
    with transaction.atomic():
        moved = move_leads(kept, merged)
        if isinstance(kept, Person):
            moved["groups chaired"] = move_many(kept.chaired_groups, merged.chaired_groups)
            if kept.user_id is None:
                kept.user_id = merged.user_id
            if kept.organisation_id is None:
                kept.organisation_id = merged.organisation_id
        elif isinstance(kept, Organisation):
            moved["people"] = merged.people.update(organisation=kept)
        else:
            refuse_group_merge(merged)
            moved["chairs"] = move_many(kept.chairs, merged.chairs)
            moved["members"] = move_many(kept.memberships, merged.memberships)
        names = merged.names() if isinstance(merged, Group) else [merged.name, merged.aliases]
        kept.aliases = with_alias(kept.aliases, *names)
        kept.save()
        merged.delete()
    return moved


def move_leads(kept, merged) -> dict[str, int]:
    name = {Person: "lead_people", Organisation: "lead_organisations", Group: "lead_groups"}[
        type(kept)
    ]
    moved = {}
    for model, label in [(Action, "actions"), (Step, "steps")]:
        links = getattr(model, name).through
        field = f"{type(kept)._meta.model_name}_id"
        owner = f"{model._meta.model_name}_id"
        rows = links.objects.filter(**{field: merged.pk})
        already = set(links.objects.filter(**{field: kept.pk}).values_list(owner, flat=True))
        moved[label] = rows.count()
        rows.filter(**{f"{owner}__in": already}).delete()
        rows.update(**{field: kept.pk})
    return moved


def move_many(kept_manager, merged_manager) -> int:
    items = list(merged_manager.all())
    kept_manager.add(*items)
    return len(items)


def refuse_group_merge(group: Group) -> None:
    """A group that owns plans or meetings, or is the board, is not merged away: its plans and
    meetings would have no owner."""
    if group.kind == Group.Kind.BOARD:
        raise MergeRefused("The partnership's board cannot be merged into another group.")
    if group.plans.exists():
        raise MergeRefused(
            f"{group.name} owns plans: move them to another group (Edit plan) first."
        )
    # Its meetings (reporting's, reached through the relation, not imported) would go with it.
    if group.meetings.exists():
        raise MergeRefused(f"{group.name} has meetings: it cannot be merged away.")
