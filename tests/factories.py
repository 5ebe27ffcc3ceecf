import factory

from peerassist.accounts.models import Membership, Organisation, Role, User
from peerassist.people.models import ExpertiseTag, Person, Unit


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertiseTag

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"topic {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    unit = factory.LazyAttribute(lambda o: UnitFactory(organisation=o.organisation))

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)

    @factory.post_generation
    def expertise(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.expertise.set(extracted)


class PeerAssistFactory(factory.django.DjangoModelFactory):
    """A planned assist (ready for invitations) with the shipped standard format."""

    class Meta:
        model = "assists.PeerAssist"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Peer Assist {n}")
    format = factory.LazyFunction(
        lambda: __import__("peerassist.assists.models", fromlist=["Format"]).Format.objects.get(
            organisation=None, kind="standard"
        )
    )
    status = "planned"
    time_zone = "Europe/London"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Community"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)

    @factory.post_generation
    def leads(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.leads.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Meeting"

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(
        lambda: (
            __import__("django.utils.timezone", fromlist=["now"]).now()
            + __import__("datetime").timedelta(days=7)
        )
    )


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Topic"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    source = "request"
