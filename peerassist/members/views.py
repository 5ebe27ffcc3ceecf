"""The members area: organisation admins give directory people a login and manage access."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peerassist.accounts.models import Membership
from peerassist.accounts.selectors import member_list as select_members
from peerassist.accounts.selectors import require_admin
from peerassist.core.access import ViewerRequest
from peerassist.members import selectors, services
from peerassist.members.forms import InviteForm, RoleForm
from peerassist.members.tokens import invitation_token


def member_list(request: ViewerRequest) -> HttpResponse:
    viewer = require_admin(request.viewer)
    rows = select_members(viewer=viewer)
    return render(
        request,
        "members/list.html",
        {"rows": rows, "role_form": RoleForm(), "me": request.user.pk},
    )


def invite(request: ViewerRequest) -> HttpResponse:
    viewer = require_admin(request.viewer)
    query = request.GET.get("q", "").strip()[:200]
    people = list(selectors.person_list_invitable(viewer=viewer, query=query)[:500])
    choices = [(p.pk, p.name) for p in people]
    if request.method == "POST":
        form = InviteForm(request.POST, people_choices=choices)
        if form.is_valid():
            try:
                report = services.member_invite(
                    viewer=viewer,
                    person_ids=form.cleaned_data["people"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if report.invited:
                    messages.success(
                        request,
                        ngettext(
                            "Invited %(count)d person; they get an e-mail to choose a password.",
                            "Invited %(count)d people; each gets an e-mail to choose a password.",
                            len(report.invited),
                        )
                        % {"count": len(report.invited)},
                    )
                for _person, reason in report.skipped:
                    messages.warning(request, reason)
                return redirect("members:list")
    else:
        form = InviteForm(people_choices=choices)
    return render(request, "members/invite.html", {"form": form, "people": people, "query": query})


def _act(
    request: ViewerRequest,
    membership_id: int,
    action: Callable[..., Membership],
    done: str,
    **extra: object,
) -> HttpResponse:
    viewer = require_admin(request.viewer)
    try:
        membership = action(viewer=viewer, membership_id=membership_id, **extra)
    except Membership.DoesNotExist:
        raise Http404(_("There is no such member in your organisation.")) from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"who": membership.user})
    return redirect("members:list")


@require_POST
def role_set(request: ViewerRequest, membership_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    require_admin(request.viewer)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("members:list")
    return _act(
        request,
        membership_id,
        services.member_role_set,
        _("%(who)s's role was changed."),
        role=form.cleaned_data["role"],
    )


@require_POST
def deactivate(request: ViewerRequest, membership_id: int) -> HttpResponse:
    return _act(
        request,
        membership_id,
        services.member_deactivate,
        _("%(who)s was deactivated: signed out, API tokens revoked, live rooms closed."),
    )


@require_POST
def reactivate(request: ViewerRequest, membership_id: int) -> HttpResponse:
    return _act(request, membership_id, services.member_reactivate, _("%(who)s can sign in again."))


@require_POST
def resend(request: ViewerRequest, membership_id: int) -> HttpResponse:
    return _act(
        request,
        membership_id,
        services.member_invitation_resend,
        _("The invitation was sent to %(who)s again."),
    )


@login_not_required
@never_cache
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation link: the invited person chooses a password, then signs in."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not (user.is_active and invitation_token.check_token(user, token)):
        return render(request, "members/welcome_invalid.html", status=400)
    if request.method == "POST":
        form = SetPasswordForm(user, request.POST)
        if form.is_valid():
            services.member_welcome_complete(user=user, password=form.cleaned_data["new_password1"])
            messages.success(request, _("Your password is set. Sign in with your e-mail address."))
            return redirect("account_login")
    else:
        form = SetPasswordForm(user)
    return render(request, "members/welcome.html", {"form": form, "invited": user})
