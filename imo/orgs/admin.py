from django.contrib import admin

from imo.orgs.models import Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """For the technical administrator; also the baseline `make bench` compares the office's list with."""

    list_display = ("short_name", "kind", "settlement", "parent", "status")
    list_filter = ("kind", "status")
    search_fields = ("short_name", "name", "inn")
    list_select_related = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    list_select_related = ("user", "organization")
