"""The imports app has no pages of its own: each module mounts the pages of imo.core.imports.views
under its own URLs (e.g. /organizations/import/), where its access check applies."""

app_name = "imports"

urlpatterns: list = []
