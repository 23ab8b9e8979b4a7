"""Meetings, their packs, and pack downloads (PDF and Excel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from actions.queries import PlanSummary
from plans import audit
from plans.access import access_for, meeting_for_user, plan_for_user
from plans.edit_support import FORM_TEMPLATE, page_context, posted, staff_access
from plans.models import RagRating
from reporting.downloads import meeting_pack, pack_file, pack_filename, partnership_pack, plan_pack
from reporting.forms import MeetingForm
from reporting.models import Meeting

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
            "nav_meetings": True,
        },
    )


@login_required
@require_http_methods(GET_POST)
def meeting_create(request, slug):
    access = staff_access(request, slug)
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
        meeting = form.save()
        messages.success(request, saved.format(meeting))
        return redirect("reporting:meeting", context["partnership"].slug, meeting.pk)
    return render(request, FORM_TEMPLATE, {**context, "form": form})


# Downloads. Each renders the pack while the browser waits: an Excel report takes well under
# a second, a PDF of every plan of a partnership a few seconds (WeasyPrint). Issue 5 moves
# rendering to a background task; until then keep these views plain and synchronous.


def download(pack, fmt, what) -> HttpResponse:
    """The pack as an attachment whose file name is built only from slugified parts."""
    file = pack_file(pack, fmt, what)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    return response


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def meeting_download(request, slug, pk, fmt):
    """The meeting's pack: every plan it covers, rated as at the meeting."""
    access, meeting = meeting_for_user(request, slug, pk)
    pack, what = meeting_pack(meeting)
    response = download(pack, fmt, what)
    name = pack_filename(pack.partnership, what, pack.as_at, fmt)
    audit.record(audit.Kind.PACK_DOWNLOADED, request=request, partnership=access.partnership,
                 obj=meeting, summary=f"Downloaded {name}", detail={"file": name})  # fmt: skip
    return response


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def plan_download(request, slug, pk, fmt):
    """One plan as at today."""
    access, plan = plan_for_user(request, slug, pk)
    pack, what = plan_pack(plan, timezone.localdate())
    response = download(pack, fmt, what)
    name = pack_filename(pack.partnership, what, pack.as_at, fmt)
    audit.record(audit.Kind.PACK_DOWNLOADED, request=request, partnership=access.partnership,
                 obj=plan, summary=f"Downloaded {name}", detail={"file": name})  # fmt: skip
    return response


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def partnership_download(request, slug, fmt):
    """Every plan of the partnership as at today."""
    access = access_for(request, slug)
    pack, what = partnership_pack(access.partnership, timezone.localdate())
    response = download(pack, fmt, what)
    name = pack_filename(pack.partnership, what, pack.as_at, fmt)
    audit.record(audit.Kind.PACK_DOWNLOADED, request=request, partnership=access.partnership,
                 summary=f"Downloaded {name}", detail={"file": name})  # fmt: skip
    return response
