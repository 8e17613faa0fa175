"""URLs of olympiads/students: namespace "olympiads", mounted at /olympiads/students/."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads import privacy_views
from imo.olympiads.students import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.student_list, name="students"),
    path("export/", views.student_export, name="student_export"),
    path("add/", views.student_create, name="student_create"),
    path("carry-over/", views.students_carry_over, name="students_carry_over"),
    path("<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("<int:pk>/delete/", views.student_delete, name="student_delete"),
    # Персональные данные: запрос субъекта и уничтожение с актом (начальник и администратор ИМО).
    path("<int:pk>/privacy/", privacy_views.student_privacy, name="student_privacy"),
    path("<int:pk>/privacy/export/", privacy_views.student_privacy_export, name="student_privacy_export"),
    path("<int:pk>/consent/", views.student_consent, name="student_consent"),
    path("<int:pk>/consent/toggle/", views.student_consent_toggle, name="student_consent_toggle"),
    path("<int:pk>/consent/scan/", views.student_consent_scan, name="student_consent_scan"),
    path("retention/", privacy_views.retention_settings, name="retention"),
    path("consents/", views.consent_register, name="consents"),
    path("consents/export/", views.consent_export, name="consent_export"),
    path("enrolment/", views.enrolment_list, name="enrolment"),
    path("enrolment/<int:school_pk>/", views.enrolment_edit, name="enrolment_edit"),
    # Загрузка из Excel (imo.core.imports): upload → preview → commit → result.
    path("import/", views.student_import, name="student_import"),
    path("import/template/", views.student_import_template, name="student_import_template"),
    path("import/<int:pk>/", views.student_import_run, name="student_import_run"),
    path("import/<int:pk>/status/", views.student_import_status, name="student_import_status"),
    path("import/<int:pk>/commit/", views.student_import_commit, name="student_import_commit"),
    path("import/<int:pk>/errors/", views.student_import_errors, name="student_import_errors"),
]
