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
    invitations,
    lead_records,
    locks,
    meetings,
    members,
    passwords,
    plan_editing,
    plans,
    reviews,
    risks,
    roll_forward,
    settings,
    single_sign_on,
    site,
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
    path("keep-alive/", account.keep_alive, name="keep_alive"),
    path("sign-in/refused/", single_sign_on.refused, name="sso_refused"),
    path("invitation/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("password-reset/", passwords.ResetAsk.as_view(), name="password_reset"),
    path("password-reset/sent/", passwords.ResetSent.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        passwords.ResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", passwords.ResetDone.as_view(), name="password_reset_complete"),
    path("password/", passwords.PasswordChange.as_view(), name="password_change"),
    path("email/", passwords.email_change, name="email_change"),
    path("email/confirm/<str:token>/", passwords.email_confirm, name="email_confirm"),
]

# Single sign-on (OpenID Connect), under /oidc/: mozilla-django-oidc's two views and URL names,
# not its urls module, whose sign-out view would not answer 404 where single sign-on is off.
single_sign_on_urls = [
    path("authenticate/", single_sign_on.Start.as_view(), name="oidc_authentication_init"),
    path("callback/", single_sign_on.Callback.as_view(), name="oidc_authentication_callback"),
]


VERBS = ("edit", "delete", "move")


def object_paths(views, kind, at, *, new_at=None, add="create", verbs=VERBS, bare=False):
    """A kind of object's staff pages: adding one (at new_at, else at/new/) and each verb's
    at/<pk>/verb/, served by views.<kind>_<verb> (add is the adding page's verb). Each is
    named as its view, or just by its verb if bare (as the actions namespace does)."""
    prefix = "" if bare else f"{kind}_"
    yield path(new_at or f"{at}/new/", getattr(views, f"{kind}_{add}"), name=f"{prefix}{add}")
    for verb in verbs:
        view = getattr(views, f"{kind}_{verb}")
        yield path(f"{at}/<int:pk>/{verb}/", view, name=f"{prefix}{verb}")


# The site administrator's pages, across partnerships, under /partnerships/.
site_urls = [
    path("", site.partnership_list, name="partnerships"),
    path("new/", site.partnership_create, name="partnership_create"),
    path("people/", site.people, name="people"),
    path("people/<int:pk>/", site.person, name="person"),
    path("people/<int:pk>/export/", site.person_export, name="person_export"),
    path("people/<int:pk>/forget/", site.person_forget, name="person_forget"),
]


plan_urls = [
    path("", plans.dashboard, name="dashboard"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("ratings.css", plans.ratings_css, name="ratings_css"),
    # Staff: plans, priorities and outcomes.
    *object_paths(plan_editing, "plan", "plans", verbs=["edit", "delete"]),
    path("plans/<int:pk>/roll-forward/", roll_forward.roll_forward_plan, name="roll_forward"),
    *object_paths(
        plan_editing,
        "priority",
        "priorities",
        new_at="plans/<int:pk>/priorities/new/",
        verbs=[*VERBS, "renumber"],
    ),
    *object_paths(
        plan_editing,
        "outcome",
        "outcomes",
        new_at="plans/<int:pk>/outcomes/new/",
        verbs=[*VERBS, "renumber"],
    ),
    # Staff: the partnership's settings.
    path("settings/", settings.settings_home, name="settings"),
    path("settings/themes/", settings.theme_list, name="themes"),
    *object_paths(settings, "theme", "settings/themes", verbs=["edit", "delete"]),
    path("settings/ratings/", settings.rating_list, name="ratings"),
    *object_paths(settings, "rating", "settings/ratings"),
    path("settings/groups/", settings.group_list, name="groups"),
    *object_paths(settings, "group", "settings/groups", verbs=["edit"]),
    path("settings/leads/", lead_records.lead_record_list, name="leads"),
    path(
        "settings/leads/<str:kind>/<int:pk>/rename/",
        lead_records.lead_record_rename,
        name="lead_rename",
    ),
    path(
        "settings/leads/<str:kind>/<int:pk>/merge/",
        lead_records.lead_record_merge,
        name="lead_merge",
    ),
    path("settings/members/", members.member_list, name="members"),
    path("settings/members/invite/", invitations.member_invite, name="member_invite"),
    *[
        path(f"settings/invitations/<int:pk>/{verb}/", view, name=f"invitation_{verb}")
        for verb, view in [
            ("resend", invitations.invitation_resend),
            ("withdraw", invitations.invitation_withdraw),
        ]
    ],
    path("settings/members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("settings/members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path("settings/members/<int:pk>/sign-in/", members.member_sign_in, name="member_sign_in"),
    path(
        "settings/members/<int:pk>/two-step/",
        members.member_two_step_reset,
        name="member_two_step_reset",
    ),
    path("settings/update-cycle/", settings.update_cycle, name="cycle"),
    path("settings/protective-marking/", settings.marking, name="marking"),
    path("settings/single-sign-on/", settings.sign_in, name="sign_in"),
    path("settings/deleted/", settings.deleted_list, name="deleted"),
    path("settings/deleted/<str:kind>/<int:pk>/restore/", settings.restore, name="restore"),
    path("settings/audit/", audit.audit_log, name="audit"),
]

action_urls = [
    path("actions/", actions.action_list, name="list"),
    path("actions/<int:pk>/", actions.action_detail, name="detail"),
    path("actions/<int:pk>/update/", actions.progress_update, name="update"),
    path("actions/<int:pk>/measures/new/", actions.measure_value, name="measure_value"),
    # The chair's review of leads' updates.
    path("reviews/", reviews.review_list, name="reviews"),
    path("updates/<int:pk>/review/", reviews.review_update, name="review"),
    path("updates/<int:pk>/accept/", reviews.accept, name="accept_update"),
    path("updates/<int:pk>/return/", reviews.return_with_challenge, name="return_update"),
    # Staff: actions and their steps.
    *object_paths(
        action_editing,
        "action",
        "actions",
        new_at="outcomes/<int:pk>/actions/new/",
        verbs=[*VERBS, "renumber"],
        bare=True,
    ),
    path(
        "priorities/<int:pk>/actions/new/",
        action_editing.action_create_in_priority,
        name="create_in_priority",
    ),
    path(
        "plans/<int:pk>/actions/new/", action_editing.action_create_in_plan, name="create_in_plan"
    ),
    path("plans/<int:pk>/core-activities/new/", action_editing.core_create, name="core_create"),
    *object_paths(action_editing, "step", "steps", new_at="actions/<int:pk>/steps/new/"),
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
    *object_paths(risks, "risk", "risks"),
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
    path("your-updates/", update_cycle.my_updates, name="my_updates"),
    path("meetings/<int:pk>/cover-report/", meetings.cover_report, name="cover_report"),
    path(
        "meetings/<int:pk>/cover-report.docx",
        meetings.cover_report_docx,
        name="cover_report_docx",
    ),
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
    path("imports/<str:token>/columns/", imports.map_columns, name="map_columns"),
    path("imports/<str:token>/confirm/", imports.confirm, name="confirm"),
]

# A partnership's pages, under its slug.
partnership_urls = [
    path("", include((plan_urls, "plans"))),
    path("", include((action_urls, "actions"))),
    path("", include((meeting_urls, "reporting"))),
    path("", include((import_urls, "imports"))),
]
