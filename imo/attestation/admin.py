from django.contrib import admin

from imo.attestation.models import ScheduleEntry


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    """For the technical administrator, and the baseline of `make bench` (attestation.schedule)."""

    list_display = ("planned_month", "educator", "organization", "kind", "note")
    list_filter = ("kind",)
    list_select_related = ("educator", "organization")
    list_per_page = 25
