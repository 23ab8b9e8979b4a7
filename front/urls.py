"""Every page's address. The namespaces (plans:, actions:, reporting:, imports:, two_step:)
name what a page is about; all of them are served by this package's views."""

from django.urls import include, path, re_path, register_converter

from front.views import (
    account,
    action_editing,
    actions,
    agencies,
    audit,
    imports,
    locks,
    meetings,
    members,
    plan_editing,
    plans,
    reviews,
    risks,
    roll_forward,
    settings,
    update_cycle,
)


class PackFormat:
    """A pack's file format in a URL: pdf or xlsx."""

    regex = "pdf|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PackFormat, "pack_format")

# The user's own account and two-step verification, under /accounts/ beside sign-in.
account_urls = [
    path("", account.account, name="account"),
    path("login/code/", account.verify, name="verify"),
    path("two-step/start/", account.start, name="start"),
    path("two-step/set-up/", account.set_up, name="set_up"),
    path("two-step/backup-codes/", account.backup_codes, name="backup_codes"),
    path("two-step/turn-off/", account.turn_off, name="turn_off"),
]

plan_urls = [
    path("", plans.dashboard, name="dashboard"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("ratings.css", plans.ratings_css, name="ratings_css"),
    # Staff: plans, priorities and outcomes.
    path("plans/new/", plan_editing.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", plan_editing.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", plan_editing.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/roll-forward/", roll_forward.roll_forward_plan, name="roll_forward"),
    path("plans/<int:pk>/priorities/new/", plan_editing.priority_create, name="priority_create"),
    path("priorities/<int:pk>/edit/", plan_editing.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/delete/", plan_editing.priority_delete, name="priority_delete"),
    path("priorities/<int:pk>/move/", plan_editing.priority_move, name="priority_move"),
    path("plans/<int:pk>/outcomes/new/", plan_editing.outcome_create, name="outcome_create"),
    path("outcomes/<int:pk>/edit/", plan_editing.outcome_edit, name="outcome_edit"),
    path("outcomes/<int:pk>/delete/", plan_editing.outcome_delete, name="outcome_delete"),
    path("outcomes/<int:pk>/move/", plan_editing.outcome_move, name="outcome_move"),
    # Staff: the partnership's settings.
    path("settings/", settings.settings_home, name="settings"),
    path("settings/themes/", settings.theme_list, name="themes"),
    path("settings/themes/new/", settings.theme_create, name="theme_create"),
    path("settings/themes/<int:pk>/edit/", settings.theme_edit, name="theme_edit"),
    path("settings/themes/<int:pk>/delete/", settings.theme_delete, name="theme_delete"),
    path("settings/ratings/", settings.rating_list, name="ratings"),
    path("settings/ratings/new/", settings.rating_create, name="rating_create"),
    path("settings/ratings/<int:pk>/edit/", settings.rating_edit, name="rating_edit"),
    path("settings/ratings/<int:pk>/delete/", settings.rating_delete, name="rating_delete"),
    path("settings/ratings/<int:pk>/move/", settings.rating_move, name="rating_move"),
    path("settings/groups/", settings.group_list, name="groups"),
    path("settings/groups/new/", settings.group_create, name="group_create"),
    path("settings/groups/<int:pk>/edit/", settings.group_edit, name="group_edit"),
    path("settings/members/", members.member_list, name="members"),
    path("settings/members/new/", members.member_add, name="member_add"),
    path("settings/members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("settings/members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path(
        "settings/members/<int:pk>/two-step/",
        members.member_two_step_reset,
        name="member_two_step_reset",
    ),
    path("settings/update-cycle/", settings.update_cycle, name="cycle"),
    path("settings/deleted/", settings.deleted_list, name="deleted"),
    path("settings/deleted/<str:kind>/<int:pk>/restore/", settings.restore, name="restore"),
    path("settings/audit/", audit.audit_log, name="audit"),
]

action_urls = [
    path("actions/", actions.action_list, name="list"),
    path("actions/<int:pk>/", actions.action_detail, name="detail"),
    path("actions/<int:pk>/update/", actions.progress_update, name="update"),
    # The chair's review of leads' updates.
    path("reviews/", reviews.review_list, name="reviews"),
    path("updates/<int:pk>/review/", reviews.review_update, name="review"),
    path("updates/<int:pk>/accept/", reviews.accept, name="accept_update"),
    path("updates/<int:pk>/return/", reviews.return_with_challenge, name="return_update"),
    # Staff: actions and their steps.
    path("outcomes/<int:pk>/actions/new/", action_editing.action_create, name="create"),
    path("actions/<int:pk>/edit/", action_editing.action_edit, name="edit"),
    path("actions/<int:pk>/delete/", action_editing.action_delete, name="delete"),
    path("actions/<int:pk>/move/", action_editing.action_move, name="move"),
    path("actions/<int:pk>/steps/new/", action_editing.step_create, name="step_create"),
    path("steps/<int:pk>/edit/", action_editing.step_edit, name="step_edit"),
    path("steps/<int:pk>/delete/", action_editing.step_delete, name="step_delete"),
    path("steps/<int:pk>/move/", action_editing.step_move, name="step_move"),
    # By agency: what each partner agency leads or shares, and its report.
    path("agencies/", agencies.agency_list, name="agencies"),
    path("agencies/<int:pk>/", agencies.agency_detail, name="agency"),
    re_path(
        r"^agencies/(?P<pk>[0-9]+)/report\.(?P<fmt>pdf|xlsx)$",
        agencies.agency_report,
        name="agency_report",
    ),
    # The risk & challenge log: board and staff read it, staff keep it.
    path("risks/", risks.risk_list, name="risks"),
    path("risks/new/", risks.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", risks.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/delete/", risks.risk_delete, name="risk_delete"),
    path("risks/<int:pk>/move/", risks.risk_move, name="risk_move"),
]

meeting_urls = [
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/calendar/", update_cycle.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/lock/", locks.meeting_lock, name="meeting_lock"),
    path("meetings/<int:pk>/unlock/", locks.meeting_unlock, name="meeting_unlock"),
    path("meetings/<int:pk>/updates/", update_cycle.meeting_updates, name="meeting_updates"),
    path(
        "meetings/<int:pk>/pack.<pack_format:fmt>", meetings.meeting_download, name="meeting_pack"
    ),
    path("plans/<int:pk>/pack.<pack_format:fmt>", meetings.plan_download, name="plan_pack"),
    path("pack.<pack_format:fmt>", meetings.partnership_download, name="partnership_pack"),
    path("packs/<int:pk>/", meetings.stored_pack, name="stored_pack"),
    path("packs/<int:pk>/file", meetings.stored_pack_file, name="stored_pack_file"),
    path("packs/<int:pk>/try-again", meetings.stored_pack_retry, name="stored_pack_retry"),
]

import_urls = [
    path("plans/<int:pk>/export.xlsx", imports.export_plan, name="export"),
    path("plans/<int:pk>/import/", imports.start_for_plan, name="start_for_plan"),
    path("imports/template.xlsx", imports.template, name="template"),
    path("imports/new/", imports.start, name="start"),
    path("imports/<str:token>/", imports.preview, name="preview"),
    path("imports/<str:token>/confirm/", imports.confirm, name="confirm"),
]

# A partnership's pages, under its slug.
partnership_urls = [
    path("", include((plan_urls, "plans"))),
    path("", include((action_urls, "actions"))),
    path("", include((meeting_urls, "reporting"))),
    path("", include((import_urls, "imports"))),
]
