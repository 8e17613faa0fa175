"""Template helpers shared by every page: pagination, Russian plurals, links that change the query.

List pages with filters and sorting use the data table component (imo.core.tables) instead."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context: dict[str, Any], page: Page) -> dict[str, Any]:
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page": page,
        "numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": page.paginator.ELLIPSIS,
        "query": params.urlencode(),
    }


@register.filter
def plural_ru(number: int, forms: str) -> str:
    """`{{ n|plural_ru:"организация,организации,организаций" }}` → the Russian form for n."""
    one, few, many = (form.strip() for form in forms.split(","))
    n = abs(int(number)) % 100
    if 11 <= n <= 14:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one); the page resets."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return str(params.urlencode())
