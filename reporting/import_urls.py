from django.urls import path

from reporting import import_views

app_name = "imports"
urlpatterns = [
    path("plans/<int:pk>/export.xlsx", import_views.export_plan, name="export"),
    path("plans/<int:pk>/import/", import_views.start_for_plan, name="start_for_plan"),
    path("imports/template.xlsx", import_views.template, name="template"),
    path("imports/new/", import_views.start, name="start"),
    path("imports/<str:token>/", import_views.preview, name="preview"),
    path("imports/<str:token>/confirm/", import_views.confirm, name="confirm"),
]
