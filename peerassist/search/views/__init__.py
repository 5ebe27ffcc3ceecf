"""The search pages, one module per concern: `results` (the search page) and
`recommendations` (the suggested visiting peers fragment). `urls.py` imports this package,
which re-exports every view."""

from peerassist.search.views.recommendations import fragment
from peerassist.search.views.results import search

__all__ = ["fragment", "search"]
