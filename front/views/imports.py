"""Staff pages that export a plan to a spreadsheet and import one: upload, preview, confirm.

Every view is for business support staff only (front.access: another partnership's plan
is 404, other roles 403). An upload is read once, checked, and its rows wait in the
session (reporting.pending_imports.PendingImport) until the user confirms the previewed changes.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.lead_records import KINDS, with_alias
from front.access import plan_for_user
from front.attachments import attachment
from front.edit_pages import FORM_TEMPLATE, page_context, plan_crumbs, staff_access
from front.forms.imports import NEW, REPLACE, ColumnMappingForm, ImportForm, too_big_message
from plans import audit
from plans.models import Plan
from plans.staff_writes import StaleEdit
from reporting.cells import XLSX_CONTENT_TYPE
from reporting.pending_imports import PendingImport, prepare
from reporting.plan_export import plan_workbook, template_workbook
from reporting.uploads import MAX_UPLOAD_BYTES, Sheet
from reporting.word_plans import UnmappedTables, theme_codes

# Room for the form's other fields and the multipart framing around the file.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024

VERBS = {
    "add": "Add",
    "change": "Change",
    "reorder": "Reorder",
    "delete": "Delete",
    "rate": "Add a progress update to",
}


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def export_plan(request, slug, pk):
    """The plan in the import layout, so it can be edited in Excel and imported again."""
    access, plan = plan_for_user(request, slug, pk, edit=True)
    name = (slugify(plan.full_title)[:80] or "plan") + ".xlsx"
    return attachment(
        request,
        access,
        plan_workbook(plan),
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
        kind=audit.Kind.PLAN_EXPORTED,
        obj=plan,
        verb="Exported",
    )


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def template(request, slug):
    access = staff_access(request, slug)
    partnership = access.partnership
    name = f"{partnership.slug}-plan-template.xlsx"
    return attachment(
        request,
        access,
        template_workbook(partnership),
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
        kind=audit.Kind.TEMPLATE_DOWNLOADED,
    )


class LimitedUploadHandler(FileUploadHandler):
    """Keeps an upload in memory up to MAX_UPLOAD_BYTES and drops the rest, marking the file
    too big: no temporary file on disk, and memory bounded whatever is sent."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= MAX_UPLOAD_BYTES:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        too_big = self.received > MAX_UPLOAD_BYTES
        buffer = io.BytesIO() if too_big else self.buffer
        buffer.seek(0)
        upload = InMemoryUploadedFile(
            file=buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.too_big = too_big
        return upload


# The upload pages are exempt from the CSRF middleware only so that an oversized request can
# be refused before its body is read, and the upload handler set before it is parsed; the
# CSRF check is then made by upload_form, before the form is read.


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def start(request, slug):
    return upload_page(request, slug, None)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def start_for_plan(request, slug, pk):
    return upload_page(request, slug, pk)


def upload_page(request, slug, plan_pk):
    if plan_pk is None:
        access, plan = staff_access(request, slug), None
    else:
        access, plan = plan_for_user(request, slug, plan_pk, edit=True)
    partnership = access.partnership
    initial = {"mode": REPLACE, "plan": plan} if plan else {"mode": NEW}
    context = {
        "access": access,
        "partnership": partnership,
        "plan": plan,
        "crumbs": plan_crumbs(access, plan),
        "nav_dashboard": True,
        "form": ImportForm(initial=initial, partnership=partnership),
    }
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            # Refused before the body is read, let alone parsed.
            context["too_big"] = too_big_message()
            return render(request, "reporting/imports/start.html", context, status=413)
        request.upload_handlers = [LimitedUploadHandler(request)]
    return upload_form(request, context)


@csrf_protect
def upload_form(request, context):
    if request.method == "POST":
        partnership = context["partnership"]
        form = ImportForm(request.POST, request.FILES, partnership=partnership)
        if form.is_valid():
            data = form.cleaned_data
            pending = PendingImport.create(
                request.session,
                partnership=partnership.slug,
                mode=data["mode"],
                sheet=form.sheet or Sheet(header=[]),
                unmapped=form.unmapped.as_json() if form.unmapped else None,
                plan=data["plan"].pk if data["mode"] == REPLACE else None,
                new_plan={
                    "group": data["group"].pk,
                    "title": data["title"].strip(),
                    "period": data["period"].strip(),
                }
                if data["mode"] == NEW
                else None,
            )
            name = data["file"].name[:200]  # kept as words only, never used as a path
            audit.record(
                audit.Kind.IMPORT_UPLOADED,
                request=request,
                partnership=partnership,
                obj=data["plan"] if data["mode"] == REPLACE else None,
                summary=f"Uploaded “{name}” to import",
                detail={"file": name, "import": pending.token},
            )
            next_page = "imports:map_columns" if form.unmapped else "imports:preview"
            return redirect(next_page, partnership.slug, pending.token)
        context["form"] = form
    return render(request, "reporting/imports/start.html", context)


def pending_for(request, slug, token):
    """(access, pending import, plan it replaces or None); pending is None once gone."""
    access = staff_access(request, slug)
    pending = PendingImport.load(request.session, token, access.partnership.slug)
    plan = None
    if pending is not None and pending.mode == REPLACE:
        _, plan = plan_for_user(request, slug, pending.plan, edit=True)
    return access, pending, plan


def gone(request, slug):
    messages.info(
        request, "That import is no longer waiting to be confirmed: upload the file again."
    )
    return redirect("imports:start", slug)


@login_required
@require_http_methods(["GET", "POST"])
def map_columns(request, slug, token):
    """A Word plan whose headings did not say which column holds what: the user names each
    column, then sees the preview as for any other file."""
    access, pending, plan = pending_for(request, slug, token)
    if pending is None:
        return gone(request, slug)
    if pending.unmapped is None:
        return redirect("imports:preview", slug, token)
    tables = UnmappedTables.from_json(pending.unmapped)
    form = ColumnMappingForm(request.POST if request.method == "POST" else None, tables=tables)
    if request.method == "POST" and form.is_valid():
        word = tables.read(form.mapping(), theme_codes(access.partnership))
        pending.sheet, pending.unmapped = word.sheet, None
        pending.save(request.session)
        return redirect("imports:preview", slug, token)
    context = page_context(
        access,
        title="Say what each column holds",
        caption="Import a plan from Word",
        crumbs=plan_crumbs(access, plan),
        cancel_url=reverse("imports:start", args=[slug]),
        submit_label="Continue",
        intro=(
            "The plan table's headings do not say which column holds the actions. Choose "
            "what each column holds; nothing is imported until you have seen the changes."
        ),
    )
    return render(request, FORM_TEMPLATE, {**context, "form": form})


@login_required
@require_GET
def preview(request, slug, token):
    access, pending, plan = pending_for(request, slug, token)
    if pending is None:
        return gone(request, slug)
    if pending.unmapped is not None:
        return redirect("imports:map_columns", slug, token)
    prepared = prepare(pending, access.partnership, plan)
    changes = prepared.plan_import.changes if prepared.plan_import else []
    rows = [
        {
            "row": change.row,
            "what": f"{VERBS[change.verb]} {change.what}",
            "verb": change.verb,
            "detail": change.detail,
            "fields": change.fields,
        }
        for change in changes
    ]
    counts = prepared.plan_import.counts if prepared.plan_import else {}
    summary = prepared.plan_import.summary() if prepared.plan_import else []
    record(
        audit.Kind.IMPORT_PREVIEWED,
        request,
        access,
        plan,
        f"Previewed an import into {plan or 'a new plan'}",
        {"import": token, "problems": len(prepared.errors), "changes": counts, "summary": summary},
    )
    return render(
        request,
        "reporting/imports/preview.html",
        {
            "access": access,
            "partnership": access.partnership,
            "plan": plan,
            "pending": pending,
            "new_plan": prepared.new_plan,
            "problems": [str(error) for error in prepared.errors],
            "warnings": [str(warning) for warning in prepared.warnings],
            "about": pending.sheet.about,
            "lead_records": lead_record_rows(access.partnership, prepared.lead_records),
            "changes": rows,
            "counts": counts,
            "summary": summary,
            "fingerprint": prepared.fingerprint,
            "crumbs": plan_crumbs(access, plan),
            "nav_dashboard": True,
        },
    )


STATUS_WORDS = {
    "created": "New",
    "matched": "Matched",
    "not_a_name": "Not a name: stays in the lead's words, no record",
}


def lead_record_rows(partnership, previews) -> list[dict]:
    """The preview's table of lead records: each name, what happens to it, and for a new
    one the existing records of its kind staff may link it to instead."""
    options = {
        kind.slug: list(
            kind.model.objects.filter(partnership=partnership)
            .order_by("name")
            .values_list("pk", "name")
        )
        for kind in KINDS.values()
    }
    return [
        {
            "name": preview.name,
            "kind": KINDS[preview.kind].noun,
            "status": preview.status,
            "words": STATUS_WORDS[preview.status],
            "existing": preview.existing,
            "rows": ", ".join(str(row) for row in preview.rows if row),
            "field": f"link:{preview.key}",
            "options": options[preview.kind] if preview.status == "created" else [],
        }
        # New ones first: they are what staff are asked about.
        for preview in sorted(previews, key=lambda p: list(STATUS_WORDS).index(p.status))
    ]


def link_instead(request, access, previews) -> None:
    """Names staff chose to link to an existing record rather than create one: each becomes
    that record's alias (so the import's linker finds it), and is audited."""
    for preview in previews:
        if preview.status != "created":
            continue
        chosen = request.POST.get(f"link:{preview.key}", "")
        if not chosen.isdigit():
            continue
        kind = KINDS[preview.kind]
        record = kind.model.objects.filter(partnership=access.partnership, pk=chosen).first()
        if record is None:
            continue
        record.aliases = with_alias(record.aliases, preview.name)
        record.save(update_fields=["aliases"])
        audit.record(
            audit.Kind.LEAD_RECORD_MERGED,
            request=request,
            partnership=access.partnership,
            summary=f"Linked “{preview.name}” to the {kind.noun} “{record.name}” (an import)",
            detail={"kind": kind.slug, "name": preview.name, "into": record.pk},
        )


@login_required
@require_POST
def confirm(request, slug, token):
    access, pending, plan = pending_for(request, slug, token)
    if pending is None:
        return gone(request, slug)
    preview_url = reverse("imports:preview", args=[slug, token])
    try:
        with transaction.atomic():
            if plan is not None:
                # One import into a plan at a time: a second waits, then sees the first's work.
                plan = Plan.objects.select_for_update().get(pk=plan.pk)
            prepared = prepare(pending, access.partnership, plan)
            if prepared.errors:
                return redirect(preview_url)
            if prepared.fingerprint != request.POST.get("fingerprint"):
                messages.info(
                    request,
                    "The plan or the partnership's settings changed after this preview was "
                    "made, so nothing was imported. Check the changes below again.",
                )
                return redirect(preview_url)
            plan_import = prepared.plan_import
            if not plan_import.changes and plan is not None:
                pending.discard(request.session)
                messages.success(request, "The file matches the plan: nothing was changed.")
                return redirect(plan)
            link_instead(request, access, prepared.lead_records)
            plan = plan_import.write(user=request.user, new_plan=prepared.new_plan)
    except StaleEdit:
        messages.info(
            request,
            "Someone changed the plan while it was being imported, so nothing was imported. "
            "Check the changes below again.",
        )
        return redirect(preview_url)
    pending.discard(request.session)
    done = "Created the plan from the file" if plan_import.plan is None else "Imported the file"
    messages.success(request, f"{done}: {', '.join(plan_import.summary())}.")
    new = plan_import.plan is None
    record(
        audit.Kind.IMPORT_CONFIRMED,
        request,
        access,
        plan,
        f"Imported a file into {'a new' if new else 'the'} plan {plan}",
        {
            "import": token,
            "new_plan": new,
            "changes": plan_import.counts,
            "summary": plan_import.summary(),
        },
    )
    return redirect(plan)


def record(kind, request, access, plan, summary: str, detail: dict) -> None:
    """A step of an import, in the partnership's audit log; its detail holds the import's
    token and what it changes ("summary" there: the changes in words)."""
    audit.record(
        kind,
        request=request,
        partnership=access.partnership,
        obj=plan,
        summary=summary,
        detail=detail,
    )
