"""Background work for notifications."""

from __future__ import annotations

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from peerassist.core.languages import language_for_person
from peerassist.core.mail import absolute_url, send_email
from peerassist.notifications.models import Notification


@task()
def email_notification(notification_id: int) -> bool:
    """Email one notification, unless an email already carried it."""
    claimed = Notification.objects.filter(
        Q(pk=notification_id) & Q(emailed_at__isnull=True)
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("person").get(pk=notification_id)
    send_email(
        to=[notification.person.email],
        subject=notification.title,  # written in the reader's language (services.notify)
        language=language_for_person(notification.person),
        template="notifications/email/notification",
        context={
            "notification": notification,
            "link": absolute_url(notification.url) if notification.url else "",
        },
    )
    return True
