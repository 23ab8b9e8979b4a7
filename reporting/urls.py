from django.urls import path, register_converter

from reporting import cycle_views, lock_views, views


class PackFormat:
    """A pack's file format in a URL: pdf or xlsx."""

    regex = "pdf|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PackFormat, "pack_format")

app_name = "reporting"
urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/calendar/", cycle_views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/lock/", lock_views.meeting_lock, name="meeting_lock"),
    path("meetings/<int:pk>/unlock/", lock_views.meeting_unlock, name="meeting_unlock"),
    path("meetings/<int:pk>/updates/", cycle_views.meeting_updates, name="meeting_updates"),
    path("meetings/<int:pk>/pack.<pack_format:fmt>", views.meeting_download, name="meeting_pack"),
    path("plans/<int:pk>/pack.<pack_format:fmt>", views.plan_download, name="plan_pack"),
    path("pack.<pack_format:fmt>", views.partnership_download, name="partnership_pack"),
    path("packs/<int:pk>/", views.stored_pack, name="stored_pack"),
    path("packs/<int:pk>/file", views.stored_pack_file, name="stored_pack_file"),
    path("packs/<int:pk>/try-again", views.stored_pack_retry, name="stored_pack_retry"),
]
