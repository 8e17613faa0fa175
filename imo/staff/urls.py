"""URLs of the educators section: each part of it keeps its own patterns beside its views."""

from django.urls import URLPattern

from imo.staff.views import imports, people, picker, profile, proposals, records, statistics

app_name = "staff"

urlpatterns: list[URLPattern] = [
    *records.urlpatterns,  # the list and its export
    *profile.urlpatterns,  # one educator: the profile page, editing, employments, consents
    *imports.urlpatterns,  # загрузка из Excel
    *statistics.urlpatterns,
    *proposals.urlpatterns,  # changes teachers propose, decided by their school admin
    *people.urlpatterns,  # duplicates and merging; personal-data requests and erasure
    *picker.urlpatterns,  # the educator picker's search (forms choosing one educator of many)
]
