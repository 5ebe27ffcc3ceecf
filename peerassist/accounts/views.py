from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerassist.accounts import selectors, services
from peerassist.accounts.forms import ApiTokenForm, OrganisationSettingsForm
from peerassist.core.scoping import require_member


def profile(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer
    new_token = None
    form = ApiTokenForm()
    if request.method == "POST":
        viewer = require_member(viewer)
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            issued = services.api_token_create(
                user=request.user, organisation=viewer.organisation, name=form.cleaned_data["name"]
            )
            new_token = issued.raw
            form = ApiTokenForm()
    from allauth.mfa.models import Authenticator

    context = {
        "form": form,
        "new_token": new_token,
        "tokens": selectors.api_token_list_for_user(user=request.user),
        "memberships": selectors.membership_list_for_user(user=request.user),
        "has_totp": Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists(),
    }
    return render(request, "accounts/profile.html", context)


def organisation_settings(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied(
            _("Only administrators of this organisation can change its settings.")
        )
    organisation = viewer.organisation
    if request.method == "POST":
        form = OrganisationSettingsForm(request.POST)
        if form.is_valid():
            services.organisation_update(viewer=viewer, **form.cleaned_data)
            messages.success(request, _("The organisation's settings were saved."))
            return redirect("accounts:organisation")
    else:
        form = OrganisationSettingsForm(
            initial={
                "name": organisation.name,
                "require_two_factor": organisation.require_two_factor,
            }
        )
    return render(request, "accounts/organisation.html", {"form": form})


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token was revoked; programs using it are now refused."))
    else:
        messages.error(request, _("There is no such token to revoke."))
    return redirect("accounts:profile")
