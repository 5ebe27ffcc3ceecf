from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from peerassist.core.scoping import require_manager, require_member
from peerassist.people import selectors
from peerassist.people.csv_import import COLUMNS, people_import_csv
from peerassist.people.forms import DirectoryFilterForm, ImportPeopleForm
from peerassist.people.models import Person

PAGE_SIZE = 25


def directory(request: HttpRequest) -> HttpResponse:
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
            in_use[key] = value
    return push_url(response, f"{request.path}?{in_use.urlencode()}" if in_use else request.path)


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = require_member(request.viewer)
    try:
        person = selectors.person_get(viewer=viewer, person_id=person_id)
    except Person.DoesNotExist:
        raise Http404(_("No such person in your organisation.")) from None
    unit_path = selectors.unit_path(person.unit) if person.unit else ""
    return render(request, "people/person_detail.html", {"person": person, "unit_path": unit_path})


def import_people(request: HttpRequest) -> HttpResponse:
    viewer = require_manager(request.viewer)
    report = None
    if request.method == "POST":
        form = ImportPeopleForm(request.POST, request.FILES)
        if form.is_valid():
            report = people_import_csv(
                organisation=viewer.organisation,
                data=form.cleaned_data["file"].read(),
                create_units=form.cleaned_data["create_units"],
            )
            if report.ok:
                messages.success(
                    request,
                    _(
                        "Imported %(rows)s people: %(created)s new, %(updated)s updated, "
                        "%(unchanged)s unchanged."
                    )
                    % {
                        "rows": report.rows,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
                return redirect("people:directory")
    else:
        form = ImportPeopleForm()
    status = 400 if report is not None and not report.ok else 200
    return render(
        request,
        "people/import.html",
        {"form": form, "report": report, "columns": COLUMNS},
        status=status,
    )
