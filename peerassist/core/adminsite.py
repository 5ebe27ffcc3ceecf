"""Django's admin is for platform operators only, and it has no password form of its own.

Organisation admins manage their organisation in the product (Members, Organisation
settings). Signing in to the admin goes through allauth, so the lockout after wrong
passwords and the second factor apply there as everywhere else.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class OperatorAdminSite(admin.AdminSite):
    site_header = "peerassist operators"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def operators_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(_("Django's admin is for platform operators only."))
            return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

        return update_wrapper(operators_only, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Never a password form here: signed-in non-operators get 403, others allauth's login."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied(_("Django's admin is for platform operators only."))
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class OperatorAdminConfig(AdminConfig):
    default_site = "peerassist.core.adminsite.OperatorAdminSite"
