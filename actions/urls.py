from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("actions/", views.action_list, name="list"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/update/", views.progress_update, name="update"),
    path("risks/", views.risk_list, name="risks"),
]
