"""The matches of the educator picker (imo.staff.picker): GET ?field=<form field>&<field>__q=<text>
[&selected=<id>] (or q=<text>).

Who: those who may see lists of educators (the office, school admins); they search among the educators
they may see (`educators_visible_to`), so the picker never shows a name the user could not open anyway."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from imo.core.access import AppRequest, requires
from imo.staff.list_filters import search_words
from imo.staff.models import Employment
from imo.staff.picker import PICKER_LIMIT
from imo.staff.selectors import active_on, educators_visible_to

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,60}$")


@requires("staff.view_educator_list")
def educator_picker(request: AppRequest) -> HttpResponse:
    field = request.GET.get("field", "")
    if not _FIELD.fullmatch(field):
        field = "educator"
    # htmx sends the search box under its own name, "<field>__q"; plain "q" serves other callers
    query = request.GET.get(f"{field}__q", request.GET.get("q", "")).strip()[:100]
    selected = request.GET.get("selected", "")
    found = []
    if query:
        candidates = educators_visible_to(user=request.user)
        for word in search_words(query):
            candidates = candidates.filter(search_text__contains=word)
        found = list(candidates.order_by("name_key", "pk")[: PICKER_LIMIT + 1])
        places: dict[int, list[str]] = {}
        current = Employment.objects.filter(
            active_on(timezone.localdate()), educator_id__in=[e.pk for e in found]
        ).select_related("organization", "position")
        for employment in current.order_by("-is_main", "pk"):
            places.setdefault(employment.educator_id, []).append(
                f"{employment.organization.short_name or employment.organization.name}, {employment.position}"
            )
        for educator in found:
            educator.places = "; ".join(places.get(educator.pk, []))  # type: ignore[attr-defined]
    return render(
        request,
        "staff/picker/options.html",
        {
            "field": field,
            "query": query,
            "found": found[:PICKER_LIMIT],
            "more": len(found) > PICKER_LIMIT,
            "limit": PICKER_LIMIT,
            "selected": int(selected) if selected.isdecimal() else None,
        },
    )


urlpatterns: list[URLPattern] = [path("picker/", educator_picker, name="educator_picker")]
