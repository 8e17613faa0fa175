from django.urls import path

from imo.orgs.views import documents as document_views
from imo.orgs.views import imports, organizations, users

app_name = "orgs"

urlpatterns = [
    path("", organizations.organization_list, name="list"),
    path("export/", organizations.organization_export, name="export"),
    path("new/", organizations.organization_create_view, name="create"),
    path("<int:pk>/", organizations.organization_detail, name="detail"),
    path("<int:pk>/edit/", organizations.organization_edit, name="edit"),
    path("<int:pk>/close/", organizations.organization_close_view, name="close"),
    path("<int:pk>/reopen/", organizations.organization_reopen_view, name="reopen"),
    path("users/", users.user_list, name="users"),
    path("users/export/", users.user_export, name="users_export"),
    path("users/invite/", users.user_invite_view, name="user_invite"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", users.user_set_active_view, name="user_set_active"),
    path("users/<int:pk>/resend/", users.user_resend_view, name="user_resend"),
    path(
        "users/<int:pk>/roles/<int:membership_pk>/remove/",
        users.membership_remove_view,
        name="membership_remove",
    ),
    path("summary/", document_views.organization_summary_page, name="summary"),
    path("summary/issue/", document_views.organization_summary_issue, name="summary_issue"),
    path("charts/", document_views.organization_charts, name="charts"),
    # Загрузка из Excel (imo.core.imports): upload → preview → commit → result.
    path("import/", imports.organization_import, name="import"),
    path("import/template/", imports.organization_import_template, name="import_template"),
    path("import/<int:pk>/", imports.organization_import_run, name="import_run"),
    path("import/<int:pk>/status/", imports.organization_import_status, name="import_status"),
    path("import/<int:pk>/commit/", imports.organization_import_commit, name="import_commit"),
    path("import/<int:pk>/errors/", imports.organization_import_errors, name="import_errors"),
]
