"""Invitation pages: the editors' invitations tab, the participant's own invitation page,
and the two pages reached by emailed links without signing in (RSVP and guest access)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists import selectors as assist_selectors
from peerassist.assists.models import PeerAssist, Status
from peerassist.core.access import NOT_FOUND, ViewerRequest, assist_rights, get_assist_or_404
from peerassist.core.findings import RuleViolation
from peerassist.core.middleware import SESSION_ORG_KEY
from peerassist.core.scoping import Viewer, require_member
from peerassist.invitations import emails, forms, selectors, services, tokens
from peerassist.invitations.models import InvitationStatus
from peerassist.invitations.tokens import TokenRefused

#: A guest's session ends sooner than a member's: the link signs them in again.
GUEST_SESSION_SECONDS = 12 * 3600


def _assist(request: ViewerRequest, assist_id: int, *, edit: bool) -> tuple[Viewer, PeerAssist]:
    viewer = require_member(request.viewer)
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id)
    if edit and not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can send invitations.")
        )
    return viewer, assist


# --- The invitations tab ------------------------------------------------------------------


def _manage(
    request: ViewerRequest,
    assist: PeerAssist,
    *,
    guest_form: forms.GuestForm | None = None,
    invite_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    uninvited = list(selectors.uninvited_participations(assist=assist))
    if guest_form is not None:
        for name in guest_form.errors:
            if name in guest_form.fields:  # screen readers announce the field's error
                guest_form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
    context = {
        "assist": assist,
        "tab": "invitations",
        "can_edit": True,
        "invitations": list(selectors.invitation_list(assist=assist)),
        "invite_form": forms.InviteForm(participations=uninvited),
        "uninvited": uninvited,
        "invite_errors": invite_errors or [],
        "suggestions_taking_part": selectors.suggestions_taking_part(assist=assist),
        "guest_form": guest_form or forms.GuestForm(),
        "invitable": assist.status in services.INVITABLE_STATUSES,
    }
    return render(request, "invitations/manage.html", context, status=status)


@require_GET
def manage(request: ViewerRequest, assist_id: int) -> HttpResponse:
    _viewer, assist = _assist(request, assist_id, edit=True)
    return _manage(request, assist)


def _refused(request: ViewerRequest, error: Exception) -> None:
    if isinstance(error, RuleViolation):
        for finding in error.findings:
            messages.error(request, finding.message)
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))


def _skipped_reasons(skipped: list[services.Skipped]) -> list[str]:
    """Why people were left out of a bulk invitation, in words (people not in the assist are
    only counted: their ids may come from anywhere)."""
    reasons = []
    if already := [s.name for s in skipped if s.reason == "already_invited"]:
        reasons.append(
            ngettext(
                "%(count)s person was already invited, so skipped: %(names)s.",
                "%(count)s people were already invited, so skipped: %(names)s.",
                len(already),
            )
            % {"count": len(already), "names": ", ".join(already)}
        )
    if outside := [s for s in skipped if s.reason == "not_taking_part"]:
        reasons.append(
            ngettext(
                "%(count)s person chosen does not take part in this assist (removed since the "
                "page loaded?), so skipped.",
                "%(count)s people chosen do not take part in this assist (removed since the "
                "page loaded?), so skipped.",
                len(outside),
            )
            % {"count": len(outside)}
        )
    return reasons


@require_POST
def send(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """Invite the people ticked on the tab, or everyone it listed ("select all"): reports how
    many were invited and who was skipped and why; nothing sent is a 400 with the reason."""
    viewer, assist = _assist(request, assist_id, edit=True)
    form = forms.SelectedPeopleForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _manage(request, assist, invite_errors=errors, status=400)
    try:
        result = services.invitations_send_selected(
            viewer=viewer, assist=assist, person_ids=form.cleaned_data["chosen"]
        )
    except (RuleViolation, ValidationError) as error:
        if isinstance(error, RuleViolation):
            errors = [finding.message for finding in error.findings]
        else:
            errors = list(error.messages)
        return _manage(request, assist, invite_errors=errors, status=400)
    reasons = _skipped_reasons(result.skipped)
    if not result.sent:
        return _manage(request, assist, invite_errors=reasons, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)s invitation is on its way.",
            "%(count)s invitations are on their way.",
            len(result.sent),
        )
        % {"count": len(result.sent)},
    )
    for reason in reasons:
        messages.warning(request, reason)
    return redirect("invitations:manage", assist.pk)


@require_POST
def guest(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    form = forms.GuestForm(request.POST)
    if not form.is_valid():
        return _manage(request, assist, guest_form=form, status=400)
    try:
        invitation = services.guest_invite(viewer=viewer, assist=assist, **form.cleaned_data)
    except (RuleViolation, ValidationError) as error:
        _refused(request, error)
        return _manage(request, assist, guest_form=form, status=400)
    messages.success(
        request, _("An invitation is on its way to %(name)s.") % {"name": invitation.person.name}
    )
    return redirect("invitations:manage", assist.pk)


@require_POST
def resend(request: ViewerRequest, assist_id: int, invitation_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    try:
        invitation = services.invitation_resend(
            viewer=viewer, assist=assist, invitation_id=invitation_id
        )
    except (RuleViolation, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Sent again to %(name)s.") % {"name": invitation.person.name})
    return redirect("invitations:manage", assist.pk)


@require_POST
def cancel(request: ViewerRequest, assist_id: int, invitation_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    try:
        invitation = services.invitation_cancel(
            viewer=viewer, assist=assist, invitation_id=invitation_id
        )
    except (RuleViolation, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(name)s's invitation is withdrawn; their calendar entry is cancelled.")
            % {"name": invitation.person.name},
        )
    return redirect("invitations:manage", assist.pk)


# --- The participant's own invitation (guests included) --------------------------------------


def writeup_link(assist: PeerAssist, viewer: Viewer) -> str:
    """Where the viewer reads the assist's write-up, or "" if there is none they may read."""
    writeup = getattr(assist, "writeup", None)
    if writeup is None or (not viewer.is_member and not writeup.shared_with_guests):
        return ""
    for name in ("writeups:detail", "writeups:writeup", "writeups:read"):
        try:
            return reverse(name, args=[assist.pk])
        except NoReverseMatch:
            continue
    return ""


@require_GET
def brief(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """The brief as an invitee reads it: the one assist page a guest reaches."""
    viewer = request.viewer
    if viewer is None:
        raise PermissionDenied(_("Sign in with the account you were invited with."))
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id)
    participation = selectors.viewer_participation(viewer=viewer, assist=assist)
    if participation is None:
        raise Http404(_(NOT_FOUND))
    person = participation.person
    people = list(assist_selectors.participation_list(assist=assist))
    invitation = selectors.viewer_invitation(viewer=viewer, assist=assist)
    unanswered = (
        invitation is not None
        and invitation.cancelled_at is None
        and invitation.status == InvitationStatus.PENDING
        and assist.status in services.INVITABLE_STATUSES
    )
    context = {
        "assist": assist,
        "person": person,
        "participation": participation,
        "invitation": invitation,
        "rsvp": emails.rsvp_links(invitation, absolute=False) if unanswered and invitation else {},
        "starts_local": emails.local_time(assist.starts_at, person.time_zone),
        "ends_local": emails.local_time(assist.ends_at, person.time_zone),
        "roles": {
            role: [p for p in people if p.role == role] for role in ("home_peer", "facilitator")
        },
        "live_link": reverse("live:room", args=[assist.pk]) if assist.status == Status.LIVE else "",
        "writeup_link": writeup_link(assist, viewer),
        "is_guest": not viewer.is_member,
    }
    return render(request, "invitations/brief.html", context)


# --- Links from emails, no sign-in -------------------------------------------------------------


def _token_refused(request: ViewerRequest, refused: TokenRefused) -> HttpResponse:
    return render(request, "invitations/token_refused.html", {"reason": refused.reason}, status=403)


@login_not_required
@require_http_methods(["GET", "POST"])
def rsvp(request: ViewerRequest, token: str) -> HttpResponse:
    """Answer an invitation from the email: GET shows what the link does, POST records it
    (so that mail scanners opening links answer nothing)."""
    try:
        claim = tokens.rsvp_read(token)
        invitation = services.rsvp_check(claim=claim)
    except TokenRefused as refused:
        return _token_refused(request, refused)
    form = forms.SuggestForm(request.POST or None) if claim.action == "suggest" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        suggestion = services.Suggestion(**form.cleaned_data) if form is not None else None
        try:
            invitation = services.rsvp_answer(claim=claim, suggestion=suggestion)
        except TokenRefused as refused:
            return _token_refused(request, refused)
        return render(
            request,
            "invitations/rsvp_done.html",
            {
                "invitation": invitation,
                "assist": invitation.assist,
                "again": emails.rsvp_links(invitation, absolute=False),
                "open_link": emails.open_link(invitation.person, invitation, invitation.assist),
                "Status": InvitationStatus,
            },
        )
    person = invitation.person
    context = {
        "invitation": invitation,
        "assist": invitation.assist,
        "action": claim.action,
        "form": form,
        "starts_local": emails.local_time(invitation.assist.starts_at, person.time_zone),
        "time_zone": person.time_zone,
    }
    return render(
        request, "invitations/rsvp.html", context, status=400 if form and form.errors else 200
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def guest_access(request: ViewerRequest, token: str) -> HttpResponse:
    """An external guest's personal link: signs them in to a guest session for their assist.

    Someone already signed in as another person is asked first: a link opened with GET never
    replaces their session (login CSRF); only the POST of the choice page (CSRF-checked) does.
    """
    try:
        claim = tokens.guest_read(token)
        user, invitation = services.guest_access(claim=claim)
    except TokenRefused as refused:
        return _token_refused(request, refused)
    current = request.user
    if current.is_authenticated and current.pk != user.pk and request.method != "POST":
        return render(
            request,
            "invitations/guest_switch.html",
            {"current": current, "guest": user, "assist": invitation.assist},
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_ORG_KEY] = invitation.assist.organisation_id
    request.session.set_expiry(GUEST_SESSION_SECONDS)
    return redirect("invitations:brief", invitation.assist_id)
