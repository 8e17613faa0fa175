from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("imo.portal.urls")),
    path("accounts/", include("imo.accounts.urls")),
    path("organizations/", include("imo.orgs.urls")),
    path("reference/", include("imo.reference.urls")),
    path("staff/", include("imo.staff.urls")),
    path("attestation/", include("imo.attestation.urls")),
    path("mentorship/", include("imo.mentorship.urls")),
    path("training/", include("imo.training.urls")),
    path("olympiads/", include("imo.olympiads.urls")),
    path("", include("imo.library.urls")),
    path("surveys/", include("imo.surveys.urls")),
    path("audit/", include("imo.audit.urls")),
    path("jobs/", include("imo.core.jobs.urls")),
    path("imports/", include("imo.core.imports.urls")),
    path("documents/", include("imo.core.documents.urls")),
    path("mail/", include("imo.core.mail.urls")),
    # Django's admin is for the technical administrator only (superusers); the office works in the app.
    path("django-admin/", admin.site.urls),
]

handler403 = "imo.core.views.forbidden"
handler404 = "imo.core.views.not_found"
handler500 = "imo.core.views.server_error"
