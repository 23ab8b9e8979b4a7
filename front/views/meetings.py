"""Meetings, their packs, and pack downloads (PDF and Excel)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.queries import PlanSummary
from front.access import access_for, meeting_for_user, plan_for_user, stored_pack_for_user
from front.attachments import attachment
from front.edit_pages import FORM_TEMPLATE, page_context, posted, save_unless_stale, staff_view
from front.forms.meetings import CoverReportForm, MeetingForm
from plans.models import RagRating
from reporting import word_cover
from reporting.models import Meeting, StoredPack
from reporting.pack_files import Subject, meeting_pack, pack_filename
from reporting.stored_packs import (
    RENDERED_IN_REQUEST,
    RENDERS_IN_FLIGHT,
    TooManyRenders,
    give_up,
    request_stored_pack,
)
from reporting.tasks import start_render

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

GET_POST = ["GET", "POST"]


@login_required
@require_GET
def meeting_list(request, slug):
    access = access_for(request, slug)
    today = timezone.localdate()
    meetings = list(
        Meeting.objects.filter(
            group__partnership=access.partnership, group__deleted_at__isnull=True
        ).select_related("group")
    )
    return render(
        request,
        "reporting/meeting_list.html",
        {
            "access": access,
            "partnership": access.partnership,
            "upcoming": sorted((m for m in meetings if m.held_on > today), key=by_date),
            "past": [m for m in meetings if m.held_on <= today],
            "today": today,
            "nav_meetings": True,
        },
    )


def by_date(meeting):
    return meeting.held_on


@login_required
@require_GET
def meeting_detail(request, slug, pk):
    """The meeting, the plans its pack covers and what the pack will say in numbers."""
    access, meeting = meeting_for_user(request, slug, pk)
    pack, _ = meeting_pack(meeting)
    return render(
        request,
        "reporting/meeting_detail.html",
        {
            "access": access,
            "partnership": access.partnership,
            "meeting": meeting,
            "pack": pack,
            "summaries": [PlanSummary(p.plan, p.counts, p.total) for p in pack.plans],
            "total": sum(p.total for p in pack.plans),
            "exception_count": len(pack.exceptions),
            "changed_count": len(pack.changed),
            "not_updated_count": len(pack.not_updated),
            "scales": RagRating.Scale,
            "in_future": meeting.held_on > timezone.localdate(),
            "chairs_group": access.chairs(meeting.group),
            "nav_meetings": True,
        },
    )


@staff_view()
def meeting_create(request, access):
    form = MeetingForm(posted(request), partnership=access.partnership)
    context = meeting_page_context(access, title="Add a meeting", submit_label="Add meeting")
    return meeting_form_page(request, form, context, saved="Added the meeting {}.")


@login_required
@require_http_methods(GET_POST)
def meeting_edit(request, slug, pk):
    access, meeting = meeting_for_user(request, slug, pk, edit=True)
    form = MeetingForm(posted(request), instance=meeting, partnership=access.partnership)
    context = meeting_page_context(
        access,
        title="Change the meeting",
        caption=str(meeting),
        cancel_url=reverse("reporting:meeting", args=[slug, meeting.pk]),
    )
    return meeting_form_page(request, form, context, saved="Saved the meeting {}.")


@login_required
@require_http_methods(GET_POST)
def cover_report(request, slug, pk):
    """Staff write the meeting's cover report: the first pages of its pack, and a Word file."""
    access, meeting = meeting_for_user(request, slug, pk, edit=True)
    form = CoverReportForm(posted(request), instance=meeting)
    context = meeting_page_context(
        access,
        title="Cover report",
        caption=str(meeting),
        cancel_url=reverse("reporting:meeting", args=[slug, meeting.pk]),
        submit_label="Save the cover report",
    )
    return meeting_form_page(request, form, context, saved="Saved the cover report of {}.")


@login_required
@require_GET
def cover_report_docx(request, slug, pk):
    """The meeting's cover report in Word, to circulate and amend: any member may have it,
    as any member may download the pack. Made while the browser waits (a few pages)."""
    access, meeting = meeting_for_user(request, slug, pk)
    pack, what = meeting_pack(meeting)
    name = pack_filename(access.partnership, f"{what} cover report", meeting.held_on, "docx")
    return attachment(
        request,
        access,
        word_cover.cover_report_docx(pack),
        filename=name,
        content_type=DOCX,
        obj=meeting,
    )


def meeting_page_context(access, *, cancel_url=None, **kwargs):
    meetings_url = reverse("reporting:meetings", args=[access.partnership.slug])
    return page_context(
        access,
        noun="meeting",
        cancel_url=cancel_url or meetings_url,
        crumbs=[("Meetings", meetings_url)],
        nav="nav_meetings",
        **kwargs,
    )


def meeting_form_page(request, form, context, *, saved):
    """GET shows the form; a valid POST saves it and goes to the meeting's page."""
    if request.method == "POST" and form.is_valid():
        meeting = save_unless_stale(form, context, form.save)
        if meeting is not None:
            messages.success(request, saved.format(meeting))
            return redirect("reporting:meeting", context["partnership"].slug, meeting.pk)
    return render(request, FORM_TEMPLATE, {**context, "form": form})


# Downloads. A pack is rendered once and stored (reporting.models.StoredPack), then served
# again for as long as it says what the pack says (its fingerprint). A PDF is made by the
# background worker while a page says it is being prepared; an Excel report is quick, so it
# is made while the browser waits (reporting.stored_packs.RENDERED_IN_REQUEST).
#
# The download links are GETs that may queue a render: the render is a cache fill of a file
# the link names, repeated clicks reuse it, and nothing anyone sees changes, so the link
# stays a link (bookmarkable, no form) without breaking what GET promises.


def pack_download(
    request, access, subject: Subject, fmt: str, *, obj=None, as_at=None
) -> HttpResponse:
    """The pack's file (as at today, unless as_at says) if a stored one still says what the
    pack says; else a render is queued (or made now: Excel) and the browser is sent to its
    page, which offers the file when it is ready. The request never lays out a PDF."""
    try:
        stored, created, pack = request_stored_pack(
            subject=subject, fmt=fmt, as_at=as_at or timezone.localdate(), user=request.user
        )
    except TooManyRenders as refused:
        return too_many_renders(request, access, refused)
    if created:
        start_render(stored, pack)
        if stored.format in RENDERED_IN_REQUEST:
            stored = StoredPack.objects.get(pk=stored.pk)
    if stored.status == StoredPack.Status.READY:
        return serve(request, access, stored, obj)
    return redirect(status_url(access.partnership.slug, stored, download=True))


def too_many_renders(request, access, refused: TooManyRenders) -> HttpResponse:
    return render(
        request,
        "reporting/too_many_renders.html",
        {"access": access, "partnership": access.partnership, "limit": RENDERS_IN_FLIGHT},
        status=429,
    )


def serve(request, access, stored: StoredPack, obj) -> HttpResponse:
    """The stored file as an attachment (its name was built only from slugified parts), and
    the download in the audit log."""
    return attachment(
        request,
        access,
        stored.content,
        filename=stored.filename,
        content_type=stored.content_type,
        obj=obj,
    )


def status_url(slug: str, stored: StoredPack, *, download: bool = False) -> str:
    url = reverse("reporting:stored_pack", args=[slug, stored.pk])
    return f"{url}?download=1" if download else url


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def meeting_download(request, slug, pk, fmt):
    """The meeting's pack: every plan it covers, rated as at the meeting."""
    access, meeting = meeting_for_user(request, slug, pk)
    subject = Subject(access.partnership, meeting=meeting)
    return pack_download(request, access, subject, fmt, obj=meeting)


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def plan_download(request, slug, pk, fmt):
    """One plan as at today."""
    access, plan = plan_for_user(request, slug, pk)
    return pack_download(request, access, Subject(access.partnership, plan=plan), fmt, obj=plan)


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def partnership_download(request, slug, fmt):
    """Every plan of the partnership as at today."""
    access = access_for(request, slug)
    return pack_download(request, access, Subject(access.partnership), fmt)


# A page waiting for its pack reloads itself (the Refresh header: no script, and the
# Content-Security-Policy has nothing to say about it) every few seconds at first, then
# less often, so that a screen reader is not sent back to the top of the page too often.
REFRESH_SOON, REFRESH_LATER, SOON = 2, 5, datetime.timedelta(seconds=20)


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def stored_pack(request, slug, pk):
    """A stored pack's page: being prepared (it reloads itself until it is ready), ready
    (with its file; with ?download=1, as after a click on a download link, the browser is
    sent to the file as well), or failed (why, and a button to try again)."""
    access, stored = stored_pack_for_user(request, slug, pk)
    now = timezone.now()
    status = stored.shown_status(now)
    Status = StoredPack.Status
    file_url = reverse("reporting:stored_pack_file", args=[slug, stored.pk])
    response = render(
        request,
        "reporting/stored_pack.html",
        {
            "access": access,
            "partnership": access.partnership,
            "stored": stored,
            "status": status,
            "waiting": status in (Status.QUEUED, Status.RENDERING),
            "error": stored.shown_error(now),
            "what": pack_noun(stored),
            "covers": covers(stored),
            "back": back_link(stored),
            "file_url": file_url,
            # An agency's report is found from the dashboard's agencies; packs from meetings.
            "nav_dashboard" if stored.agency_id else "nav_meetings": True,
        },
    )
    if status in (Status.QUEUED, Status.RENDERING):
        waited = now - (stored.started_at or stored.created_at)
        response["Refresh"] = str(REFRESH_SOON if waited < SOON else REFRESH_LATER)
    elif status == Status.READY and request.GET.get("download") == "1":
        response["Refresh"] = f"0; url={file_url}"
    return response


def pack_noun(stored: StoredPack) -> str:
    if stored.format == StoredPack.Format.XLSX:
        return "Excel report"
    return "PDF report" if stored.agency is not None else "PDF pack"


def covers(stored: StoredPack) -> str:
    """What the pack covers, in words."""
    if stored.meeting is not None:
        return str(stored.meeting)
    as_at = f"as at {stored.as_at:%-d %B %Y}"
    if stored.plan is not None:
        return f"{stored.plan.full_title}, {as_at}"
    if stored.agency is not None:
        return f"{stored.agency.name}: actions led and shared, {as_at}"
    return f"Every plan of {stored.partnership.name}, {as_at}"


def back_link(stored: StoredPack) -> tuple[str, str]:
    slug = stored.partnership.slug
    if stored.meeting is not None:
        return "Back to the meeting", reverse("reporting:meeting", args=[slug, stored.meeting.pk])
    if stored.plan is not None:
        return "Back to the plan", reverse("plans:plan", args=[slug, stored.plan.pk])
    if stored.agency is not None:
        return "Back to the agency", reverse("actions:agency", args=[slug, stored.agency.pk])
    return "Back to meetings", reverse("reporting:meetings", args=[slug])


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def stored_pack_file(request, slug, pk):
    """A stored pack's file; before it is ready, its page."""
    access, stored = stored_pack_for_user(request, slug, pk, content=True)
    if stored.status != StoredPack.Status.READY:
        return redirect(status_url(slug, stored))
    return serve(request, access, stored, stored.meeting or stored.plan or stored.agency)


@login_required
@require_POST
def stored_pack_retry(request, slug, pk):
    """Try a failed pack again (one past the time limit included): a new render of the same
    pack as at the same day, or a ready one that says the same, if there is one by now."""
    access, stored = stored_pack_for_user(request, slug, pk)
    if stored.shown_status(timezone.now()) != StoredPack.Status.FAILED:
        return redirect(status_url(slug, stored))  # ready or on its way: nothing to try again
    give_up(stored)
    try:
        again, created, pack = request_stored_pack(
            subject=Subject.of(stored), fmt=stored.format, as_at=stored.as_at, user=request.user
        )
    except TooManyRenders as refused:
        return too_many_renders(request, access, refused)
    if created:
        start_render(again, pack)
    return redirect(status_url(slug, again, download=True))
