"""The weekly digest: what it holds (subjects, access, period), one letter a week, the unsubscribe link,
and who may open its pages."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.core.mail.models import MailMessage
from imo.core.navigation import menu_for
from imo.library.digest import services
from imo.library.models import (
    Access,
    Audience,
    DigestSubscription,
    Document,
    DocumentKind,
    LibrarySettings,
    NewsKind,
    NewsPost,
)
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_district, make_organization, make_user_with_role
from imo.reference.models import Subject

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def district(db):
    return make_district()


@pytest.fixture
def subjects(db) -> dict[str, Subject]:
    return {
        "math": Subject.objects.create(name="Математика (дайджест)"),
        "physics": Subject.objects.create(name="Физика (дайджест)"),
    }


def kind(name_start: str) -> DocumentKind:
    found = DocumentKind.objects.filter(name__startswith=name_start).first()
    assert found is not None
    return found


def make_document(
    district: Any,
    title: str,
    *,
    subjects: list[Subject] = (),  # type: ignore[assignment]
    access: str = Access.EDUCATORS,
    published: dt.datetime | None = NOW - dt.timedelta(days=2),
    kind_name: str = "Методический",
    organization: Organization | None = None,
) -> Document:
    document = Document.objects.create(
        organization=organization or district.municipality,
        title=title,
        kind=kind(kind_name),
        access=access,
        is_published=published is not None,
        published_at=published,
    )
    document.subjects.set(subjects)
    return document


def make_post(district: Any, title: str, **fields: Any) -> NewsPost:
    values = {
        "organization": district.municipality,
        "kind": NewsKind.NEWS,
        "body": title,
        "body_html": f"<p>{title}</p>",
        "audience": Audience.EVERYONE,
        "publish_at": NOW - dt.timedelta(days=1),
        **fields,
    }
    return NewsPost.objects.create(title=title, **values)


def titles(section: services.Section) -> set[str]:
    return {item.title for item in section.items}


def compose(user: Any, **kwargs: Any) -> services.Digest | None:
    return services.digest_compose(user=user, since=NOW - dt.timedelta(days=7), until=NOW, **kwargs)


# --- composition ------------------------------------------------------------------------------------


def test_digest_chooses_by_subjects_and_keeps_documents_without_subject(district, subjects):
    teacher = district.user("teacher_a")
    make_document(district, "Задачи по математике", subjects=[subjects["math"]])
    make_document(district, "Лабораторные по физике", subjects=[subjects["physics"]])
    make_document(district, "Памятка для всех", subjects=[])
    make_document(district, "Межпредметный проект", subjects=[subjects["math"], subjects["physics"]])
    services.subscription_save(user=teacher, subjects=[subjects["math"]], active=True)

    digest = compose(teacher)

    assert digest is not None
    assert titles(digest.documents) == {"Задачи по математике", "Памятка для всех", "Межпредметный проект"}
    everything = compose(teacher, subject_ids=[])
    assert everything is not None and "Лабораторные по физике" in titles(everything.documents)


def test_new_publications_are_a_section_of_their_own(district):
    teacher = district.user("teacher_a")
    make_document(district, "Учебник геометрии, 7–9 классы", kind_name="Новое издание")
    make_document(district, "Методичка по чтению")

    digest = compose(teacher)

    assert digest is not None
    assert titles(digest.publications) == {"Учебник геометрии, 7–9 классы"}
    assert titles(digest.documents) == {"Методичка по чтению"}


def test_school_admin_never_gets_an_office_only_document_or_a_draft(district):
    zam = district.user("school_admin_a")
    make_document(district, "Служебная записка ИМО", access=Access.OFFICE)
    make_document(district, "Черновик положения", published=None)
    make_document(district, "Положение об олимпиаде")

    digest = compose(zam)
    assert digest is not None
    assert titles(digest.documents) == {"Положение об олимпиаде"}
    head_digest = compose(district.user("head"))
    assert head_digest is not None
    assert "Служебная записка ИМО" in titles(head_digest.documents)
    assert "Черновик положения" not in titles(head_digest.documents)  # drafts are never news


def test_another_municipality_documents_stay_out(district):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Другой район", short_name="Другой"
    )
    make_document(district, "Документ соседей", organization=other)
    assert compose(district.user("teacher_a")) is None


def test_period_bounds_and_empty_digest(district):
    teacher = district.user("teacher_a")
    make_document(district, "Старый документ", published=NOW - dt.timedelta(days=8))
    make_document(district, "Завтрашний документ", published=NOW + dt.timedelta(hours=1))
    assert compose(teacher) is None


def test_news_and_announcements_follow_the_audience(district):
    make_post(district, "Совещание заместителей", kind=NewsKind.ANNOUNCEMENT, audience=Audience.SCHOOL_ADMINS)
    make_post(district, "Итоги конкурса", audience=Audience.PUBLIC)
    make_post(district, "Черновик новости", is_draft=True)
    make_post(district, "Старая новость", publish_at=NOW - dt.timedelta(days=30))

    zam = compose(district.user("school_admin_a"))
    teacher = compose(district.user("teacher_a"))

    assert zam is not None and teacher is not None
    assert titles(zam.announcements) == {"Совещание заместителей"}
    assert titles(zam.news) == {"Итоги конкурса"}
    assert titles(teacher.announcements) == set()
    assert titles(teacher.news) == {"Итоги конкурса"}


def test_long_sections_are_cut_and_counted(district):
    for number in range(services.SECTION_LIMIT + 3):
        make_document(district, f"Документ № {number}")
    digest = compose(district.user("teacher_a"))
    assert digest is not None
    assert len(digest.documents.items) == services.SECTION_LIMIT
    assert digest.documents.total == services.SECTION_LIMIT + 3
    assert digest.documents.more == 3


# --- sending ----------------------------------------------------------------------------------------


def test_one_letter_a_week(district, subjects):
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[], active=True)
    make_document(district, "Рекомендации по ОГЭ")

    assert services.digests_send(now=NOW, base_url="https://imo.example.ru") == 1
    letter = MailMessage.objects.get()
    assert letter.to == teacher.email
    assert letter.key == f"library-digest:{teacher.pk}:2026-03-02"
    assert "Рекомендации по ОГЭ" in letter.body
    assert "https://imo.example.ru/library/digest/unsubscribe/" in letter.body
    assert "23.02.2026 по 02.03.2026" in letter.subject
    subscription = DigestSubscription.objects.get(user=teacher)
    assert subscription.last_sent_at == NOW

    make_document(district, "Новое после рассылки", published=NOW + dt.timedelta(hours=2))
    assert services.digests_send(now=NOW + dt.timedelta(hours=3)) == 0  # same day, the chore again
    assert services.digests_send(now=NOW + dt.timedelta(days=3)) == 0  # mid-week
    assert services.digests_send(now=NOW + dt.timedelta(days=7)) == 1  # next week: only the new one
    second = MailMessage.objects.order_by("-pk").first()
    assert second is not None
    assert "Новое после рассылки" in second.body and "Рекомендации по ОГЭ" not in second.body


def test_no_letter_without_news_inactive_or_without_email(district):
    teacher = district.user("teacher_a")
    zam = district.user("school_admin_a")
    head = district.user("head")
    services.subscription_save(user=teacher, subjects=[], active=True)
    services.subscription_save(user=zam, subjects=[], active=False)
    services.subscription_save(user=head, subjects=[], active=True)
    head.email = ""
    head.save(update_fields=["email"])

    assert services.digests_send(now=NOW) == 0  # nothing published
    assert DigestSubscription.objects.get(user=teacher).last_sent_at == NOW  # the period still moves on
    make_document(district, "Новый документ", published=NOW + dt.timedelta(days=1))
    assert services.digests_send(now=NOW + dt.timedelta(days=7)) == 1
    assert MailMessage.objects.get().to == teacher.email


def test_chore_sends_only_on_the_office_weekday(district):
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[], active=True)
    make_document(district, "Документ недели")
    settings = LibrarySettings.current()
    settings.digest_weekday = 3  # Thursday
    settings.save()

    assert services.digest_chore(now=NOW) == 0  # Monday
    assert not MailMessage.objects.exists()
    thursday = NOW + dt.timedelta(days=3)
    assert services.digest_chore(now=thursday) == 1
    assert services.digest_chore(now=thursday + dt.timedelta(hours=1)) == 0


# --- unsubscribe link -------------------------------------------------------------------------------


def test_unsubscribe_link_asks_on_get_and_unsubscribes_on_post(client, district):
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[], active=True)
    url = reverse("library:digest_unsubscribe", args=[services.unsubscribe_token(teacher)])

    page = client.get(url)
    assert page.status_code == 200
    assert "Отписаться от дайджеста" in page.content.decode()
    assert DigestSubscription.objects.get(user=teacher).is_active  # a mail scanner's GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert "Вы отписались" in done.content.decode()
    assert not DigestSubscription.objects.get(user=teacher).is_active


def test_mail_clients_one_click_unsubscribe(district, settings):
    """RFC 8058: the letter names the address in List-Unsubscribe, and the client's own button POSTs
    `List-Unsubscribe=One-Click` there with no session and no CSRF token — that unsubscribes."""
    from django.core import mail
    from django.test import Client

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[], active=True)
    make_document(district, "Рекомендации по ОГЭ")
    assert services.digests_send(now=NOW, base_url="https://imo.example.ru") == 1

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = headers["List-Unsubscribe"].strip("<>")
    assert address.startswith("https://imo.example.ru/library/digest/unsubscribe/")
    client = Client(enforce_csrf_checks=True)
    answer = client.post(address.removeprefix("https://imo.example.ru"), {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert not DigestSubscription.objects.get(user=teacher).is_active


@pytest.mark.parametrize("token", ["garbage", "MQ:1abc:xyz", "%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0"])
def test_bad_unsubscribe_token_gets_a_russian_message(client, district, token):
    response = client.post(reverse("library:digest_unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "Ссылка для отписки неверна" in response.content.decode()


def test_token_of_another_purpose_is_refused(district):
    from django.core import signing

    assert services.user_id_from_token(signing.dumps(district.user("teacher_a").pk)) is None
    assert services.user_id_from_token(services.unsubscribe_token(district.user("teacher_a"))) == (
        district.user("teacher_a").pk
    )


# --- pages ------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_no_role_is_refused(client, district):
    assert client.get(reverse("library:digest")).status_code == 302
    client.force_login(district.user("no_role"))
    assert client.get(reverse("library:digest")).status_code == 403


@pytest.mark.parametrize("key", ["teacher_a", "school_admin_a", "methodist", "observer"])
def test_subscribers_of_every_reading_role_open_the_page(client, district, key):
    client.force_login(district.user(key))
    response = client.get(reverse("library:digest"))
    assert response.status_code == 200
    assert "Дайджест новых материалов" in response.content.decode()


def test_subscribe_choose_subjects_and_unsubscribe(client, district, subjects):
    teacher = district.user("teacher_a")
    make_document(district, "Задачи по математике", subjects=[subjects["math"]])
    make_document(
        district,
        "Вчерашний документ",
        subjects=[subjects["math"]],
        published=timezone.now() - dt.timedelta(days=1),
    )
    client.force_login(teacher)
    url = reverse("library:digest")

    response = client.post(url, {"subjects": [subjects["math"].pk]}, follow=True)
    assert "Вы подписались на дайджест" in response.content.decode()
    subscription = DigestSubscription.objects.get(user=teacher)
    assert subscription.is_active
    assert list(subscription.subjects.all()) == [subjects["math"]]
    page = client.get(url).content.decode()
    assert "Вчерашний документ" in page  # the preview of the next digest
    assert "Подписка действует" in page

    response = client.post(url, {"action": "unsubscribe"}, follow=True)
    assert "Вы отписались" in response.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert list(subscription.subjects.all()) == [subjects["math"]]  # kept for a later return


def test_subscribers_list_for_the_office_only(client, district, subjects):
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[subjects["physics"]], active=True)
    other = make_organization(
        parent=district.region,
        kind=Organization.Kind.MUNICIPALITY,
        name="Соседний район",
        short_name="Соседний",
    )
    stranger = make_user_with_role(Role.TEACHER, make_organization(parent=other), last_name="Чужой")
    services.subscription_save(user=stranger, subjects=[], active=True)

    client.force_login(teacher)
    assert client.get(reverse("library:digest_subscribers")).status_code == 403
    assert client.get(reverse("library:digest_subscribers_export")).status_code == 403

    client.force_login(district.user("head"))
    page = client.get(reverse("library:digest_subscribers")).content.decode()
    assert teacher.email in page
    assert "Физика (дайджест)" in page
    assert stranger.email not in page
    export = client.get(reverse("library:digest_subscribers_export"))
    assert export.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Подписчик", "Электронная почта", "Предметы", "Подписка"]
    assert any(teacher.email in row for row in rows[1:])


def test_subscribers_page_queries_do_not_grow(client, district, subjects, django_assert_max_num_queries):
    for number in range(15):
        user = make_user_with_role(Role.TEACHER, district.school_b, username=f"t{number}")
        services.subscription_save(user=user, subjects=list(subjects.values()), active=True)
    client.force_login(district.user("head"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("library:digest_subscribers")).status_code == 200


def test_menu_shows_the_digest_to_educators_only(district):
    labels = {link.label for group in menu_for(district.user("teacher_a")) for link in group.links}
    assert "Дайджест новых материалов" in labels
    labels = {link.label for group in menu_for(district.user("no_role")) for link in group.links}
    assert "Дайджест новых материалов" not in labels


def test_a_cut_off_link_is_refused_without_unsubscribing(client, district):
    teacher = district.user("teacher_a")
    services.subscription_save(user=teacher, subjects=[], active=True)
    token = services.unsubscribe_token(teacher)
    url = reverse("library:digest_unsubscribe", args=[token[:-4]])
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert DigestSubscription.objects.get(user=teacher).is_active
