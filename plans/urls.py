from django.urls import path

from plans import audit_views, edit_views, member_views, roll_views, settings_views, views

app_name = "plans"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("ratings.css", views.ratings_css, name="ratings_css"),
    # Staff: plans, priorities and outcomes.
    path("plans/new/", edit_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", edit_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", edit_views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/roll-forward/", roll_views.roll_forward_plan, name="roll_forward"),
    path("plans/<int:pk>/priorities/new/", edit_views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/edit/", edit_views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/delete/", edit_views.priority_delete, name="priority_delete"),
    path("priorities/<int:pk>/move/", edit_views.priority_move, name="priority_move"),
    path("plans/<int:pk>/outcomes/new/", edit_views.outcome_create, name="outcome_create"),
    path("outcomes/<int:pk>/edit/", edit_views.outcome_edit, name="outcome_edit"),
    path("outcomes/<int:pk>/delete/", edit_views.outcome_delete, name="outcome_delete"),
    path("outcomes/<int:pk>/move/", edit_views.outcome_move, name="outcome_move"),
    # Staff: the partnership's settings.
    path("settings/", settings_views.settings_home, name="settings"),
    path("settings/themes/", settings_views.theme_list, name="themes"),
    path("settings/themes/new/", settings_views.theme_create, name="theme_create"),
    path("settings/themes/<int:pk>/edit/", settings_views.theme_edit, name="theme_edit"),
    path("settings/themes/<int:pk>/delete/", settings_views.theme_delete, name="theme_delete"),
    path("settings/ratings/", settings_views.rating_list, name="ratings"),
    path("settings/ratings/new/", settings_views.rating_create, name="rating_create"),
    path("settings/ratings/<int:pk>/edit/", settings_views.rating_edit, name="rating_edit"),
    path("settings/ratings/<int:pk>/delete/", settings_views.rating_delete, name="rating_delete"),
    path("settings/ratings/<int:pk>/move/", settings_views.rating_move, name="rating_move"),
    path("settings/groups/", settings_views.group_list, name="groups"),
    path("settings/groups/new/", settings_views.group_create, name="group_create"),
    path("settings/groups/<int:pk>/edit/", settings_views.group_edit, name="group_edit"),
    path("settings/members/", member_views.member_list, name="members"),
    path("settings/members/new/", member_views.member_add, name="member_add"),
    path("settings/members/<int:pk>/edit/", member_views.member_edit, name="member_edit"),
    path("settings/members/<int:pk>/remove/", member_views.member_remove, name="member_remove"),
    path(
        "settings/members/<int:pk>/two-step/",
        member_views.member_two_step_reset,
        name="member_two_step_reset",
    ),
    path("settings/update-cycle/", settings_views.update_cycle, name="cycle"),
    path("settings/deleted/", settings_views.deleted_list, name="deleted"),
    path("settings/deleted/<str:kind>/<int:pk>/restore/", settings_views.restore, name="restore"),
    path("settings/audit/", audit_views.audit_log, name="audit"),
]
