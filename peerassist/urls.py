from django.contrib import admin
from django.urls import include, path

from peerassist.accounts import views as account_views
from peerassist.api.api import api_urls
from peerassist.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(
        "accounts/two-factor-required/",
        core_views.two_factor_required,
        name="two_factor_required",
    ),
    # The sign-in page sends addresses of single sign-on domains to their identity provider.
    path("accounts/login/", account_views.sign_in),
    path("accounts/", include("allauth.urls")),
    path("account/", include("peerassist.accounts.urls")),
    path("people/", include("peerassist.people.urls")),
    path("members/", include("peerassist.members.urls")),
    path("audit/", include("peerassist.audit.urls")),
    path("assists/", include("peerassist.assists.urls")),
    path("", include("peerassist.writeups.urls")),
    path("reports/", include("peerassist.reports.urls")),
    path("search/", include("peerassist.search.urls")),
    path("communities/", include("peerassist.communities.urls")),
    path("", include("peerassist.invitations.urls")),
    path("notifications/", include("peerassist.notifications.urls")),
    path("webhooks/", include("peerassist.webhooks.urls")),
    path("", include("peerassist.core.urls")),
    path("", include("peerassist.live.urls")),
    # Django's set_language, which also saves a signed-in person's preference.
    path("i18n/setlang/", account_views.language_choose, name="set_language"),
    path("api/v1/", api_urls),
    path("admin/", admin.site.urls),
]

# Error pages in the site's layout (peerassist/core/errors.py).
handler400 = "peerassist.core.errors.bad_request"
handler403 = "peerassist.core.errors.permission_denied"
handler404 = "peerassist.core.errors.page_not_found"
handler500 = "peerassist.core.errors.server_error"
