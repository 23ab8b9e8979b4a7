"""The audit log page: the partnership's audit events and every recorded change to its
content, in one list, newest first.

The two sources are merged in the database: one UNION ALL of small rows (source, id, when)
from the audit events, the progress updates and the history table of each kind of content,
filtered and paginated there. Only the page's rows are then loaded, one query per source
present on the page (each fetching, with its records, the records just before them, to say
what changed), and one more for the themes of the actions among them. So a page costs the
same few queries (at most 18, with the session's) however long the history grows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.models import Action, ProgressUpdate, Risk, Step
from front.access import access_for
from front.filters import DayFilter
from front.forms.base import GovukForm
from front.views.settings import list_page
from plans.models import (
    AuditEvent,
    Group,
    Membership,
    Outcome,
    Plan,
    Priority,
    RagRating,
    Theme,
    full_title,
)

PAGE_SIZE = 50
ADDED, CHANGED, DELETED = "content_added", "content_changed", "content_deleted"
CONTENT_KINDS = [
    (ADDED, "Content added"),
    (CHANGED, "Content changed"),
    (DELETED, "Content deleted"),
]
KIND_LABELS = dict(AuditEvent.Kind.choices) | dict(CONTENT_KINDS)
# Pruning belongs to no partnership: it is seen in the admin only.
EVENT_KINDS = [
    (k, label) for k, label in AuditEvent.Kind.choices if k != AuditEvent.Kind.AUDIT_PRUNED
]

# Content with a history, each by its kind (its source name in the UNION), with the path to
# its partnership and, to name where it sits, the plan it is in (its outermost container).
CONTENT = {
    model.kind_name(): (model, model.partnership_path, list(model.containers[-1:]))
    for model in (Plan, Priority, Outcome, Action, Step, Risk, Group, Theme, RagRating)
}
# Bookkeeping and derived fields: not edits anyone made.
HIDDEN_FIELDS = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "due_date",
    "starts_on",
    "recurrence",
    "timeframe_tbc",
    "deleted_at",
}


class AuditFilterForm(GovukForm, forms.Form):
    pass


class AuditFilter(django_filters.FilterSet):
    """Every filter works on the columns each source annotates (see sources), so one
    filter set filters them all."""

    kind = django_filters.ChoiceFilter(
        label="What",
        choices=[*EVENT_KINDS, *CONTENT_KINDS],
        empty_label="Anything",
        method="filter_kind",
    )
    user = django_filters.ModelChoiceFilter(
        label="Who",
        queryset=get_user_model().objects.none(),
        empty_label="Anyone",
        method="filter_user",
    )
    since = DayFilter(label="From", method="filter_since")
    until = DayFilter(label="To", method="filter_until")

    class Meta:
        model = AuditEvent
        fields = []
        form = AuditFilterForm

    def __init__(self, data=None, *, partnership):
        super().__init__(data, queryset=AuditEvent.objects.none())
        self.filters["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__partnership=partnership)
            .order_by("first_name", "last_name", "username")
        )
        self.filters["user"].field.label_from_instance = user_name

    def filter_kind(self, queryset, name, value):
        return queryset.filter(log_kind=value)

    def filter_user(self, queryset, name, user):
        return queryset.filter(log_user=user.pk)

    def filter_since(self, queryset, name, day):
        return queryset.filter(log_when__gte=start_of(day))

    def filter_until(self, queryset, name, day):
        return queryset.filter(log_when__lt=start_of(day + datetime.timedelta(days=1)))


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of day, in the partnership's time (the site's)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def user_name(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def text_value(value):
    return Value(value, output_field=CharField())


def sources(partnership) -> list:
    """A queryset per source, each annotated with the same columns (named so as to clash
    with no model's fields): log_source, log_row (its id), log_when, log_user (the user's
    id) and log_kind (what kind of entry it is)."""
    members = Membership.objects.filter(partnership=partnership).values("user_id")
    # Sign-ins belong to no partnership: those of the partnership's members are shown.
    events = AuditEvent.objects.filter(
        Q(partnership=partnership) | Q(partnership__isnull=True, user__in=members)
    ).annotate(
        log_source=text_value("event"),
        log_row=F("pk"),
        log_when=F("at"),
        log_user=F("user"),
        log_kind=F("kind"),
    )
    updates = ProgressUpdate.objects.filter(
        action__outcome__plan__group__partnership=partnership
    ).annotate(
        log_source=text_value("update"),
        log_row=F("pk"),
        log_when=F("created_at"),
        log_user=F("author"),
        log_kind=text_value(ADDED),
    )
    parts = [events, updates]
    for key, (model, path, _) in CONTENT.items():
        parts.append(
            model.history.filter(**{path: partnership}).annotate(
                log_source=text_value(key),
                log_row=F("history_id"),
                log_when=F("history_date"),
                log_user=F("history_user"),
                log_kind=Case(
                    When(history_type="+", then=text_value(ADDED)),
                    When(
                        Q(history_type="-") | Q(deleted_at__isnull=False),
                        then=text_value(DELETED),
                    ),
                    default=text_value(CHANGED),
                ),
            )
        )
    return parts


def log_rows(partnership, filterset=None):
    """The merged log as (source, row, when) tuples, newest first: one query when sliced."""
    parts = []
    for queryset in sources(partnership):
        if filterset is not None:
            queryset = filterset.filter_queryset(queryset)
        parts.append(queryset.order_by().values_list("log_source", "log_row", "log_when"))
    return parts[0].union(*parts[1:], all=True).order_by("-log_when", "log_source", "-log_row")


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    kind: str
    what: str
    fields: list = field(default_factory=list)  # (label, before, after)
    notes: list = field(default_factory=list)


def entries(rows) -> list[Entry]:
    """The page's rows in words: one query for each source the page holds."""
    rows = list(rows)
    wanted = defaultdict(list)
    for source, row, _ in rows:
        wanted[source].append(row)
    found = {}
    if ids := wanted.get("event"):
        for event in AuditEvent.objects.filter(pk__in=ids).select_related("user"):
            found["event", event.pk] = event_entry(event)
    if ids := wanted.get("update"):
        updates = ProgressUpdate.objects.filter(pk__in=ids).select_related(
            "author", "rating", "action__outcome__plan"
        )
        for update in updates:
            found["update", update.pk] = update_entry(update)
    for key, (model, _, related) in CONTENT.items():
        if ids := wanted.get(key):
            found.update(content_entries(key, model, related, ids))
    return [found[source, row] for source, row, _ in rows if (source, row) in found]


def event_entry(event: AuditEvent) -> Entry:
    who = user_name(event.user) if event.user else event.username or "Nobody signed in"
    if event.user and event.username and event.username != event.user.username:
        who += f", then {event.username}"
    kind = KIND_LABELS[event.kind]
    notes = [note for note in [event.path, event.ip_address] if note]
    notes += [str(line) for line in event.detail.get("summary", [])]
    return Entry(event.at, who, kind, "" if event.summary == kind else event.summary, notes=notes)


def update_entry(update: ProgressUpdate) -> Entry:
    action = update.action
    rating = update.rating.label if update.rating else "no rating"
    if update.rating_kept:
        rating += " (kept: commentary only)"
    what = f"Added a progress update to {subject('action', action)}: {rating}"
    return Entry(
        update.created_at,
        user_name(update.author) if update.author else "Not recorded",
        KIND_LABELS[ADDED],
        what,
        notes=[excerpt(update.commentary, 200), f"In {action.outcome.plan}"],
    )


def content_entries(key, model, related, ids) -> dict:
    """The entries of these history records of model, each compared with the record
    before it (loaded in the same query)."""
    earlier = (
        model.history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    previous = model.history.filter(history_id__in=ids).annotate(p=Subquery(earlier)).values("p")
    records = model.history.filter(Q(history_id__in=ids) | Q(history_id__in=previous))
    records = sorted(
        records.select_related("history_user", *related),
        key=lambda r: (r.history_date, r.history_id),
    )
    linked = m2m_text(model, [r.history_id for r in records])
    found, last, wanted = {}, {}, set(ids)
    for record in records:
        if record.history_id in wanted:
            prior = last.get(record.id)
            verb, fields = change_of(model, record, prior)
            if verb == "Changed" and prior is not None:
                before, after = linked[prior.history_id], linked[record.history_id]
                fields += [
                    (label, before[label], after[label])
                    for label in after
                    if before[label] != after[label]
                ]
                verb = "Changed" if fields else "Saved"
            found[key, record.history_id] = content_entry(key, record, verb, fields)
        last[record.id] = record
    return found


def m2m_text(model, history_ids) -> dict:
    """{history id: {label: codes}} for the many-to-many fields whose history is kept: an
    action's themes, by code as plans write them. One query per field."""
    found = defaultdict(lambda: defaultdict(str))
    for name in getattr(model, "_history_m2m_fields", []):
        m2m = model._meta.get_field(name)
        label, target = str(m2m.verbose_name).capitalize(), m2m.m2m_reverse_field_name()
        through = getattr(model.history.model, name).model
        codes = defaultdict(list)
        rows = through.objects.filter(history_id__in=history_ids).select_related(target)
        for row in rows.order_by(f"{target}__position", f"{target}__code"):
            codes[row.history_id].append(str(getattr(row, target).code))
        for history_id in history_ids:
            found[history_id][label] = ", ".join(codes[history_id]) or "none"
    return found


def content_entry(key, record, verb, fields) -> Entry:
    """One history record in words."""
    kind = ADDED if verb == "Added" else DELETED if verb.startswith("Deleted") else CHANGED
    who = user_name(record.history_user) if record.history_user else "Not recorded"
    what = f"{verb} {subject(key, record)}" + (", changing nothing" if verb == "Saved" else "")
    notes = [f"In {where}"] if (where := plan_of(key, record)) else []
    return Entry(record.history_date, who, KIND_LABELS[kind], what, fields=fields, notes=notes)


def change_of(model, record, prior) -> tuple[str, list]:
    """(verb, [(label, before, after)]) for a history record against the one before it."""
    if record.history_type == "+":
        return "Added", []
    if record.history_type == "-":
        return "Deleted for good", []
    if prior is None:
        return "Changed", []
    if prior.deleted_at is None and record.deleted_at is not None:
        return "Deleted", []
    if prior.deleted_at is not None and record.deleted_at is None:
        return "Restored", []
    fields, moved = [], False
    for model_field in model._meta.concrete_fields:
        if model_field.name in HIDDEN_FIELDS:
            continue
        old = getattr(prior, model_field.attname)
        new = getattr(record, model_field.attname)
        if old == new:
            continue
        if model_field.name == "position":
            moved = True
        elif model_field.is_relation:  # ids say nothing: which one it moved to is not loaded
            fields.append((str(model_field.verbose_name).capitalize(), None, None))
        else:
            fields.append((str(model_field.verbose_name).capitalize(), text(old), text(new)))
    if moved and not fields:
        return "Moved", []
    return "Changed", fields


def text(value) -> str:
    return "" if value is None else str(value)


def excerpt(value: str, length: int = 60) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= length else value[: length - 1] + "…"


def subject(key, obj) -> str:
    """The object in words, e.g. 'action 1.2', 'step B. of action 2.1', 'theme “A Voice”'."""
    if key == "plan":
        return f"plan “{excerpt(full_title(obj.title, obj.period))}”"
    if key in ("priority", "outcome", "action", "risk"):
        number = obj.number
        words = obj.title if key == "priority" else obj.concern if key == "risk" else obj.text
        return f"{key} {number}" if number else f"{key} “{excerpt(words)}”"
    if key == "step":
        label = f"step {obj.label}" if obj.label else f"step “{excerpt(obj.text)}”"
        action = obj.action
        return f"{label} of {subject('action', action)}" if action else label
    if key == "theme":
        return f"theme “{obj.code} {excerpt(obj.name)}”"
    if key == "rating":
        return f"rating “{obj.label}”"
    return f"group “{excerpt(obj.name)}”"


def plan_of(key, record):
    """The plan a priority, outcome, action or step sits in (loaded with the record)."""
    if key in ("priority", "outcome"):
        return record.plan
    if key == "action":
        return record.outcome.plan if record.outcome else None
    if key == "step":
        action = record.action
        return action.outcome.plan if action and action.outcome else None
    return None


@login_required
@require_GET
def audit_log(request, slug):
    access = access_for(request, slug)
    access.require_audit()
    partnership = access.partnership
    filterset = AuditFilter(request.GET or None, partnership=partnership)
    filtered = filterset.is_bound and filterset.is_valid()
    rows = log_rows(partnership, filterset if filtered else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return list_page(
        request,
        access,
        "audit",
        "audit_log.html",
        filter=filterset,
        page=page,
        entries=entries(page.object_list),
        query=query.urlencode(),
    )
