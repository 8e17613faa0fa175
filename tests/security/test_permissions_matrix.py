"""The permissions matrix (issue #10, item 1): every URL of the project, opened with GET by every role,
answers what `permissions_matrix.csv` says — and no denied answer shows the object's data.

The matrix is reviewed data: a new URL fails `test_every_url_is_in_the_matrix` until someone decides who may
open it. To (re)write the answers after a deliberate change, run this module with
`IMO_WRITE_PERMISSIONS_MATRIX=1` and `-n 0`; it keeps the comment column, and `git diff` shows what
changed — review each changed line against the roles and scope rules (docs/security.md,
ARCHITECTURE.md) before committing.

Answer classes: 200; login (302 to the login page); 302 (a redirect elsewhere); 403; 404; 405 (a POST-only
view answering GET). Anything else (400, 500, …) is recorded by its code and is almost surely a bug.

A URL whose answers depend on the state of its object is walked once more with another object: a KWARGS key
`<URL name>#<variant>` gives that walk's objects, and the matrix has a line under the same key (the format is
described in imo/portal/management/commands/permissions_matrix.py). So far: the olympiad's public results,
walked for unpublished results (404 for everyone) and as `#published` (200 for everyone, and the page shows
only what the public may see: `World.published_shown`, never `World.published_hidden`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imo.portal.management.commands.permissions_matrix import (
    MATRIX_PATH,
    ROLES,
    VARIANT_SEPARATOR,
    MatrixLine,
    read_matrix,
    url_name_of,
    write_matrix,
)
from tests.security.world import MARKER, World, build_world

# Django's own admin (for the technical administrator, guarded by `is_staff`, not by our roles) is not walked.
# Static and media files are served by the web server in production, not by URL patterns here.
SKIPPED_PREFIXES = ("django-admin/",)

DENIED = {"login", "403", "404"}

# School A's people and their answers: a school admin of another school must not see them on any page,
# even one they may open (a list, a statistics page, a survey's results). Office objects (a survey's title,
# a document) and the jury (named on the olympiad's district-wide pages) are not school A's secrets.
SCHOOL_A_PRIVATE = (
    "Маркер-Секрет-Учитель",
    "Маркер-Секрет-Коллега",
    "Маркер-Секрет-Ученик",
    "Маркер-Секрет-ответ",
)

# Findings of the review that the walk still shows; each is listed in the report to the lead and is a `BUG?`
# in the matrix's comment column. Remove a line when it is fixed (the test then fails until it is removed).
KNOWN_OTHER_SCHOOL_LEAKS: set[str] = set()


@dataclass(frozen=True)
class Lit:
    """A URL argument given literally (a slug, a token, a file name), not as the pk of a world object."""

    value: str | int


# URL name → its kwargs: a key of `World.objects` (its pk is used) or a `Lit`. A URL with arguments must be
# here; a URL without arguments needs no line. `<URL name>#<variant>` walks the URL once more with other
# objects (see the module's docstring).
KWARGS: dict[str, dict[str, str | Lit]] = {
    "accounts:password_reset_confirm": {"uidb64": Lit("MQ"), "token": Lit("set-password")},
    # organisations and users
    "orgs:detail": {"pk": "school_a"},
    "orgs:edit": {"pk": "school_a"},
    "orgs:close": {"pk": "school_a"},
    "orgs:reopen": {"pk": "school_a"},
    "orgs:user_detail": {"pk": "teacher_user"},
    "orgs:user_set_active": {"pk": "teacher_user"},
    "orgs:user_resend": {"pk": "teacher_user"},
    "orgs:membership_remove": {"pk": "teacher_user", "membership_pk": "membership"},
    "orgs:import_run": {"pk": "import:organizations"},
    "orgs:import_status": {"pk": "import:organizations"},
    "orgs:import_commit": {"pk": "import:organizations"},
    "orgs:import_errors": {"pk": "import:organizations"},
    # reference
    "reference:grade_archive": {"pk": "grade"},
    "reference:grade_unarchive": {"pk": "grade"},
    "reference:academic_year_archive": {"pk": "academic_year"},
    "reference:academic_year_unarchive": {"pk": "academic_year"},
    "reference:academic_year_delete": {"pk": "academic_year"},
    "reference:item_list": {"catalogue": Lit("subjects")},
    "reference:item_export": {"catalogue": Lit("subjects")},
    "reference:item_create": {"catalogue": Lit("subjects")},
    "reference:item_edit": {"catalogue": Lit("subjects"), "pk": "subject"},
    "reference:item_archive": {"catalogue": Lit("subjects"), "pk": "subject"},
    "reference:item_unarchive": {"catalogue": Lit("subjects"), "pk": "subject"},
    "reference:item_delete": {"catalogue": Lit("subjects"), "pk": "subject"},
    # staff
    "staff:detail": {"pk": "educator"},
    "staff:edit": {"pk": "educator"},
    "staff:history": {"pk": "educator"},
    "staff:education_add": {"pk": "educator"},
    "staff:education_edit": {"pk": "educator", "record_pk": "education"},
    "staff:education_delete": {"pk": "educator", "record_pk": "education"},
    "staff:award_add": {"pk": "educator"},
    "staff:award_edit": {"pk": "educator", "record_pk": "award"},
    "staff:award_delete": {"pk": "educator", "record_pk": "award"},
    "staff:employment_add": {"pk": "educator"},
    "staff:employment_edit": {"pk": "educator", "employment_pk": "employment"},
    "staff:employment_end": {"pk": "educator", "employment_pk": "employment"},
    "staff:employment_transfer": {"pk": "educator", "employment_pk": "employment"},
    "staff:consent_add": {"pk": "educator"},
    "staff:consent_withdraw": {"pk": "educator", "consent_pk": "consent"},
    "staff:consent_document": {"pk": "educator", "consent_pk": "consent"},
    "staff:import_run": {"pk": "import:educators"},
    "staff:import_status": {"pk": "import:educators"},
    "staff:import_commit": {"pk": "import:educators"},
    "staff:import_errors": {"pk": "import:educators"},
    "staff:propose": {"pk": "educator", "section": Lit("contacts")},
    "staff:proposal_detail": {"proposal_pk": "proposal"},
    "staff:proposal_decide": {"proposal_pk": "proposal"},
    "staff:merge": {"keep_pk": "educator", "remove_pk": "colleague"},
    "staff:subject_export": {"pk": "educator"},
    "staff:erase": {"pk": "educator"},
    "staff:erasure_act": {"pk": "erasure_act"},
    # attestation
    "attestation:add": {"pk": "educator", "kind": Lit("category")},
    "attestation:edit": {"pk": "educator", "kind": Lit("category"), "record_pk": "category"},
    "attestation:delete": {"pk": "educator", "kind": Lit("category"), "record_pk": "category"},
    **{
        f"attestation:application{suffix}": {"pk": "application"}
        for suffix in (
            "",
            "_edit",
            "_submit",
            "_comment",
            "_return",
            "_forward",
            "_accept",
            "_decide",
            "_withdraw",
            "_cover_letter",
            "_file_add",
        )
    },
    "attestation:application_file": {"pk": "application", "file_pk": "application_file"},
    "attestation:application_file_remove": {"pk": "application", "file_pk": "application_file"},
    "attestation:schedule_edit": {"pk": "schedule_entry"},
    "attestation:schedule_delete": {"pk": "schedule_entry"},
    "attestation:import_run": {"pk": "import:categories"},
    "attestation:import_status": {"pk": "import:categories"},
    "attestation:import_commit": {"pk": "import:categories"},
    "attestation:import_errors": {"pk": "import:categories"},
    # mentorship
    "mentorship:detail": {"pk": "mentorship"},
    "mentorship:edit": {"pk": "mentorship"},
    "mentorship:finish": {"pk": "mentorship"},
    "mentorship:plan_item_add": {"pk": "mentorship"},
    "mentorship:plan_item_done": {"pk": "mentorship", "item_pk": "plan_item"},
    "mentorship:report_add": {"pk": "mentorship"},
    "mentorship:report_document": {"pk": "mentorship", "report_pk": "mentorship_report"},
    # training
    "training:provider_edit": {"pk": "provider"},
    "training:provider_deactivate": {"pk": "provider"},
    "training:provider_activate": {"pk": "provider"},
    "training:provider_delete": {"pk": "provider"},
    "training:programme_edit": {"pk": "programme"},
    "training:programme_deactivate": {"pk": "programme"},
    "training:programme_activate": {"pk": "programme"},
    "training:programme_delete": {"pk": "programme"},
    "training:topic_edit": {"pk": "topic"},
    "training:topic_move": {"pk": "topic", "direction": Lit("up")},
    "training:topic_delete": {"pk": "topic"},
    "training:record_add": {"educator_pk": "educator"},
    "training:record_edit": {"pk": "course"},
    "training:record_delete": {"pk": "course"},
    "training:record_confirm": {"pk": "course"},
    "training:record_reject": {"pk": "course"},
    "training:record_scan": {"pk": "course"},
    **{
        f"training:plan{suffix}": {"pk": "training_plan"}
        for suffix in (
            "",
            "_edit",
            "_delete",
            "_open",
            "_approve",
            "_approve_nominations",
            "_line_add",
            "_progress",
            "_export",
            "_progress_export",
            "_docx",
            "_report_docx",
        )
    },
    "training:plan_line_edit": {"pk": "plan_line"},
    "training:plan_line_delete": {"pk": "plan_line"},
    "training:plan_line_quotas": {"pk": "plan_line"},
    "training:plan_line_distribute": {"pk": "plan_line"},
    "training:plan_nominate": {"pk": "plan_line"},
    "training:plan_nomination_withdraw": {"pk": "nomination"},
    "training:plan_nomination_decide": {"pk": "nomination"},
    "training:import_run": {"pk": "import:courses"},
    "training:import_status": {"pk": "import:courses"},
    "training:import_commit": {"pk": "import:courses"},
    "training:import_errors": {"pk": "import:courses"},
    "training:pending_graduate": {"pk": "pending_graduate"},
    **{
        f"training:development_plan{suffix}": {"pk": "development_plan"}
        for suffix in ("", "_edit", "_delete", "_status")
    },
    "training:development_gap_add": {"pk": "development_plan"},
    "training:development_gap_delete": {"pk": "development_plan", "gap_pk": "development_gap"},
    "training:development_item_add": {"pk": "development_plan"},
    "training:development_item_edit": {"pk": "development_plan", "item_pk": "development_item"},
    "training:development_item_progress": {"pk": "development_plan", "item_pk": "development_item"},
    "training:development_item_delete": {"pk": "development_plan", "item_pk": "development_item"},
    # olympiads: setup
    "olympiads:olympiad_subject_edit": {"pk": "olympiad_subject"},
    "olympiads:season_detail": {"pk": "season"},
    "olympiads:season_copy": {"pk": "season"},
    "olympiads:season_stage_subjects_export": {"pk": "season"},
    "olympiads:stage_create": {"pk": "season"},
    "olympiads:stage_edit": {"pk": "stage"},
    "olympiads:stage_add_all_subjects": {"pk": "stage"},
    "olympiads:stage_subject_add": {"pk": "stage"},
    "olympiads:committee_add": {"pk": "stage"},
    "olympiads:committee_remove": {"pk": "committee_member"},
    "olympiads:stage_subject_detail": {"pk": "stage_subject"},
    "olympiads:stage_subject_edit": {"pk": "stage_subject"},
    "olympiads:stage_subject_delete": {"pk": "stage_subject"},
    "olympiads:stage_subject_grades": {"pk": "stage_subject"},
    "olympiads:stage_subject_member_add": {"pk": "stage_subject", "kind": Lit("jury")},
    "olympiads:stage_subject_member_chair": {"pk": "stage_subject", "kind": Lit("jury"), "educator": "juror"},
    "olympiads:stage_subject_member_remove": {
        "pk": "stage_subject",
        "kind": Lit("jury"),
        "educator": "juror",
    },
    # olympiads: students and registration
    "olympiads:student_edit": {"pk": "student"},
    "olympiads:student_delete": {"pk": "student"},
    "olympiads:student_consent": {"pk": "student"},
    "olympiads:student_consent_toggle": {"pk": "student"},
    "olympiads:student_consent_scan": {"pk": "student"},
    "olympiads:enrolment_edit": {"school_pk": "school_a"},
    "olympiads:student_import_run": {"pk": "import:olympiad_students"},
    "olympiads:student_import_status": {"pk": "import:olympiad_students"},
    "olympiads:student_import_commit": {"pk": "import:olympiad_students"},
    "olympiads:student_import_errors": {"pk": "import:olympiad_students"},
    "olympiads:registration_withdraw": {"pk": "participation"},
    "olympiads:registration_import_run": {"pk": "import:registration"},
    "olympiads:registration_import_status": {"pk": "import:registration"},
    "olympiads:registration_import_commit": {"pk": "import:registration"},
    "olympiads:registration_import_errors": {"pk": "import:registration"},
    # olympiads: scoring, ranking, publication
    "olympiads:jury_grid": {"pk": "stage_subject"},
    "olympiads:jury_work_save": {"pk": "stage_subject", "work_pk": "work"},
    "olympiads:jury_work_absent": {"pk": "stage_subject", "work_pk": "work"},
    "olympiads:jury_close": {"pk": "stage_subject"},
    "olympiads:scoring_office": {"pk": "stage_subject"},
    "olympiads:scoring_codes_issue": {"pk": "stage_subject"},
    "olympiads:scoring_code_sheet": {"pk": "stage_subject"},
    "olympiads:scoring_reopen": {"pk": "stage_subject"},
    "olympiads:scoring_codes_match": {"pk": "stage_subject"},
    "olympiads:scoring_protocol": {"pk": "stage_subject"},
    "olympiads:scoring_sirius_run": {"pk": "import:olympiad_sirius_results"},
    "olympiads:scoring_sirius_status": {"pk": "import:olympiad_sirius_results"},
    "olympiads:scoring_sirius_commit": {"pk": "import:olympiad_sirius_results"},
    "olympiads:scoring_sirius_errors": {"pk": "import:olympiad_sirius_results"},
    "olympiads:ranking_subject": {"pk": "stage_subject"},
    "olympiads:ranking_recompute": {"pk": "stage_subject"},
    "olympiads:ranking_participation": {"pk": "participation"},
    "olympiads:ranking_appeal_file": {"pk": "participation"},
    "olympiads:ranking_appeal_decide": {"pk": "appeal"},
    "olympiads:ranking_stage_appeals": {"pk": "stage"},
    "olympiads:public_results": {"pk": "stage_subject"},
    "olympiads:public_results#published": {"pk": "published_stage_subject"},
    "olympiads:public_results_latest": {"municipality_id": "municipality", "subject_id": "olympiad_subject"},
    "olympiads:public_results_latest#published": {
        "municipality_id": "municipality",
        "subject_id": "published_olympiad_subject",
    },
    "olympiads:certificate_check": {"token": Lit("markertoken0001")},
    "olympiads:publication_subject": {"pk": "stage_subject"},
    "olympiads:publication_publish": {"pk": "stage_subject"},
    "olympiads:publication_unpublish": {"pk": "stage_subject"},
    "olympiads:publication_diplomas_issue": {"pk": "stage_subject"},
    "olympiads:publication_diplomas_pdf": {"pk": "stage_subject"},
    "olympiads:publication_document": {"pk": "stage_subject", "name": Lit("winners.xlsx")},
    # library and news
    **{
        f"library:document{suffix}": {"pk": "document"}
        for suffix in ("", "_download", "_edit", "_upload", "_publish", "_unpublish", "_delete")
    },
    "library:document_version_download": {"pk": "document", "version": Lit(1)},
    "library:kind_edit": {"pk": "document_kind"},
    "library:kind_archive": {"pk": "document_kind"},
    "library:kind_delete": {"pk": "document_kind"},
    "library:digest_unsubscribe": {"token": Lit("no-such-subscription")},
    "library:news_detail": {"pk": "news"},
    "library:news_attachment": {"pk": "news", "attachment_pk": "news_attachment"},
    "library:news_edit": {"pk": "news"},
    "library:news_delete": {"pk": "news"},
    # surveys
    **{
        f"surveys:{name}": {"pk": "survey"}
        for name in (
            "edit",
            "builder",
            "preview",
            "copy",
            "publish",
            "unpublish",
            "delete",
            "section_create",
            "answer",
            "tracking",
            "tracking_export",
            "remind",
            "results",
            "results_charts",
            "results_export_raw",
            "results_export_summary",
            "results_docx",
            "gaps",
            "gaps_add",
        )
    },
    **{
        f"surveys:section_{action}": {"pk": "survey", "section_pk": "section"}
        for action in ("edit", "delete", "up", "down")
    },
    "surveys:question_create": {"pk": "survey", "section_pk": "section"},
    **{
        f"surveys:question_{action}": {"pk": "survey", "question_pk": "question"}
        for action in ("edit", "delete", "up", "down")
    },
    "surveys:answer_by_link": {"token": "survey_token"},
    "surveys:answer_file": {"pk": "survey", "code": "file_question"},
    "surveys:results_files": {"pk": "survey", "code": "file_question"},
    "surveys:results_file_download": {"pk": "survey", "answer_pk": "file_answer"},
    "olympiads:student_privacy": {"pk": "student"},
    "olympiads:student_privacy_export": {"pk": "student"},
    "surveys:results_texts": {"pk": "survey", "code": "question"},
    # core blocks
    "audit:detail": {"pk": "log_entry"},
    "jobs:detail": {"pk": "job"},
    "jobs:status": {"pk": "job"},
    "documents:download": {"pk": "issued_document"},
    "documents:template": {"code": Lit("orgs.summary")},
    "documents:template_revert": {"code": Lit("orgs.summary")},
    "documents:template_numbering": {"code": Lit("orgs.summary")},
    "documents:template_builtin": {"code": Lit("orgs.summary")},
    "documents:template_sample": {"code": Lit("orgs.summary"), "fmt": Lit("docx")},
    "documents:template_version": {"code": Lit("orgs.summary"), "pk": "template_version"},
    "documents:template_activate": {"code": Lit("orgs.summary"), "pk": "template_version"},
    "mail:detail": {"pk": "mail"},
}

# The walks of published results: every role may open them, and each must show the public exactly what
# the world says (names only with the parents' consent, and then only surname and initials).
PUBLISHED_PAGES = ("olympiads:public_results#published", "olympiads:public_results_latest#published")

# Keys of KWARGS values that are not a pk but another attribute of the world object.
_ATTRIBUTE = {"token": "token", "code": "code"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # the path pattern as written, e.g. "staff/<int:pk>/"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if pattern.startswith(SKIPPED_PREFIXES):
                continue
            assert entry.name, f"URL pattern {pattern!r} has no name: name it so the matrix can list it"
            yield Route(f"{namespace}:{entry.name}" if namespace else entry.name, pattern)


def project_routes() -> dict[str, Route]:
    return {route.name: route for route in _walk(get_resolver())}


def _kwarg(world: World, name: str, spec: str | Lit) -> str | int:
    if isinstance(spec, Lit):
        return spec.value
    obj = world.objects[spec]
    if name in _ATTRIBUTE:
        return str(getattr(obj, _ATTRIBUTE[name]))
    return int(obj.pk)


def url_of(world: World, name: str) -> str:
    """The address of a matrix line's URL (a variant's too) with the world's objects."""
    specs = KWARGS.get(name, {})
    return reverse(url_name_of(name), kwargs={key: _kwarg(world, key, spec) for key, spec in specs.items()})


def variants() -> list[str]:
    """The KWARGS keys `<URL name>#<variant>`: lines of the matrix besides one per URL name."""
    return [key for key in KWARGS if VARIANT_SEPARATOR in key]


def answer_class(response: Any) -> str:
    code = response.status_code
    if code in (301, 302):
        login = reverse(settings.LOGIN_URL)
        return "login" if response["Location"].startswith(login) else "302"
    return str(code)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One world for the whole walk, rolled back at the end so no other test sees it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_url_is_in_the_matrix() -> None:
    routes = project_routes()
    matrix = read_matrix()
    lines = set(routes) | set(variants())
    missing = sorted(lines - set(matrix))
    stale = sorted(set(matrix) - lines)
    assert not missing, (
        f"URL(s) not in {MATRIX_PATH.name}: {', '.join(missing)}. Decide who may open each: add a line "
        f"(url name, path, one answer per role, a comment), or run this module with "
        f"IMO_WRITE_PERMISSIONS_MATRIX=1 and review the new lines."
    )
    assert not stale, (
        f"{MATRIX_PATH.name} lists URL(s) that no longer exist: {', '.join(stale)}; remove them."
    )


def test_every_url_with_arguments_has_objects() -> None:
    routes = project_routes()
    without = [name for name, route in routes.items() if "<" in route.pattern and name not in KWARGS]
    assert not without, f"Add the URL arguments of {', '.join(without)} to KWARGS in this module."
    orphans = [key for key in variants() if url_name_of(key) not in routes]
    assert not orphans, f"KWARGS has variants of URLs that do not exist: {', '.join(orphans)}."
    assert set(PUBLISHED_PAGES) <= set(variants()), "every published results page is walked"


def _walked_routes() -> dict[str, Route]:
    """Matrix line key → its URL's route: every URL that can be opened, and the variants of KWARGS."""
    routes = project_routes()
    walked = {
        name: route
        for name, route in routes.items()
        if name in KWARGS
        or "<" not in route.pattern  # the others fail test_every_url_with_arguments_has_objects
    }
    walked.update({key: routes[url_name_of(key)] for key in variants() if url_name_of(key) in routes})
    return walked


# Answers seen so far in this process, per matrix line and role: with IMO_WRITE_PERMISSIONS_MATRIX the last
# role's test writes the file (run the module serially, `-n 0`, so one process sees every role).
_OBSERVED: dict[str, dict[str, str]] = {}


def _write_matrix_when_complete(routes: dict[str, Route]) -> None:
    if not os.environ.get("IMO_WRITE_PERMISSIONS_MATRIX"):
        return
    if any(len(_OBSERVED.get(name, {})) < len(ROLES) for name in routes):
        return
    old = read_matrix() if MATRIX_PATH.exists() else {}
    write_matrix(
        [
            MatrixLine(
                name=name,
                path="/" + route.pattern,
                answers=_OBSERVED[name],
                comment=old[name].comment if name in old else "",
            )
            # by path, a URL's variants right after its own line
            for name, route in sorted(routes.items(), key=lambda item: (item[1].pattern, item[0]))
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=[role.key for role in ROLES])
def test_matrix(world: World, role: Any) -> None:
    """One role's column: a test per role, so that parallel workers share the walk."""
    routes = _walked_routes()
    leaks: list[str] = []
    published: list[str] = []  # what the published results pages get wrong
    spent: dict[str, float] = {}  # seconds per URL, printed for whoever makes the walk faster
    client = Client(raise_request_exception=False)
    user = world.users[role.key]
    if user is not None:
        client.force_login(user)
    for name in routes:
        url = url_of(world, name)
        started = time.perf_counter()
        response = client.get(url)
        spent[name] = time.perf_counter() - started
        answer = answer_class(response)
        _OBSERVED.setdefault(name, {})[role.key] = answer
        streaming = getattr(response, "streaming", False)
        if (
            answer in DENIED
            and not streaming
            and MARKER in response.content.decode("utf-8", errors="replace")
        ):
            leaks.append(f"{name} ({url}) as {role.key}: {answer} page shows the object's data")
        if name in PUBLISHED_PAGES and answer == "200":
            published.extend(_published_page_problems(world, f"{name} ({url}) as {role.key}", response))
        if role.key == "school_admin_other" and answer == "200" and not streaming:
            body = response.content.decode("utf-8", errors="replace")
            shown = [marker for marker in SCHOOL_A_PRIVATE if marker in body]
            if shown and name not in KNOWN_OTHER_SCHOOL_LEAKS:
                leaks.append(f"{name} ({url}) shows school A's data to school B's admin: {', '.join(shown)}")
            if not shown and name in KNOWN_OTHER_SCHOOL_LEAKS:
                leaks.append(
                    f"{name} no longer shows school A's data: remove it from KNOWN_OTHER_SCHOOL_LEAKS"
                )
    _write_matrix_when_complete(routes)

    slowest = sorted(spent.items(), key=lambda item: -item[1])[:5]
    print(f"Slowest URLs for {role.key}:", ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest))

    expected = read_matrix()
    differences = [
        f"{name} as {role.key}: expected {expected[name].answers.get(role.key)}, "
        f"got {_OBSERVED[name][role.key]}"
        for name in routes
        if name in expected and expected[name].answers.get(role.key) != _OBSERVED[name][role.key]
    ]
    assert not leaks, "Pages that show data to a role that must not see it:\n" + "\n".join(leaks)
    assert not published, (
        "Published results must show surname and initials with consent, the code without, and nothing "
        "else of the participants:\n" + "\n".join(published)
    )
    assert not differences, (
        f"{len(differences)} answer(s) differ from {MATRIX_PATH.name}:\n"
        + "\n".join(differences)
        + "\nIf a change is deliberate, rewrite the matrix with IMO_WRITE_PERMISSIONS_MATRIX=1 (-n 0) "
        "and review the diff."
    )


def _published_page_problems(world: World, where: str, response: Any) -> list[str]:
    """What a published results page gets wrong: a participant the public must see missing (surname and
    initials, or the code), or data the public must not see shown (full names, names without consent,
    birth dates, the parents' statements, the works' codes)."""
    body = response.content.decode("utf-8", errors="replace")
    problems = [f"{where}: does not show {text!r}" for text in world.published_shown if text not in body]
    problems += [f"{where}: shows {text!r}" for text in world.published_hidden if text in body]
    return problems


def test_security_doc_roles_table_is_generated_from_the_matrix(capsys: Any) -> None:
    call_command("permissions_matrix", "--markdown")
    table = capsys.readouterr().out.strip()
    doc = (Path(settings.BASE_DIR) / "docs" / "security.md").read_text(encoding="utf-8")
    assert table in doc, (
        "docs/security.md's table «Роли и права» differs from `imo permissions_matrix --markdown`: "
        "paste the command's output into the section."
    )
