"""Emails with an HTML and a plain-text part from one pair of templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A link for an email or a calendar file: SITE_URL plus the path."""
    if path.startswith(("http://", "https://")):
        return path
    site: str = settings.SITE_URL
    return site.rstrip("/") + "/" + path.lstrip("/")


def build_email(
    *,
    to: Sequence[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    attachments: Sequence[tuple[str, bytes | str, str]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render `<template>.txt` and `<template>.html` (which may extend "email/base.html")."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "site_url": settings.SITE_URL,
            "subject": subject,
            # The e-mail's <html lang>: no request, so no context processor sets it.
            "LANGUAGE_CODE": translation.get_language(),
            **context,
        }
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def send_email(**kwargs: Any) -> int:
    """Build and send one email now (call it from a task or a periodic job)."""
    return build_email(**kwargs).send()
