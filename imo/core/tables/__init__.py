"""Data tables for list pages: declare columns and filters, get filters, Russian sorting, pages, column
choice, htmx updates, the state in the URL and an Excel export of exactly the filtered rows.

    from imo.core.tables import Column, ChoiceFilter, DateRangeFilter, MultiChoiceFilter, SearchFilter
    from imo.core.tables import Table, label_order, russian

See `Table` for the URL parameters and `imo/orgs/tables.py` for a full example.
"""

from imo.core.collation import russian
from imo.core.tables.columns import Column, label_order
from imo.core.tables.filters import ChoiceFilter, DateRangeFilter, Filter, MultiChoiceFilter, SearchFilter
from imo.core.tables.table import Table

__all__ = [
    "ChoiceFilter",
    "Column",
    "DateRangeFilter",
    "Filter",
    "MultiChoiceFilter",
    "SearchFilter",
    "Table",
    "label_order",
    "russian",
]
