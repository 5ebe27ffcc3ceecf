"""The search index: one row per searchable thing, kept in step with it by `services`.

On SQLite the FTS5 table `search_fts` indexes `title_stems`/`body_stems` (triggers created
by migration 0002 keep it in step with this table); on PostgreSQL a `search_vector`
tsvector column (maintained by a trigger, GIN-indexed) is added by the same migration.
Neither is a model field: Django never reads or writes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Organisation


class DocType(models.TextChoices):
    BRIEF = "brief", _("Brief")
    CONTRIBUTION = "contribution", _("Contribution")
    WRITEUP = "writeup", _("Write-up")
    ACTION = "action", _("Action")
    PERSON = "person", _("Person")
    TOPIC = "topic", _("Topic")
    GIVE = "give", _("Give")


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    #: The assist the document belongs to: it is visible only to who may see that assist.
    assist = models.ForeignKey(
        "assists.PeerAssist", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "people.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(max_length=2, default="en")
    date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # What the SQLite FTS5 index holds: Snowball stems, accents folded (empty on PostgreSQL).
    title_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="one_document_per_row")
        ]
        indexes = [models.Index(fields=["organisation", "doc_type"], name="search_doc_org_type")]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.object_id}: {self.title}"


class SearchAccess(models.Model):
    """Who may see a document, in a narrow row of its own: the search joins it to each match
    instead of the wide document row (title, body, stems), and checks access on it.

    `shared` is true when every member of the organisation may see the document (it belongs
    to no assist, or to one shared with the organisation); otherwise only who takes part in
    the assist (and organisers) may. Who takes part is not copied here: the query asks the
    participations each time, so a person removed from an assist stops seeing it at once.
    Kept in step by `services` (every write to the index, and an assist's visibility)."""

    document = models.OneToOneField(
        SearchDocument, on_delete=models.CASCADE, primary_key=True, related_name="access"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    assist = models.ForeignKey(
        "assists.PeerAssist", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    shared = models.BooleanField()

    class Meta:
        # Django declares the key `bigint PRIMARY KEY`, which SQLite keeps as an index beside
        # the table's own rowid: looking a match's row up by document was two B-tree searches
        # (the key, then the row). This index holds every column the search reads, so the
        # lookup is one, in a smaller index (issue 19; PostgreSQL does not use it).
        indexes = [
            models.Index(
                fields=["document", "organisation", "shared", "doc_type", "assist"],
                name="search_access_covering",
            )
        ]

    def __str__(self) -> str:
        return f"access to {self.document_id}"
