import re
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from peerassist.core.access import ViewerRequest
from peerassist.core.scoping import require_manager, require_member
from peerassist.people import selectors
from peerassist.people.csv_import import (
    COLUMNS,
    ImportPreview,
    people_import_csv,
    people_import_preview,
)
from peerassist.people.forms import DirectoryFilterForm, ImportConfirmForm, ImportPeopleForm
from peerassist.people.models import Person
from peerassist.people.selectors import PICK_LIMIT

PAGE_SIZE = 25
#: The form field a picker's choice is posted as (the page that embeds it names it).
PICK_FIELD = re.compile(r"[a-z_]{1,40}")


def directory(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    form = DirectoryFilterForm(
        request.GET or None,
        units=selectors.unit_tree(viewer=viewer),
        languages=selectors.language_list_in_use(viewer=viewer),
        expertise=selectors.expertise_list(viewer=viewer),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_list(
        viewer=viewer,
        query=filters.get("q") or "",
        unit_id=filters.get("unit"),
        language=filters.get("language") or "",
        expertise_id=filters.get("expertise"),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_without_page": query_without_page.urlencode(),
        "filtered": any(filters.values()),
    }
    if not request.htmx:
        return render(request, "people/directory.html", context)
    response = render(request, "people/_results.html", context)
    # Keep only the filters in use in the address bar, so the URL stays short and shareable.
    in_use = QueryDict(mutable=True)
    for key, value in request.GET.items():
        if value and key != "page":
            in_use[key] = str(value)
    return push_url(response, f"{request.path}?{in_use.urlencode()}" if in_use else request.path)


@require_GET
def person_pick(request: ViewerRequest) -> HttpResponse:
    """The person picker's matches for what was typed (htmx swaps them under the search box):
    members only (guests get 404 like every page outside their assist), the viewer's
    organisation only, at most PICK_LIMIT."""
    viewer = require_member(request.viewer)
    query = request.GET.get("q", "").strip()[:200]
    name = request.GET.get("name", "person_id")
    if not PICK_FIELD.fullmatch(name):
        return HttpResponseBadRequest(_("The picker's field name must be letters and _ only."))
    people = selectors.person_pick(viewer=viewer, query=query)
    context = {"query": query, "people": people, "field_name": name, "limit": PICK_LIMIT}
    return render(request, "people/_pick_results.html", context)


def person_detail(request: ViewerRequest, person_id: int) -> HttpResponse:
    viewer = require_member(request.viewer)
    try:
        person = selectors.person_get(viewer=viewer, person_id=person_id)
    except Person.DoesNotExist:
        raise Http404(_("No such person in your organisation.")) from None
    unit_path = selectors.unit_path(person.unit) if person.unit else ""
    return render(request, "people/person_detail.html", {"person": person, "unit_path": unit_path})


#: How long a checked file waits for its confirmation.
IMPORT_KEPT_SECONDS = 60 * 60


def _kept_import_key(request: ViewerRequest, token: str) -> str:
    viewer = require_member(request.viewer)
    return f"people-import:{viewer.organisation.pk}:{request.user.pk}:{token}"


def _render_import(
    request: HttpRequest,
    form: ImportPeopleForm,
    *,
    preview: ImportPreview | None = None,
    confirm: ImportConfirmForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "report": preview,
            "preview": preview if preview is not None and preview.ok else None,
            "confirm": confirm,
            "refusal": refusal,
            "columns": COLUMNS,
        },
        status=status,
    )


def _show_preview(
    request: ViewerRequest, form: ImportPeopleForm, data: bytes, create_units: bool
) -> HttpResponse:
    """Check the file and list every change it would make; nothing is written yet."""
    viewer = require_member(request.viewer)
    preview = people_import_preview(
        organisation=viewer.organisation, data=data, create_units=create_units
    )
    if not preview.ok:
        return _render_import(request, form, preview=preview, status=400)
    token = secrets.token_urlsafe(16)
    cache.set(
        _kept_import_key(request, token),
        {"data": data, "create_units": create_units},
        IMPORT_KEPT_SECONDS,
    )
    confirm = ImportConfirmForm(initial={"token": token, "fingerprint": preview.fingerprint})
    return _render_import(request, form, preview=preview, confirm=confirm)


def import_people(request: ViewerRequest) -> HttpResponse:
    """Upload a file, see every change it would make, then confirm to write it."""
    viewer = require_manager(request.viewer)
    form = ImportPeopleForm()
    if request.method != "POST":
        return _render_import(request, form)
    if "token" not in request.POST:
        form = ImportPeopleForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_import(request, form, status=400)
        return _show_preview(
            request, form, form.cleaned_data["file"].read(), form.cleaned_data["create_units"]
        )
    confirm = ImportConfirmForm(request.POST)
    kept = None
    if confirm.is_valid():
        kept = cache.get(_kept_import_key(request, confirm.cleaned_data["token"]))
    if kept is None:
        return _render_import(
            request,
            form,
            refusal=_("The checked file is no longer kept. Choose it again to check it."),
            status=400,
        )
    preview = people_import_preview(
        organisation=viewer.organisation, data=kept["data"], create_units=kept["create_units"]
    )
    if not preview.ok or preview.fingerprint != confirm.cleaned_data["fingerprint"]:
        messages.warning(
            request,
            _(
                "The directory changed since the file was checked: nothing was imported. "
                "Look at the changes again before you confirm."
            ),
        )
        return _show_preview(request, form, kept["data"], kept["create_units"])
    report = people_import_csv(
        organisation=viewer.organisation, data=kept["data"], create_units=kept["create_units"]
    )
    cache.delete(_kept_import_key(request, confirm.cleaned_data["token"]))
    if not report.ok:  # pragma: no cover - the preview above checked the same data
        return _render_import(request, form, preview=preview, status=400)
    messages.success(
        request,
        ngettext(
            "Imported %(rows)s person: %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            "Imported %(rows)s people: %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            report.rows,
        )
        % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    return redirect("people:directory")
