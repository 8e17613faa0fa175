from django.contrib import admin

from imo.staff.models import Educator


@admin.register(Educator)
class EducatorAdmin(admin.ModelAdmin):
    """For the technical administrator, and the baseline of `make bench` (educators.list)."""

    list_display = ("last_name", "first_name", "patronymic", "sex", "municipality")
    list_filter = ("sex",)
    search_fields = ("search_text",)
    list_select_related = ("municipality",)
    list_per_page = 100
