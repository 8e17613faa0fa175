"""News and announcements: who reads what (public, everyone, subject educators, school admins; other
municipalities; drafts and scheduled posts), the Atom feed of public posts only, attachments, the editors'
pages and their permissions, the home-page selector, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.core.navigation import menu_for
from imo.library.models import Audience, NewsAttachment, NewsKind, NewsPost
from imo.library.news import services
from imo.library.news.selectors import news_for_home
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_district, make_organization, make_user_with_role
from imo.reference.models import Subject
from imo.staff.tests.factories import make_educator

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EDITORS = ["head", "methodist", "secretary", "admin"]
NOT_EDITORS = ["observer", "school_admin_a", "teacher_a", "no_role"]


def pdf(name: str = "Положение.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def data(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Новость",
        "kind": NewsKind.NEWS,
        "body": "Текст **новости**.",
        "audience": Audience.PUBLIC,
        "subjects": [],
        "publish_at": timezone.now() - dt.timedelta(hours=1),
        "pinned": False,
        "is_draft": False,
    }
    values.update(changes)
    return values


@pytest.fixture
def world(db) -> dict[str, Any]:
    district = make_district()
    maths = Subject.objects.get_or_create(name="Математика")[0]
    physics = Subject.objects.get_or_create(name="Физика")[0]
    teacher = district.user("teacher_a")
    educator = make_educator(
        municipality=district.municipality, school=district.school_a, subjects=("Математика",)
    )
    educator.user = teacher
    educator.save(update_fields=["user"])
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Другой район", short_name="Другой"
    )
    other_school = make_organization(parent=other, name="МБОУ «СОШ другого района»")
    other_teacher = make_user_with_role(Role.TEACHER, other_school, username="other_teacher")
    head = district.user("head")

    def post(title: str, **changes: Any) -> NewsPost:
        return services.news_create(
            organization=district.municipality, data=data(title=title, **changes), by=head
        )

    posts = {
        "public": post("Открытая новость"),
        "everyone": post("Всем пользователям", audience=Audience.EVERYONE),
        "maths": post("Учителям математики", audience=Audience.SUBJECT_EDUCATORS, subjects=[maths]),
        "physics": post("Учителям физики", audience=Audience.SUBJECT_EDUCATORS, subjects=[physics]),
        "admins": post("Заместителям директоров", audience=Audience.SCHOOL_ADMINS),
        "draft": post("Проект приказа", is_draft=True),
        "scheduled": post("Запланированная", publish_at=timezone.now() + dt.timedelta(days=1)),
        "pinned": post("Закреплённая", pinned=True, publish_at=timezone.now() - dt.timedelta(days=5)),
    }
    return {"district": district, "posts": posts, "other_teacher": other_teacher, "maths": maths}


def titles(response: Any) -> set[str]:
    return {post.title for post in response.context["news"]}


def test_anonymous_sees_public_posts_only(client, world) -> None:
    response = client.get(reverse("library:news"))
    assert response.status_code == 200
    assert titles(response) == {"Открытая новость", "Закреплённая"}
    assert response.context["news"][0].title == "Закреплённая"  # pinned first
    hidden = world["posts"]["everyone"]
    assert client.get(reverse("library:news_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("library:news_detail", args=[world["posts"]["public"].pk])).status_code == 200


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("teacher_a", {"everyone", "maths"}),
        ("school_admin_a", {"everyone", "admins"}),
        ("observer", {"everyone", "maths", "physics", "admins"}),
        ("head", {"everyone", "maths", "physics", "admins"}),
    ],
)
def test_audiences(client, world, key: str, expected: set[str]) -> None:
    client.force_login(world["district"].user(key))
    posts = world["posts"]
    wanted = {posts[name].title for name in expected | {"public", "pinned"}}
    assert titles(client.get(reverse("library:news"))) == wanted


def test_other_municipality_teacher_sees_only_public(client, world) -> None:
    client.force_login(world["other_teacher"])
    assert titles(client.get(reverse("library:news"))) == {"Открытая новость", "Закреплённая"}
    post = world["posts"]["everyone"]
    assert client.get(reverse("library:news_detail", args=[post.pk])).status_code == 404


def test_drafts_and_scheduled_hidden_even_from_editors_list(client, world) -> None:
    client.force_login(world["district"].user("head"))
    shown = titles(client.get(reverse("library:news")))
    assert "Проект приказа" not in shown and "Запланированная" not in shown
    for key in ("draft", "scheduled"):
        assert client.get(reverse("library:news_detail", args=[world["posts"][key].pk])).status_code == 404
    # …but the editors' list holds them.
    response = client.get(reverse("library:news_manage"), {"state": "draft"})
    assert "Проект приказа" in response.content.decode()


def test_scheduled_post_appears_when_its_time_comes(client, world) -> None:
    post = world["posts"]["scheduled"]
    NewsPost.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(reverse("library:news_detail", args=[post.pk])).status_code == 200


def test_feed_holds_public_posts_only(client, world) -> None:
    response = client.get(reverse("library:news_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Открытая новость" in body and "Закреплённая" in body
    for hidden in ("Всем пользователям", "Учителям математики", "Заместителям директоров", "Проект приказа"):
        assert hidden not in body
    assert "Запланированная" not in body
    assert "<strong>" not in body and "&lt;strong&gt;" not in body  # summaries are plain text


def test_body_is_sanitised_on_save(world) -> None:
    post = services.news_update(
        post=world["posts"]["public"],
        data=data(body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"),
        by=world["district"].user("head"),
    )
    assert "<script" not in post.body_html and "<img" not in post.body_html
    assert (
        "javascript:" not in post.body_html.replace("&lt;", "").split("href")[0]
        or "href" not in post.body_html
    )


def test_subjects_required_for_subject_educators(world) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.news_create(
            organization=world["district"].municipality,
            data=data(audience=Audience.SUBJECT_EDUCATORS),
            by=world["district"].user("head"),
        )
    assert "Выберите предметы" in str(error.value)


def test_editor_cannot_post_for_another_office(world) -> None:
    from django.core.exceptions import ValidationError

    other = Organization.objects.get(short_name="Другой")
    with pytest.raises(ValidationError):
        services.news_create(organization=other, data=data(), by=world["district"].user("head"))


@pytest.mark.parametrize("key", EDITORS)
def test_editors_open_the_manage_pages(client, world, key: str) -> None:
    client.force_login(world["district"].user(key))
    assert client.get(reverse("library:news_manage")).status_code == 200
    assert client.get(reverse("library:news_create")).status_code == 200
    post = world["posts"]["draft"]
    assert client.get(reverse("library:news_edit", args=[post.pk])).status_code == 200


def test_editors_search_ignores_case_and_yo(client, world) -> None:
    client.force_login(world["district"].user("head"))
    response = client.get(reverse("library:news_manage"), {"q": "ЗАКРЕПЛЕННАЯ"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Закреплённая" in page
    assert "Открытая новость" not in page


@pytest.mark.parametrize("key", NOT_EDITORS)
def test_others_cannot_manage(client, world, key: str) -> None:
    client.force_login(world["district"].user(key))
    post = world["posts"]["public"]
    for url in (
        reverse("library:news_manage"),
        reverse("library:news_export"),
        reverse("library:news_create"),
        reverse("library:news_edit", args=[post.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("library:news_delete", args=[post.pk])).status_code == 403
    assert client.post(reverse("library:news_preview"), {"body": "x"}).status_code == 403
    assert NewsPost.objects.filter(pk=post.pk).exists()


def test_anonymous_is_sent_to_login_from_manage_pages(client, world) -> None:
    response = client.get(reverse("library:news_manage"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_editor_of_another_municipality_gets_404(client, world) -> None:
    other = Organization.objects.get(short_name="Другой")
    stranger = make_user_with_role(Role.METHODIST, other, username="stranger")
    client.force_login(stranger)
    post = world["posts"]["draft"]
    assert client.get(reverse("library:news_edit", args=[post.pk])).status_code == 404
    assert client.post(reverse("library:news_delete", args=[post.pk])).status_code == 404
    assert "Проект приказа" not in client.get(reverse("library:news_manage")).content.decode()


def test_create_through_the_page_with_attachment(client, world) -> None:
    head = world["district"].user("head")
    client.force_login(head)
    response = client.post(
        reverse("library:news_create"),
        {
            "organization": world["district"].municipality.pk,
            "title": "Олимпиада по математике",
            "kind": NewsKind.ANNOUNCEMENT,
            "body": "## Сроки\n\nДо **1 декабря**.",
            "audience": Audience.SUBJECT_EDUCATORS,
            "subjects": [world["maths"].pk],
            "publish_at": "2026-01-10T09:00",
            "attachments": [pdf()],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    post = NewsPost.objects.get(title="Олимпиада по математике")
    assert post.author == head and post.kind == NewsKind.ANNOUNCEMENT
    assert "<h3>Сроки</h3>" in post.body_html
    assert list(post.subjects.all()) == [world["maths"]]
    attachment = post.attachments.get()
    assert attachment.original_name == "Положение.pdf" and attachment.kind == "pdf"
    assert "Положение" not in attachment.file.name  # stored under a generated name


def _form(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "organization": world["district"].municipality.pk,
        "title": "Для учителей",
        "kind": NewsKind.NEWS,
        "body": "Текст",
        "audience": Audience.PUBLIC,
        "publish_at": "2026-01-10T09:00",
    }
    values.update(changes)
    return values


def test_form_requires_subjects_for_subject_educators(client, world) -> None:
    client.force_login(world["district"].user("head"))
    response = client.post(reverse("library:news_create"), _form(world, audience=Audience.SUBJECT_EDUCATORS))
    assert response.status_code == 200
    assert "Выберите предметы" in " ".join(response.context["form"].errors["subjects"])
    assert not NewsPost.objects.filter(title="Для учителей").exists()


def test_form_refuses_html_disguised_as_pdf(client, world) -> None:
    client.force_login(world["district"].user("head"))
    fake = SimpleUploadedFile("отчёт.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = client.post(reverse("library:news_create"), _form(world, attachments=[fake]))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["attachments"])
    assert errors.startswith("отчёт.pdf:")
    assert not NewsPost.objects.filter(title="Для учителей").exists()
    assert not NewsAttachment.objects.exists()


def test_attachment_download_follows_the_post(client, world) -> None:
    head = world["district"].user("head")
    public = services.news_update(
        post=world["posts"]["public"], data=data(title="Открытая новость"), attachments=[pdf()], by=head
    )
    hidden = services.news_update(
        post=world["posts"]["everyone"],
        data=data(title="Всем пользователям", audience=Audience.EVERYONE),
        attachments=[pdf("Приказ.pdf")],
        by=head,
    )
    public_file = public.attachments.get()
    hidden_file = hidden.attachments.get()
    response = client.get(reverse("library:news_attachment", args=[public.pk, public_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(reverse("library:news_attachment", args=[hidden.pk, hidden_file.pk])).status_code == 404
    # An attachment through another post's address is not found either.
    assert client.get(reverse("library:news_attachment", args=[public.pk, hidden_file.pk])).status_code == 404
    client.force_login(world["district"].user("teacher_a"))
    assert client.get(reverse("library:news_attachment", args=[hidden.pk, hidden_file.pk])).status_code == 200


def test_edit_removes_attachment_and_delete_removes_post(
    client, world, django_capture_on_commit_callbacks
) -> None:
    head = world["district"].user("head")
    post = services.news_update(
        post=world["posts"]["public"], data=data(title="Открытая новость"), attachments=[pdf()], by=head
    )
    attachment = post.attachments.get()
    storage = NewsAttachment._meta.get_field("file").storage
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.news_update(
            post=post, data=data(title="Открытая новость"), remove_attachments=[attachment.pk], by=head
        )
    assert not post.attachments.exists() and not storage.exists(name)
    client.force_login(head)
    response = client.post(reverse("library:news_delete", args=[post.pk]))
    assert response.status_code == 302
    assert not NewsPost.objects.filter(pk=post.pk).exists()
    assert client.get(reverse("library:news_delete", args=[world["posts"]["draft"].pk])).status_code == 405


def test_preview_renders_sanitised_markdown(client, world) -> None:
    client.force_login(world["district"].user("methodist"))
    response = client.post(reverse("library:news_preview"), {"body": "**жирный** <script>x</script>"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>жирный</strong>" in content and "<script>" not in content


def test_export_holds_filtered_rows(client, world) -> None:
    client.force_login(world["district"].user("head"))
    response = client.get(reverse("library:news_export"), {"state": "published"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    exported = {row[0] for row in rows[1:]}
    assert "Открытая новость" in exported and "Учителям физики" in exported
    assert "Проект приказа" not in exported and "Запланированная" not in exported


def test_news_for_home(world) -> None:
    teacher = world["district"].user("teacher_a")
    news = news_for_home(teacher, limit=3)
    assert len(news) == 3
    assert news[0].title == "Закреплённая"
    assert {post.title for post in news_for_home(teacher, limit=10)} == {
        "Закреплённая",
        "Открытая новость",
        "Всем пользователям",
        "Учителям математики",
    }


def test_navigation_for_editors_only(world) -> None:
    def labels(user: Any) -> set[str]:
        return {item.label for group in menu_for(user) for item in group.links}

    assert "Новости и объявления" in labels(world["district"].user("head"))
    assert "Новости и объявления" not in labels(world["district"].user("teacher_a"))


def test_query_counts_do_not_grow(client, world) -> None:
    head = world["district"].user("head")
    for n in range(30):
        services.news_create(
            organization=world["district"].municipality,
            data=data(title=f"Ещё {n}"),
            attachments=[pdf()] if n % 3 == 0 else [],
            by=head,
        )
    client.force_login(head)
    for url in (reverse("library:news"), reverse("library:news_manage")):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= 15, (url, [q["sql"] for q in queries])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("library:news_feed"))
    assert len(queries) <= 5
