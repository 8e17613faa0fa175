"""Template helpers shared by every page: pagination, sortable column headers, Russian plurals."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.paging import PAGE_SIZES

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


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], key: str, label: str) -> SafeString:
    """A column header that sorts by `key`, toggling the direction, announced to screen readers."""
    request = context["request"]
    current = request.GET.get("sort", context.get("default_sort", ""))
    params = request.GET.copy()
    params.pop("page", None)
    ascending_now = current == key
    params["sort"] = f"-{key}" if ascending_now else key
    arrow = ""
    state = ""
    if current.lstrip("-") == key:
        arrow = " ▲" if ascending_now else " ▼"
        state = " (по возрастанию)" if ascending_now else " (по убыванию)"
    return format_html(
        '<a href="?{}">{}<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></a>',
        params.urlencode(),
        label,
        arrow,
        state,
    )


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


@register.inclusion_tag("components/list_summary.html", takes_context=True)
def list_summary(
    context: dict[str, Any], page: Page, export_url: str = "", forms: str = "запись,записи,записей"
) -> dict[str, Any]:
    """Found count (with the Russian plural of `forms`), page-size choice and the Excel link of a list."""
    return {
        "request": context["request"],
        "page": page,
        "export_url": export_url,
        "forms": forms,
        "page_sizes": PAGE_SIZES,
    }
