"""Moving one organisation between instances: `peerassist export-org` / `import-org`.

    organisation_export(slug, path)  every row that belongs to the organisation (found by
                                     following foreign keys to it), the accounts its people
                                     and members use, and its uploaded files, in one .tar.gz
                                     with a manifest (format, versions, checksums).
    organisation_import(path)        checks the archive, refuses conflicts (the organisation
                                     or an account already here, any other unique key taken),
                                     then writes everything in ONE transaction with new ids;
                                     the files are removed again if anything fails.
    organisation_snapshot(slug)      the organisation's rows with ids replaced by what they
                                     point at, for comparing two instances (the move test).

Which tables belong to an organisation is not listed by hand: a model belongs when a
foreign key leads from it to the organisation (directly or through other such models), so
a model added later travels too. Shared reference rows (languages, the shipped formats)
are matched by natural key; accounts by e-mail address. The search index is derived and
is rebuilt after an import instead of being copied. No code here imports a stage app
(core is the base layer): everything goes through the app registry.
"""

from peerassist.core.orgtransfer.export import export_summary, organisation_export
from peerassist.core.orgtransfer.importing import ImportReport, organisation_import
from peerassist.core.orgtransfer.snapshot import organisation_snapshot
from peerassist.core.orgtransfer.tables import ExactJSONEncoder, TransferError, scoped_models

__all__ = [
    "ExactJSONEncoder",
    "ImportReport",
    "TransferError",
    "export_summary",
    "organisation_export",
    "organisation_import",
    "organisation_snapshot",
    "scoped_models",
]
