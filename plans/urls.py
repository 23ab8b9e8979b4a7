from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("ratings.css", views.ratings_css, name="ratings_css"),
]
