import datetime
import hashlib
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from actions.models import Step, latest_measure_values
from actions.queries import (
    actions_for_display,
    not_complete_q,
    not_updated_q,
    overdue_q,
    partnership_actions,
    plan_layout,
    plan_summaries,
    ratings_by_id,
    theme_coverage,
)
from actions.review import returned_to, waiting_counts
from front.access import access_for, plan_for_user
from front.filters import ActionFilter
from front.plan_table import Links, TableContext, table_body
from plans import two_step
from plans.badges import PAGE_CLASS, rating_css
from plans.models import Membership, Plan, RagRating
from reporting.meetings import last_meeting, next_meeting
from reporting.pack_files import partnership_pack
from reporting.packs import SCALE_LABELS, SCALE_ORDER, Headlines, change_words
from reporting.trend_charts import trend_charts
from reporting.update_cycle import to_do_lists

WITHOUT_MEETING_WINDOW = datetime.timedelta(weeks=12)
LIST_LIMIT = 50


@login_required
@require_GET
def home(request):
    """Each partnership the user belongs to, and the actions they must update or lead."""
    today = timezone.localdate()
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("partnership")
        .prefetch_related("groups")
    )
    sections = []
    for membership in memberships:
        partnership = membership.partnership
        access = access_for(request, partnership.slug)
        mine = my_actions(access)
        upcoming = next_meeting(partnership, today, access.group_ids)
        ratings = ratings_by_id(partnership)
        actions = actions_for_display(mine.order_by("due_date", "pk")[:LIST_LIMIT], ratings)
        past_due = mine.filter(overdue_q(today)).order_by("due_date", "pk")  # most late first
        board = access.role == Membership.Role.BOARD  # board members give no updates
        if board:  # their home is the meetings, their packs and where the plans stand
            pack, _ = partnership_pack(partnership, today)
            papers = {
                "latest": last_meeting(partnership, today),
                "headlines": Headlines.of(pack),
                "previous": pack.previous_meeting,
            }
        sections.append(
            {
                "papers": papers if board else None,
                "access": access,
                "membership": membership,
                "actions": actions,
                # What is asked of them for the coming meetings, then what is late.
                "to_do": [] if board else to_do_lists(partnership, request.user, today),
                "past_due": actions_for_display(past_due[:LIST_LIMIT], ratings, today),
                "next_meeting": upcoming,
                # What came back to a lead (staff's updates are never returned, and board
                # members give none).
                "returned": list(returned_to(access)[:LIST_LIMIT])
                if access.role == Membership.Role.CHAIR
                else [],
            }
        )
    # What waits for this chair's or staff member's review, in every partnership at once.
    waiting = waiting_counts(request.user, [section["access"] for section in sections])
    for section in sections:
        access = section["access"]
        section["waiting_count"] = (
            waiting.get(access.partnership.pk, 0) if access.is_reviewer else None
        )
    context = {
        "sections": sections,
        "nav_home": True,
        # Staff change plans, members and settings: a second step at sign-in guards that.
        "recommend_two_step": any(s["access"].can_edit for s in sections)
        and not two_step.is_on(request.user),
    }
    if len(sections) == 1:
        context["partnership"] = sections[0]["membership"].partnership
        context["access"] = sections[0]["access"]
    return render(request, "plans/home.html", context)


def my_actions(access):
    """The actions this user updates: their groups' plans and those naming them as lead."""
    led_steps = Step.objects.live().filter(lead_people__user=access.user)
    mine = Q(lead_people__user=access.user) | Q(pk__in=led_steps.values("action_id"))
    if access.role == Membership.Role.CHAIR:
        mine |= Q(outcome__plan__group__in=access.group_ids)
    return partnership_actions(access.partnership).filter(mine).distinct()


@login_required
@require_GET
def dashboard(request, slug):
    access = access_for(request, slug)
    partnership = access.partnership
    today = timezone.localdate()
    ratings = ratings_by_id(partnership)
    actions = partnership_actions(partnership)
    meeting = last_meeting(partnership, today)
    since = meeting.held_on if meeting else today - WITHOUT_MEETING_WINDOW
    # Past their due date: the latest first; a draft plan's only if asked for.
    with_drafts = request.GET.get("drafts") == "on"
    overdue = actions.filter(overdue_q(today))
    if not with_drafts:
        overdue = overdue.exclude(outcome__plan__status=Plan.Status.DRAFT)
    overdue = overdue.order_by("due_date", "pk")
    stale = actions.filter(not_complete_q(), not_updated_q(since))
    summaries = plan_summaries(partnership)
    # The partnership's pack as at today: its headline figures and lists, as the PDF has them.
    pack, _ = partnership_pack(partnership, today)
    plan_of = pack.plan_of
    return render(
        request,
        "plans/dashboard.html",
        {
            "access": access,
            "partnership": partnership,
            "headlines": Headlines.of(pack),
            "previous": pack.previous_meeting,
            "off_track": [(plan_of[line.action.pk], line) for line in pack.at_issue],
            "changed": [
                (
                    plan_of[line.action.pk],
                    line,
                    change_words(line, previous_meeting=pack.previous_meeting),
                )
                for line in pack.changed
            ],
            "trend_charts": trend_charts(pack),
            # The charts' key, for the eye only: their tables give screen readers the figures.
            "scale_key": [(s or "none", SCALE_LABELS[s]) for s in SCALE_ORDER],
            "with_drafts": with_drafts,
            "summaries": summaries,
            "scales": RagRating.Scale,
            "overdue": actions_for_display(overdue[:LIST_LIMIT], ratings, today),
            "overdue_count": overdue.count(),
            "stale_count": stale.count(),
            "stale": actions_for_display(stale.order_by("due_date", "pk")[:LIST_LIMIT], ratings),
            "since": since,
            "last_meeting": meeting,
            "themes": theme_coverage(partnership),
            "nav_dashboard": True,
        },
    )


@login_required
@require_GET
def plan_detail(request, slug, pk):
    access, plan = plan_for_user(request, slug, pk)
    partnership = access.partnership
    actions = partnership_actions(partnership).filter(outcome__plan=plan)
    filterset = ActionFilter(
        request.GET or None, queryset=actions, partnership=partnership, plan=plan
    )
    filtered = filterset.is_bound and filterset.is_valid() and filterset.is_filtered
    sections = plan_layout(
        plan, filterset.qs if filtered else actions, ratings_by_id(partnership), filtered=filtered
    )
    has_themes = partnership.themes.live().exists()
    table = TableContext(
        links=Links(partnership.slug),
        outcome_label=plan.outcome_label or "Outcome",
        has_themes=has_themes,
        outcome_column=plan.has_outcomes,
        has_measures=any(a.outcome_measures for s in sections for a in s.actions),
        can_update_all=access.can_update_plan(plan),
        can_edit=access.can_edit,
        filtered=filtered,
        csrf_token=get_token(request) if access.can_edit else "",
    )
    if table.has_measures:
        latest_measure_values([a for section in sections for a in section.actions])
    listed = replace(table, outcome_column=False, has_measures=False)  # core activities
    for section in sections:
        section.body = table_body(listed if section.core else table, section)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "access": access,
            "partnership": partnership,
            "plan": plan,
            "sections": sections,
            "filter": filterset,
            "filtered": filtered,
            "has_themes": has_themes,
            "has_measures": table.has_measures,
            "nav_dashboard": True,
        },
    )


@login_required
@require_GET
@cache_control(private=True, no_cache=True)
def ratings_css(request, slug):
    """The partnership's own rating colours as classes, so pages need no inline styles.

    Browsers revalidate it on every page (a 304 when unchanged), so a colour staff change
    shows at once.
    """
    access = access_for(request, slug)
    css = rating_css(RagRating.objects.for_partnership(access.partnership), PAGE_CLASS)
    etag = quote_etag(hashlib.sha256(css.encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(css, content_type="text/css")
    response["ETag"] = etag
    return response
