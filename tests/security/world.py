"""The one world the permissions matrix walks: a district from `make_district()` and one object of every
kind a URL names, all belonging to school A (or to the office, where an object has no school).

Every object that has a name or a title carries a marker (`MARKER` + what it is), so a denied answer can be
searched for the object's data: no denied page may contain `MARKER`.

The olympiad has two subjects at its school stage: mathematics, not published (its public results answer 404),
and Russian, taken through the office's steps to published results, so the walk sees the public's page too
(`World.published_shown` / `World.published_hidden`: what that page must and must not show).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.core.files.base import ContentFile

from imo.attestation.models import Application, ApplicationFile, QualificationCategory, ScheduleEntry
from imo.core.documents.models import IssuedDocument, TemplateVersion
from imo.core.imports.models import ImportRun
from imo.core.jobs.models import Job
from imo.core.mail.models import MailMessage
from imo.library.models import Document, DocumentFile, DocumentKind, NewsAttachment, NewsPost
from imo.mentorship.models import Mentorship, MentorshipPlanItem, MentorshipReport
from imo.olympiads.models import (
    Appeal,
    Certificate,
    CommitteeMember,
    GradeSetting,
    JuryMember,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
    Work,
)
from imo.orgs.models import Membership, Role
from imo.orgs.tests.factories import District, make_district, make_user_with_role
from imo.reference.models import AcademicYear, Grade, Subject
from imo.staff.models import Award, ChangeProposal, Consent, EducationRecord, ErasureAct
from imo.staff.tests.factories import make_educator
from imo.surveys.models import RespondentToken
from imo.surveys.tests.factories import make_response, make_survey, questions_of, sample_values
from imo.training.models import (
    CourseRecord,
    DevelopmentGap,
    DevelopmentItem,
    Nomination,
    PendingGraduate,
    PlanLine,
    Programme,
    Provider,
    Topic,
    TrainingPlan,
)

MARKER = "Маркер-Секрет"
FILE_CONTENT = b"%PDF-1.4\n% " + MARKER.encode() + b"\n%%EOF\n"


@dataclass
class World:
    district: District
    users: dict[str, Any]  # role column of the matrix → user (None for the anonymous visitor)
    objects: dict[str, Any] = field(default_factory=dict)
    # The published results' page (olympiads.md 14, personal-data.md 2): what every visitor must see on it
    # (surname and initials with the parents' consent, the public code without) and what nobody may.
    published_shown: tuple[str, ...] = ()
    published_hidden: tuple[str, ...] = ()

    def pk(self, key: str) -> int:
        return int(self.objects[key].pk)


def _year() -> AcademicYear:
    year, _ = AcademicYear.objects.get_or_create(
        start_year=2026, defaults={"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2027, 8, 31)}
    )
    return year


def _import_run(kind: str, by: Any) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind,
        file=f"imports/{MARKER}-{kind}.xlsx",
        original_name=f"{MARKER}-загрузка-{kind}.xlsx",
        status=ImportRun.Status.READY,
        created_by=by,
        report={"errors": [], "rows": 0},
    )


def build_world() -> World:
    district = make_district()
    school_a, municipality = district.school_a, district.municipality
    u = district.users
    o: dict[str, Any] = {}

    # People of school A: the teacher's own record, a colleague, and a jury member (a teacher on a jury).
    teacher = make_educator(
        municipality=municipality,
        school=school_a,
        last_name="Маркер-Секрет-Учитель",
        subjects=("Математика",),
    )
    teacher.user = u["teacher_a"]
    teacher.save(update_fields=["user"])
    colleague = make_educator(municipality=municipality, school=school_a, last_name="Маркер-Секрет-Коллега")
    jury_user = make_user_with_role(Role.TEACHER, school_a, username="jury_a")
    juror = make_educator(municipality=municipality, school=school_a, last_name="Маркер-Секрет-Жюри")
    juror.user = jury_user
    juror.save(update_fields=["user"])
    o.update(educator=teacher, colleague=colleague, juror=juror, school_a=school_a, municipality=municipality)
    o["teacher_user"] = u["teacher_a"]
    o["membership"] = Membership.objects.get(user=u["teacher_a"])

    o["education"] = EducationRecord.objects.create(
        educator=teacher, level="higher", institution=f"{MARKER}-вуз"
    )
    o["award"] = Award.objects.create(educator=teacher, kind="regional", title=f"{MARKER}-награда")
    o["employment"] = teacher.employments.first()
    o["consent"] = Consent.objects.create(educator=teacher, given_on=dt.date(2025, 9, 1))
    o["proposal"] = ChangeProposal.objects.create(
        educator=teacher, section="contacts", action="change", data={"phone": f"{MARKER}-телефон"}
    )
    o["erasure_act"] = ErasureAct.objects.create(
        number="1",
        made_on=dt.date(2026, 1, 10),
        reason="withdrawn",
        subject=f"{MARKER}-стёртый",
        municipality=municipality,
        made_by=u["head"],
    )

    # Reference data.
    o["subject"] = Subject.objects.get_or_create(name="Математика")[0]
    o["grade"] = Grade.objects.get_or_create(number=5)[0]
    year = _year()
    o["academic_year"] = AcademicYear.objects.create(
        start_year=2031, starts_on=dt.date(2031, 9, 1), ends_on=dt.date(2032, 8, 31)
    )

    # Attestation.
    o["category"] = QualificationCategory.objects.create(
        educator=teacher, kind="first", awarded_on=dt.date(2022, 3, 1), valid_until=dt.date(2027, 3, 1)
    )
    o["application"] = Application.objects.create(
        educator=teacher,
        kind="first",
        organization=school_a,
        started_by=u["teacher_a"],
        note=f"{MARKER}-заявление",
    )
    o["application_file"] = ApplicationFile.objects.create(
        application=o["application"], title=f"{MARKER}-файл-заявления", file="attestation/x.pdf"
    )
    o["schedule_entry"] = ScheduleEntry.objects.create(
        academic_year=year,
        educator=teacher,
        organization=school_a,
        kind="first",
        planned_month=dt.date(2027, 3, 1),
    )

    # Mentorship.
    o["mentorship"] = Mentorship.objects.create(
        mentor=colleague, mentee=teacher, organization=school_a, starts_on=dt.date(2026, 9, 1)
    )
    o["plan_item"] = MentorshipPlanItem.objects.create(
        mentorship=o["mentorship"], title=f"{MARKER}-пункт-плана", due_on=dt.date(2026, 12, 1)
    )
    o["mentorship_report"] = MentorshipReport.objects.create(
        mentorship=o["mentorship"],
        author_role="mentor",
        reported_on=dt.date(2026, 10, 1),
        text=f"{MARKER}-отчёт",
        document="mentorship/x.pdf",
    )

    # Training.
    o["provider"] = Provider.objects.create(name=f"{MARKER}-организатор", kind="state")
    o["topic"] = Topic.objects.create(name=f"{MARKER}-тема")
    o["programme"] = Programme.objects.create(title=f"{MARKER}-программа", provider=o["provider"], hours=36)
    o["course"] = CourseRecord.objects.create(
        educator=teacher,
        title=f"{MARKER}-курс",
        provider_kind="state",
        hours=36,
        starts_on=dt.date(2025, 10, 1),
        ends_on=dt.date(2025, 10, 20),
        scan="training/x.pdf",
    )
    o["training_plan"] = TrainingPlan.objects.create(municipality=municipality, academic_year=year)
    o["plan_line"] = PlanLine.objects.create(plan=o["training_plan"], programme=o["programme"])
    o["nomination"] = Nomination.objects.create(line=o["plan_line"], educator=teacher, school=school_a)
    o["pending_graduate"] = PendingGraduate.objects.create(
        municipality=municipality, row_number=2, full_name=f"{MARKER}-выпускник", reason="unmatched"
    )
    from imo.training.models import DevelopmentPlan

    o["development_plan"] = DevelopmentPlan.objects.create(
        educator=teacher, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2029, 8, 31)
    )
    o["development_gap"] = DevelopmentGap.objects.create(plan=o["development_plan"], text=f"{MARKER}-дефицит")
    o["development_item"] = DevelopmentItem.objects.create(
        plan=o["development_plan"], kind="course", title=f"{MARKER}-мероприятие", due_on=dt.date(2027, 5, 1)
    )

    # Olympiads: a school stage with mathematics, its results not published; the jury member of the matrix
    # sits on its jury. Russian, published, joins the stage below (`_published_results`).
    o["season"] = Season.objects.create(municipality=municipality, academic_year=year)
    o["stage"] = Stage.objects.create(
        season=o["season"],
        level=Stage.Level.SCHOOL,
        starts_on=dt.date(2026, 9, 20),
        ends_on=dt.date(2026, 10, 25),
    )
    math = OlympiadSubject.objects.get(name="Математика")
    o["olympiad_subject"] = math
    stage_subject = StageSubject.objects.create(
        stage=o["stage"], subject=math, min_grade=7, max_grade=8, held_on=dt.date(2026, 10, 1)
    )
    o["stage_subject"] = stage_subject
    GradeSetting.objects.create(
        stage_subject=stage_subject, grade=7, max_score=Decimal(30), task_max=[10, 20]
    )
    JuryMember.objects.create(stage_subject=stage_subject, educator=juror, is_chair=True)
    o["committee_member"] = CommitteeMember.objects.create(stage=o["stage"], educator=juror)
    o["student"] = Student.objects.create(
        academic_year=year,
        school=school_a,
        last_name="Маркер-Секрет-Ученик",
        first_name="Зарема",
        grade=7,
        name_key="маркер-секрет-ученик зарема",
        person_key="маркер-секрет-ученик зарема|",
    )
    o["work"] = Work.objects.create(stage_subject=stage_subject, code="МА-7-0001", grade=7, score=Decimal(12))
    o["participation"] = Participation.objects.create(
        stage_subject=stage_subject, student=o["student"], grade=7, work=o["work"], score=Decimal(12)
    )
    o["appeal"] = Appeal.objects.create(participation=o["participation"], filed_on=dt.date(2026, 10, 3))
    o["certificate"] = Certificate.objects.create(
        participation=o["participation"],
        number="МАРКЕР-1",
        token="markertoken0001",
        status="winner",
        issued_on=dt.date(2026, 10, 30),
    )

    published_shown, published_hidden = _published_results(o, district, jury_user)

    # Library and news: a document and a news post of the office, neither published.
    o["document_kind"] = DocumentKind.objects.create(name=f"{MARKER}-вид")
    o["document"] = Document.objects.create(
        organization=municipality, title=f"{MARKER}-документ", kind=o["document_kind"]
    )
    o["document_file"] = DocumentFile.objects.create(
        document=o["document"],
        version=1,
        file="library/x.docx",
        original_name=f"{MARKER}.docx",
        kind="docx",
        size=1,
        sha256="0" * 64,
    )
    o["news"] = NewsPost.objects.create(organization=municipality, title=f"{MARKER}-новость", body="текст")
    o["news_attachment"] = NewsAttachment.objects.create(
        post=o["news"], file="news/x.pdf", original_name=f"{MARKER}.pdf", kind="pdf", size=1
    )

    # Surveys: an office survey for educators with a token for the teacher.
    survey = make_survey(organization=municipality, title=f"{MARKER}-анкета", created_by=u["methodist"])
    o["survey"] = survey
    version = survey.versions.first()
    o["section"] = version.sections.first()
    text_questions = [q for q in questions_of(survey).values() if q.kind in ("text", "long_text")]
    o["question"] = text_questions[0] if text_questions else next(iter(questions_of(survey).values()))
    o["survey_token"] = RespondentToken.objects.create(survey=survey, educator=teacher)
    response = make_response(
        survey=survey,
        educator=teacher,
        values=sample_values(long=f"{MARKER}-ответ", file="surveys/x.pdf"),
        token=o["survey_token"],
    )
    o["file_question"] = questions_of(survey)["file"]
    o["file_answer"] = response.answers.get(question__code="file")

    # Core blocks: jobs, import runs (each the importer's own), issued documents, templates, mail, audit.
    o["job"] = Job.objects.create(
        kind="demo",
        title=f"{MARKER}-задача",
        function="imo.core.jobs.demo.run",
        created_by=u["school_admin_a"],
    )
    office_imports = ("organizations", "categories", "courses", "olympiad_sirius_results")
    from imo.olympiads.registration.importing import KIND as REGISTRATION_KIND

    kinds = (
        "organizations",
        "educators",
        "categories",
        "courses",
        "olympiad_students",
        "olympiad_sirius_results",
    )
    for kind in kinds:
        o[f"import:{kind}"] = _import_run(
            kind, u["methodist"] if kind in office_imports else u["school_admin_a"]
        )
    o["import:registration"] = _import_run(REGISTRATION_KIND, u["school_admin_a"])
    o["issued_document"] = IssuedDocument.objects.create(
        kind="orgs.summary",
        title=f"{MARKER}-справка",
        number="1",
        year=2026,
        sequence=1,
        issued_on=dt.date(2026, 10, 1),
        format="docx",
        file="documents/x.docx",
        file_name=f"{MARKER}.docx",
        size=1,
        organization_id=school_a.pk,
        issued_by=u["school_admin_a"],
    )
    o["template_version"] = TemplateVersion.objects.create(
        code="orgs.summary", file="templates/x.docx", original_name=f"{MARKER}.docx", size=1, sha256="0" * 64
    )
    o["mail"] = MailMessage.objects.create(
        status="sent", subject=f"{MARKER}-письмо", body="текст", to="teacher@example.org"
    )
    o["log_entry"] = LogEntry.objects.filter(object_repr__contains=MARKER).order_by("pk").first()

    # Files on disk for every object that has one, so downloads answer as they do in use (not 500 for a
    # missing file). Their content carries the marker too.
    for key, field_name, name in (
        ("application_file", "file", "заявление.pdf"),
        ("mentorship_report", "document", "отчёт.pdf"),
        ("course", "scan", "скан.pdf"),
        ("document_file", "file", "документ.docx"),
        ("news_attachment", "file", "вложение.pdf"),
        ("file_answer", "file", "план.pdf"),
        ("issued_document", "file", "справка.docx"),
        ("template_version", "file", "шаблон.docx"),
    ):
        getattr(o[key], field_name).save(name, ContentFile(FILE_CONTENT), save=True)

    users: dict[str, Any] = {
        "anonymous": None,
        "teacher": u["teacher_a"],
        "school_admin_own": u["school_admin_a"],
        "school_admin_other": u["school_admin_b"],
        "methodist": u["methodist"],
        "secretary": u["secretary"],
        "observer": u["observer"],
        "head": u["head"],
        "admin": u["admin"],
        "jury": jury_user,
    }
    return World(
        district=district,
        users=users,
        objects=o,
        published_shown=published_shown,
        published_hidden=published_hidden,
    )


def _published_results(
    o: dict[str, Any], district: District, jury_user: Any
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Russian at the school stage, published the way the office does it, each step by its service: the
    subject, its grid and jury; two students of school A with their parents' statements (one allows
    publication, one refuses) and the matrix's student, who has no statement; registration, codes, the
    jury's scores and closing, matching, ranking, publishing. Returns (shown, hidden) for the public page."""
    from imo.olympiads.publication.services import results_publish
    from imo.olympiads.ranking.services import rank_stage_subject
    from imo.olympiads.registration.services import participation_register
    from imo.olympiads.scoring.services import codes_issue, codes_match, scoring_close, work_score
    from imo.olympiads.setup.services import GradeRow, grade_settings_save, jury_set, stage_subject_save
    from imo.olympiads.students.services import consent_save, student_create

    office, school_a = district.users["methodist"], district.school_a
    stage, year = o["stage"], o["stage"].season.academic_year
    russian = OlympiadSubject.objects.get(name="Русский язык")
    stage_subject = stage_subject_save(
        stage=stage, subject=russian, min_grade=7, max_grade=8, held_on=dt.date(2026, 10, 2), by=office
    )
    grade_settings_save(
        stage_subject=stage_subject, rows=[GradeRow(grade=7, task_max=[Decimal(10), Decimal(20)])], by=office
    )
    jury_set(stage_subject=stage_subject, members=[(o["juror"], True)], by=office)

    allowed = student_create(
        academic_year=year,
        school=school_a,
        last_name=f"{MARKER}-Публичная",
        first_name="Ясмина",
        patronymic="Руслановна",
        birth_date=dt.date(2013, 3, 14),
        grade=7,
        by=district.users["school_admin_a"],
    )
    refused = student_create(
        academic_year=year,
        school=school_a,
        last_name="Маркер-Секрет-Ученик-Отказ",
        first_name="Тамила",
        patronymic="Ахмедовна",
        birth_date=dt.date(2012, 11, 5),
        grade=7,
        by=district.users["school_admin_a"],
    )
    for student, publication_allowed, parent in ((allowed, True, "Мать"), (refused, False, "Отец")):
        consent_save(
            student=student,
            signed_on=dt.date(2026, 9, 10),
            rules_accepted=True,
            publication_allowed=publication_allowed,
            parent_name=f"{MARKER}-{parent}",
            by=district.users["school_admin_a"],
        )
    scores = {allowed: [9, 16], refused: [8, 10], o["student"]: [3, 6]}
    for student in scores:
        participation_register(
            stage_subject=stage_subject,
            student=student,
            grade=7,
            teachers=(),
            by=district.users["school_admin_a"],
        )
    codes_issue(stage_subject=stage_subject, by=office)
    participations = Participation.objects.filter(stage_subject=stage_subject)
    works = dict(participations.values_list("student_id", "work_id"))
    for student, tasks in scores.items():
        work_score(work=Work.objects.get(pk=works[student.pk]), task_scores=tasks, by=jury_user)
    scoring_close(stage_subject=stage_subject, by=jury_user)
    codes_match(stage_subject=stage_subject, by=office)
    rank_stage_subject(stage_subject=stage_subject, by=office)
    results_publish(stage_subject=stage_subject, by=office)
    o["published_stage_subject"] = stage_subject
    o["published_olympiad_subject"] = russian

    codes = dict(participations.values_list("student_id", "public_code"))
    assert all(codes.values()), "every ranked participant of published results has a public code"
    shown = (f"{MARKER}-Публичная Я. Р.", codes[refused.pk], codes[o["student"].pk], school_a.short_name)
    hidden = (
        # Full first names and patronymics: never public, even with consent.
        "Ясмина",
        "Руслановна",
        # Without consent (refused, or no statement at all): no part of the name.
        "Маркер-Секрет-Ученик",
        "Тамила",
        "Ахмедовна",
        o["student"].first_name,
        # Birth dates, in the forms pages write them.
        "14.03.2013",
        "2013-03-14",
        "05.11.2012",
        "2012-11-05",
        # The parents' statements.
        f"{MARKER}-Мать",
        f"{MARKER}-Отец",
        # The works' codes: they keep the jury blind (a code beside a name tells whose work it was).
        *Work.objects.filter(stage_subject=stage_subject).values_list("code", flat=True),
    )
    return shown, hidden
