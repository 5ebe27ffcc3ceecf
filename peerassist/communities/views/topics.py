"""A topic's edit page: the decision date and the planning so far, whatever its source."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerassist.communities import forms, selectors, services
from peerassist.communities.views.pages import _topic
from peerassist.core.access import ViewerRequest
from peerassist.core.forms import add_validation_error


@require_http_methods(["GET", "POST"])
def topic_edit(request: ViewerRequest, topic_id: int) -> HttpResponse:
    viewer, topic = _topic(request, topic_id)
    if not selectors.can_turn_into_assist(viewer=viewer, topic=topic):
        raise PermissionDenied(
            _("Only organisers, the community's leads and the person who raised it can do this.")
        )
    initial = {field: getattr(topic, field) for field in services.TOPIC_EDITABLE}
    form = forms.TopicEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(viewer=viewer, topic=topic, changes=form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The topic is saved and screened again."))
            return redirect("communities:topic", topic.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "topic": topic}
    return render(request, "communities/topic_edit.html", context, status=status)
