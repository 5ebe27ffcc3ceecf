"""People and units: read for members, create for organisers and admins."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import BodyId, BoundedPages, ErrorOut, FieldErrorOut, Id
from peerassist.core.scoping import require_member
from peerassist.people import selectors, services
from peerassist.people.models import Level, Person, Unit

router = Router(tags=["people"])


class UnitOut(Schema):
    id: int
    name: str
    parent_id: Id | None


class PersonOut(Schema):
    id: int
    name: str
    email: str
    unit: UnitOut | None
    job_title: str
    level: str
    languages: list[str]
    time_zone: str
    expertise: list[str]
    bio: str
    is_external: bool
    updated_at: datetime

    @staticmethod
    def resolve_languages(obj: Person) -> list[str]:
        return [lang.code for lang in obj.languages.all()]

    @staticmethod
    def resolve_expertise(obj: Person) -> list[str]:
        return [tag.name for tag in obj.expertise.all()]


class PersonFilters(Schema):
    q: str = Field("", max_length=200, description="Words in name, job, unit or expertise.")
    unit: Id | None = Field(None, description="A unit id; people in units below it match too.")
    language: str = Field("", max_length=10, description="A language code, e.g. fr.")
    expertise: Id | None = Field(None, description="An expertise tag id.")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254)
    unit_id: BodyId | None = None
    job_title: str = Field("", max_length=200)
    level: Level = Level.PROFESSIONAL
    languages: list[str] = Field(default_factory=list, max_length=20)
    time_zone: str = Field("UTC", max_length=64)
    expertise: list[str] = Field(default_factory=list, max_length=50)
    bio: str = Field("", max_length=2000)
    is_external: StrictBool = False


@router.get("/people/", response=list[PersonOut], summary="List people")
@paginate(BoundedPages, page_size=50)
def list_people(request: ApiRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    viewer = require_member(request.auth)
    return selectors.person_list(
        viewer=viewer,
        query=filters.q,
        unit_id=filters.unit,
        language=filters.language,
        expertise_id=filters.expertise,
    )


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    summary="Get one person",
)
def get_person(request: ApiRequest, person_id: Id) -> Person:
    viewer = require_member(request.auth)
    try:
        return selectors.person_get(viewer=viewer, person_id=person_id)
    except Person.DoesNotExist:
        raise Http404(_("No such person in your organisation.")) from None


@router.post(
    "/people/",
    response={201: PersonOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Add a person (organisers and admins)",
)
def create_person(
    request: ApiRequest, payload: PersonIn
) -> Status[Person] | Status[dict[str, object]]:
    try:
        person = services.person_create(viewer=request.auth, **payload.dict())
    except services.PersonError as exc:
        refused: dict[str, object] = {
            "detail": [{"loc": ["body", "payload", exc.field], "msg": exc.message}]
        }
        return Status(422, refused)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", "payload", name], "msg": " ".join(msgs)}
            for name, msgs in exc.message_dict.items()
        ]
        refused = {"detail": errors}
        return Status(422, refused)
    return Status(201, selectors.person_get(viewer=request.auth, person_id=person.pk))


@router.get("/units/", response=list[UnitOut], summary="List units")
@paginate(BoundedPages, page_size=100)
def list_units(request: ApiRequest) -> QuerySet[Unit]:
    return selectors.unit_list(viewer=require_member(request.auth)).order_by("name", "pk")


@router.get("/units/{unit_id}", response={200: UnitOut, 404: ErrorOut}, summary="Get one unit")
def get_unit(request: ApiRequest, unit_id: Id) -> Unit:
    viewer = require_member(request.auth)
    try:
        return selectors.unit_list(viewer=viewer).get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404(_("No such unit in your organisation.")) from None
