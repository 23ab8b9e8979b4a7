"""Staff settings: the people, posts, agencies and groups that leads are linked to, renamed
and merged (actions.lead_records), each change in the audit log."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from actions.lead_records import KINDS, MergeRefused, merge, rename
from front.edit_pages import FORM_TEMPLATE, posted, staff_view
from front.forms.lead_records import MergeForm, RenameForm
from front.views.settings import list_page, settings_context
from plans import audit


def records_of(partnership, kind):
    """A kind's records of the partnership, with how many actions and steps each leads."""
    return (
        kind.model.objects.filter(partnership=partnership)
        .annotate(actions=Count("led_actions", distinct=True))
        .annotate(steps=Count("led_steps", distinct=True))
        .order_by("name")
    )


@staff_view(methods=["GET"])
def lead_record_list(request, access):
    partnership = access.partnership
    tables = [(kind, records_of(partnership, kind)) for kind in KINDS.values()]
    return list_page(request, access, "leads", "lead_records.html", tables=tables)


def record_for(access, kind_slug: str, pk: int):
    kind = KINDS.get(kind_slug)
    if kind is None:
        raise Http404("No such kind of lead record")
    record = kind.model.objects.filter(partnership=access.partnership, pk=pk).first()
    if record is None:
        raise Http404("No such lead record in this partnership")
    return kind, record


def done(request, access, kind, summary, detail, message):
    """After a rename or merge: the audit log's event, the user's message, back to the list."""
    audit.record(
        kind, request=request, partnership=access.partnership, summary=summary, detail=detail
    )
    messages.success(request, message)
    return redirect("plans:leads", access.partnership.slug)


@staff_view()
def lead_record_rename(request, access, kind, pk):
    kind, record = record_for(access, kind, pk)
    form = RenameForm(posted(request), kind=kind, record=record)
    if request.method == "POST" and form.is_valid():
        old = record.name
        rename(record, form.cleaned_data["name"])
        return done(
            request,
            access,
            audit.Kind.LEAD_RECORD_RENAMED,
            f"Renamed the {kind.noun} “{old}” to “{record.name}”",
            {"kind": kind.slug, "id": record.pk, "from": old, "to": record.name},
            f"Renamed “{old}” to “{record.name}”. Plans that write “{old}” still link to it.",
        )
    context = settings_context(
        access,
        "leads",
        title=f"Rename “{record.name}”",
        submit_label="Rename",
        intro="Leads keep their words as written; the old name stays linked to this record.",
    )
    return render(request, FORM_TEMPLATE, {**context, "form": form})


@staff_view()
def lead_record_merge(request, access, kind, pk):
    kind, record = record_for(access, kind, pk)
    others = kind.model.objects.filter(partnership=access.partnership).exclude(pk=record.pk)
    form = MergeForm(posted(request), kind=kind, others=others.order_by("name"))
    if request.method == "POST" and form.is_valid():
        kept, name = form.cleaned_data["into"], record.name
        try:
            moved = merge(kept, record)
        except MergeRefused as refused:
            form.add_error("into", str(refused))
        else:
            return done(
                request,
                access,
                audit.Kind.LEAD_RECORD_MERGED,
                f"Merged the {kind.noun} “{name}” into “{kept.name}”",
                {"kind": kind.slug, "merged": name, "into": kept.pk, "moved": moved},
                f"Merged “{name}” into “{kept.name}”: what it led is led by “{kept.name}”, "
                f"and plans that write “{name}” link to it.",
            )
    context = settings_context(
        access,
        "leads",
        title=f"Merge “{record.name}” into another {kind.noun}",
        submit_label="Merge",
        intro=(
            f"Everything “{record.name}” leads moves to the one you choose, which keeps "
            f"“{record.name}” as another name. Lead texts stay as written. This cannot be "
            "undone from Recently deleted."
        ),
        cancel_url=reverse("plans:leads", args=[access.partnership.slug]),
    )
    return render(request, FORM_TEMPLATE, {**context, "form": form})
