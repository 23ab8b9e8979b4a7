"""By agency: the partnership's agencies, each agency's actions, and its report (Excel, PDF).
Everyone in the partnership may read them, as they read the plans."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from actions.agencies import (
    SCALE_HEADINGS,
    AgencyRole,
    agency_actions,
    agency_summaries,
    by_plan,
    role_counts,
)
from front.access import access_for, agency_for_user
from front.forms.base import GovukForm, PastDayField
from front.views.meetings import pack_download
from reporting.pack_files import Subject


class AsAtForm(GovukForm, forms.Form):
    """The day an agency's report rates its actions as at (today when not given)."""

    as_at = PastDayField(
        label="Ratings as at",
        required=False,
        input_formats=["%Y-%m-%d"],  # what the date input sends, and the address shows
        help_text="Leave blank for today. For the annual report, for example, 31 March.",
        error_messages={"invalid": "Enter a real date, for example 2025-03-31"},
    )

    def clean_as_at(self):
        return self.cleaned_data["as_at"] or timezone.localdate()


@login_required
@require_GET
def agency_list(request, slug):
    access = access_for(request, slug)
    summaries = agency_summaries(access.partnership)
    return render(
        request,
        "actions/agency_list.html",
        {
            "access": access,
            "partnership": access.partnership,
            "summaries": summaries,
            "scale_headings": SCALE_HEADINGS,
            "nav_dashboard": True,
        },
    )


def agency_page(request, access, agency, form, *, status=200):
    rows = agency_actions(agency)
    counts = role_counts(rows)
    return render(
        request,
        "actions/agency_detail.html",
        {
            "access": access,
            "partnership": access.partnership,
            "agency": agency,
            "plans": by_plan(rows),
            "leads": len([r for r in rows if r.role == AgencyRole.LEADS]),
            "shares": len([r for r in rows if r.role == AgencyRole.SHARES]),
            "total": len(rows),
            "by_scale": [(label, counts["all"].get(scale, 0)) for scale, label in SCALE_HEADINGS],
            "form": form,
            "nav_dashboard": True,
        },
        status=status,
    )


@login_required
@require_GET
def agency_detail(request, slug, pk):
    access, agency = agency_for_user(request, slug, pk)
    return agency_page(request, access, agency, AsAtForm())


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def agency_report(request, slug, pk, fmt):
    """The agency's actions as at today or ?as_at=YYYY-MM-DD, as an Excel or PDF file, stored
    and served as packs are (the PDF made by the background worker while a page waits)."""
    access, agency = agency_for_user(request, slug, int(pk))  # a re_path gives text
    form = AsAtForm(request.GET)
    if not form.is_valid():
        return agency_page(request, access, agency, form, status=400)
    subject = Subject(access.partnership, agency=agency)
    as_at = form.cleaned_data["as_at"]
    return pack_download(request, access, subject, fmt, obj=agency, as_at=as_at)
