from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from peerassist.accounts.selectors import membership_list_for_user
from peerassist.core import health
from peerassist.core.access import SignedInRequest, ViewerRequest
from peerassist.core.home import home_context
from peerassist.core.middleware import SESSION_ORG_KEY


def home(request: ViewerRequest) -> HttpResponse:
    return render(request, "core/home.html", home_context(request.viewer))


@require_POST
def switch_organisation(request: SignedInRequest) -> HttpResponse:
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        org_id = 0
    membership = membership_list_for_user(user=request.user).filter(organisation_id=org_id).first()
    if membership is None:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session[SESSION_ORG_KEY] = membership.organisation_id
        messages.success(
            request, _("You are now working in %(org)s.") % {"org": membership.organisation.name}
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def two_factor_required(request: ViewerRequest) -> HttpResponse:
    return render(request, "core/two_factor_required.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: ViewerRequest) -> JsonResponse:
    """Liveness for load balancers (HealthMiddleware answers it first; this names the URL)."""
    return health.healthz_response()


@login_not_required
@require_GET
@never_cache
def readyz(request: ViewerRequest) -> JsonResponse:
    """Readiness: database, migrations, Redis when configured, static manifest; 200 or 503."""
    return health.readyz_response()
