"""The user's own account and two-step verification, under /accounts/ beside sign-in."""

from django.urls import path

from plans import two_step_views

app_name = "two_step"
urlpatterns = [
    path("", two_step_views.account, name="account"),
    path("login/code/", two_step_views.verify, name="verify"),
    path("two-step/start/", two_step_views.start, name="start"),
    path("two-step/set-up/", two_step_views.set_up, name="set_up"),
    path("two-step/backup-codes/", two_step_views.backup_codes, name="backup_codes"),
    path("two-step/turn-off/", two_step_views.turn_off, name="turn_off"),
]
