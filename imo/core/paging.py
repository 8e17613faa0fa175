"""Pagination with a page-size choice, shared by list pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZES = (25, 50, 100)


def page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paginate(request: HttpRequest, items: Any) -> Page:
    paginator = Paginator(items, page_size(request))
    return paginator.get_page(request.GET.get("page"))
