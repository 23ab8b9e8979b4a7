from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from front.urls import account_urls, partnership_urls, single_sign_on_urls, site_urls
from front.views.plans import home
from front.views.public import accessibility, privacy
from mscp.health import healthz

admin.site.site_header = "Partnership plans: administration"
admin.site.site_title = "Partnership plans"

# Every path here before the partnership pages is a reserved slug (plans.models.RESERVED_SLUGS),
# so that no partnership's address hides it.
urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include((account_urls, "two_step"))),
    path("oidc/", include(single_sign_on_urls)),
    path("accessibility/", accessibility, name="accessibility"),
    path("privacy/", privacy, name="privacy"),
    path("partnerships/", include((site_urls, "site"))),
    path("", home, name="home"),
    path("<slug:slug>/", include(partnership_urls)),
]

# Refusals keep the partnership's name and menu (front.views.errors).
handler403 = "front.views.errors.permission_denied"
handler404 = "front.views.errors.page_not_found"
