"""API: search across briefs, notes, write-ups, actions, people, topics and gives.

Reads go through `peerassist.search.selectors`, which applies the viewer's access inside
the query: what they may not see is neither returned nor counted. A query with nothing
to search for (or too long) is 422 with a message a person can act on.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, FieldErrorOut, Id
from peerassist.core.scoping import Viewer
from peerassist.search import selectors
from peerassist.search.models import DocType

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field(..., description='Words, "an exact phrase", -excluded words.')
    type: list[DocType] = Field(default_factory=list, description="Only these types.")
    unit: Id | None = Field(None, description="Only this unit and the units below it.")
    community: Id | None = None
    language: str | None = Field(None, pattern="^(en|fr|es)$")
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE)


class SearchResultOut(Schema):
    type: DocType
    id: int
    title: str
    snippet: str = Field(description="HTML: escaped text, the matched words in <mark>.")
    url: str
    date: date | None
    score: float


class SearchOut(Schema):
    count: int
    counts_by_type: dict[str, int] = Field(
        description="Matches per type with every filter except the type (for facets)."
    )
    page: int
    pages: int
    results: list[SearchResultOut]


def _viewer(request: ApiRequest) -> Viewer:
    viewer = request.auth
    if not isinstance(viewer, Viewer):
        raise PermissionDenied(_("Only members and guests of an organisation can search."))
    return viewer


@router.get(
    "/search",
    response={200: SearchOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Search what you may see",
)
def search(request: ApiRequest, params: Query[SearchQuery]) -> dict[str, object]:
    result = selectors.search(
        viewer=_viewer(request),
        q=params.q,
        filters=selectors.SearchFilters(
            types=tuple(params.type),
            unit_id=params.unit,
            community_id=params.community,
            language=params.language,
            date_from=params.date_from,
            date_to=params.date_to,
        ),
        page=params.page,
    )
    return {
        "count": result.count,
        "counts_by_type": result.counts_by_type,
        "page": result.page,
        "pages": result.num_pages,
        "results": [
            {
                "type": hit.doc_type,
                "id": hit.object_id,
                "title": hit.title,
                "snippet": hit.snippet,
                "url": hit.url,
                "date": hit.date,
                "score": hit.score,
            }
            for hit in result.hits
        ],
    }
