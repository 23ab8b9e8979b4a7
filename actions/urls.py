from django.urls import path, re_path

from actions import agency_views, edit_views, review_views, risk_views, views

app_name = "actions"
urlpatterns = [
    path("actions/", views.action_list, name="list"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/update/", views.progress_update, name="update"),
    # The chair's review of leads' updates.
    path("reviews/", review_views.review_list, name="reviews"),
    path("updates/<int:pk>/review/", review_views.review_update, name="review"),
    path("updates/<int:pk>/accept/", review_views.accept, name="accept_update"),
    path("updates/<int:pk>/return/", review_views.return_with_challenge, name="return_update"),
    # Staff: actions and their steps.
    path("outcomes/<int:pk>/actions/new/", edit_views.action_create, name="create"),
    path("actions/<int:pk>/edit/", edit_views.action_edit, name="edit"),
    path("actions/<int:pk>/delete/", edit_views.action_delete, name="delete"),
    path("actions/<int:pk>/move/", edit_views.action_move, name="move"),
    path("actions/<int:pk>/steps/new/", edit_views.step_create, name="step_create"),
    path("steps/<int:pk>/edit/", edit_views.step_edit, name="step_edit"),
    path("steps/<int:pk>/delete/", edit_views.step_delete, name="step_delete"),
    path("steps/<int:pk>/move/", edit_views.step_move, name="step_move"),
    # By agency: what each partner agency leads or shares, and its report.
    path("agencies/", agency_views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", agency_views.agency_detail, name="agency"),
    re_path(
        r"^agencies/(?P<pk>[0-9]+)/report\.(?P<fmt>pdf|xlsx)$",
        agency_views.agency_report,
        name="agency_report",
    ),
    # The risk & challenge log: board and staff read it, staff keep it.
    path("risks/", risk_views.risk_list, name="risks"),
    path("risks/new/", risk_views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", risk_views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/delete/", risk_views.risk_delete, name="risk_delete"),
    path("risks/<int:pk>/move/", risk_views.risk_move, name="risk_move"),
]
