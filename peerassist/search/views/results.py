"""The search page: type, and results follow (htmx, debounced); filters as a plain form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from peerassist.communities.models import Community
from peerassist.core.access import ViewerRequest
from peerassist.people.selectors import unit_tree
from peerassist.search import selectors
from peerassist.search.forms import SearchForm
from peerassist.search.models import DocType


def _results(page: selectors.SearchPage) -> list[dict[str, object]]:
    labels = dict(DocType.choices)
    return [
        {
            "type": hit.doc_type,
            "type_label": labels.get(hit.doc_type, hit.doc_type),
            "title": hit.title,
            # Escaped text with <mark> added around matches (text.marked_to_html).
            "snippet": mark_safe(hit.snippet),  # noqa: S308
            "url": hit.url,
            "date": hit.date,
            "language": hit.language,
        }
        for hit in page.hits
    ]


def _facets(page: selectors.SearchPage | None) -> list[dict[str, object]]:
    """Each type with its number of matches (None before a search)."""
    return [
        {
            "value": value,
            "label": label,
            "count": page.counts_by_type.get(value, 0) if page else None,
        }
        for value, label in DocType.choices
    ]


@require_GET
def search(request: ViewerRequest) -> HttpResponse:
    viewer = request.viewer
    if viewer is None:
        raise PermissionDenied
    communities = (
        Community.objects.filter(organisation=viewer.organisation).order_by("name")
        if viewer.is_member
        else Community.objects.none()
    )
    form = SearchForm(request.GET or None, units=unit_tree(viewer=viewer), communities=communities)
    context: dict[str, object] = {"form": form, "facets": _facets(None)}
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        filters = selectors.SearchFilters(
            types=tuple(data["type"]),
            unit_id=data["unit"],
            community_id=data["community"],
            language=data["language"] or None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        try:
            page = selectors.search(
                viewer=viewer, q=data["q"], filters=filters, page=data["page"] or 1
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            without_page = request.GET.copy()
            without_page.pop("page", None)
            context.update(
                page=page,
                results=_results(page),
                facets=_facets(page),
                query_without_page=without_page.urlencode(),
            )
    elif form.is_bound and form.errors:
        context["error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        return render(request, "search/search.html", context)
    response = render(request, "search/_results.html", {**context, "oob": True})
    in_use = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [v for v in values if v]
        if kept and key != "page":
            in_use.setlist(key, kept)
    return push_url(response, f"{request.path}?{in_use.urlencode()}" if in_use else request.path)
