"""Full-text search: Russian word forms, ranking, filters, snippets and bad input.

Every assertion here holds on SQLite and on PostgreSQL alike (run the module with DATABASE_URL set
to a PostgreSQL database too): the index stores the same stems on both."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from imo.core import pagecache
from imo.library.models import Access, Document, DocumentFile, DocumentKind
from imo.library.search.index import clear, index_documents, rebuild_all, remove_documents
from imo.library.search.query import MAX_WORDS, search_page
from imo.library.search.stemming import stems
from imo.library.selectors import documents_visible_to
from imo.library.tests.search_fixtures import make_document

pytestmark = pytest.mark.django_db


def search(text: str, documents=None, **kwargs):
    return search_page(
        documents=documents if documents is not None else Document.objects.all(), text=text, **kwargs
    )


def titles(page) -> list[str]:
    return [hit.document.title for hit in page.hits]


# (the form in the document, the form typed in the query)
WORD_FORMS = [
    ("Подготовка школьников к олимпиадам", "олимпиада"),
    ("Методическое объединение учителей", "учитель"),
    ("Журнал учёта рабочего времени", "учет"),
    ("Порядок учета посещаемости", "учёт"),
    ("Перечень новых изданий", "издание"),
    ("Внеурочная деятельность в школах района", "школа"),
    ("Аттестация педагогов", "педагог"),
    ("Работа с обучающимися", "обучающиеся"),
    ("Положение об аттестации", "аттестация"),
    ("Программа наставничества", "наставничество"),
    ("Работа над рабочими программами", "программа"),
    ("Обеспеченность учебниками", "учебник"),
    ("Занятия для детей", "дети"),
    ("Школа проводит семинар", "проводить"),
    ("Проведённые мероприятия", "проведенный"),
    ("К рекомендациям приложено", "рекомендации"),
    ("Подготовка к ЕГЭ", "егэ"),
    ("Задачи по математике", "МАТЕМАТИКА"),
    ("Формирование функциональной грамотности", "функциональная грамотность"),
    ("Развитие цифровой образовательной среды", "цифровая образовательная среда"),
    ("Итоги конкурсов", "конкурс"),
    ("Учителя организовали встречу", "организовать"),
]


@pytest.mark.parametrize(("text", "query"), WORD_FORMS)
def test_a_word_form_finds_the_document(text, query):
    wanted = make_document("Документ", body=f"В документе: {text}. Конец.")
    make_document("Посторонний документ", body="Расписание звонков и график дежурств.")

    page = search(query)

    assert [hit.document for hit in page.hits] == [wanted]
    assert "<mark>" in page.hits[0].snippet


def test_stems_agree_with_postgresql_russian_configuration():
    if connection.vendor != "postgresql":
        pytest.skip("the reference stemmer is PostgreSQL's")
    words = [w for pair in WORD_FORMS for w in " ".join(pair).split()]
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute("SELECT to_tsvector('russian', %s)::text", [word])
            lexemes = sorted(part.split(":")[0].strip("'") for part in cursor.fetchone()[0].split())
            assert lexemes == sorted(set(stems(word))), word


def test_every_query_word_must_match():
    both = make_document("Олимпиада по математике")
    make_document("Олимпиада по физике")
    make_document("Методика преподавания математики")

    assert titles(search("олимпиада математика")) == [both.title]


def test_title_above_meta_above_body_then_newest():
    body_only = make_document("Отчёт", body="Итоги муниципального этапа олимпиады.", days_ago=1)
    tagged = make_document("Методичка", tags=("олимпиады",), days_ago=2)
    in_annotation = make_document("Сборник", annotation="Задания прошлых олимпиад.", days_ago=3)
    in_title = make_document("Олимпиада школьников", body="Положение.", days_ago=400)

    page = search("олимпиадой")

    assert page.hits[0].document == in_title
    assert {hit.document for hit in page.hits[1:3]} == {tagged, in_annotation}
    assert page.hits[3].document == body_only
    assert [hit.in_title for hit in page.hits] == [True, False, False, False]


def test_a_word_in_the_title_lifts_a_document_above_text_only_matches():
    partly = make_document("Олимпиада", body="Задачи по физике.", days_ago=300)
    text_only = make_document("Отчёт", body="Олимпиада по физике прошла.", days_ago=1)

    assert [h.document for h in search("олимпиада физика").hits] == [partly, text_only]


def test_the_same_top_results_for_a_small_corpus():
    """A corpus whose top results the tiers decide: asserted identically on both databases."""
    make_document(
        "Методические рекомендации по подготовке к ОГЭ по математике",
        annotation="Рекомендации учителям математики.",
        body="Подготовка к ОГЭ: задачи, критерии оценивания, типичные ошибки учащихся.",
    )
    make_document(
        "Функциональная грамотность на уроках математики",
        tags=("функциональная грамотность",),
        body="Задачи на функциональную грамотность для 5–9 классов.",
    )
    make_document(
        "Положение о муниципальном этапе всероссийской олимпиады школьников",
        annotation="Порядок проведения олимпиады.",
        body="Олимпиада проводится по 24 предметам. Участники — обучающиеся 7–11 классов.",
    )
    make_document(
        "План работы методического объединения учителей русского языка",
        body="Подготовка к ОГЭ и ЕГЭ по русскому языку. Олимпиада по русскому языку.",
    )
    make_document(
        "Приказ об утверждении графика олимпиад",
        body="Утвердить график проведения школьного этапа олимпиады по математике.",
    )
    make_document("Наставничество в школе", annotation="Программа наставничества молодых учителей.")

    # Both have the word in the title: the relevance formulas (ts_rank_cd, bm25) may order them
    # differently, the tier puts both above the rest on either database.
    assert set(titles(search("олимпиада"))[:2]) == {
        "Приказ об утверждении графика олимпиад",
        "Положение о муниципальном этапе всероссийской олимпиады школьников",
    }
    assert titles(search("олимпиада"))[2] == "План работы методического объединения учителей русского языка"
    assert (
        titles(search("ОГЭ математика"))[0] == "Методические рекомендации по подготовке к ОГЭ по математике"
    )
    assert titles(search("функциональной грамотности")) == ["Функциональная грамотность на уроках математики"]
    assert titles(search("учителей"))[0] == "План работы методического объединения учителей русского языка"
    assert titles(search("олимпиада математика")) == ["Приказ об утверждении графика олимпиад"]


def test_within_a_tier_more_occurrences_rank_higher():
    """Relevance decides inside a tier; where it is clear both databases agree."""
    once = make_document("Отчёт один", body="Семинар прошёл. Обсудили планы и итоги года.", days_ago=1)
    often = make_document(
        "Отчёт два", body="Семинар, семинары, семинару: семинар прошёл. Обсудили итоги.", days_ago=50
    )

    assert [h.document for h in search("семинар").hits] == [often, once]


def test_filters_and_scope_of_the_caller_apply():
    acts = DocumentKind.objects.filter(is_act=True).order_by("pk")[0]
    other = DocumentKind.objects.exclude(pk=acts.pk).order_by("pk")[0]
    act = make_document("Приказ об олимпиаде", kind=acts)
    make_document("Олимпиада: задания", kind=other)
    make_document("Олимпиада: черновик", kind=acts, published=False)
    make_document("Олимпиада: только ИМО", kind=acts, access=Access.OFFICE)

    visible = documents_visible_to(AnonymousUser())

    assert titles(search("олимпиада", visible.filter(kind=acts))) == [act.title]
    assert search("олимпиада", visible).total == 2
    assert search("олимпиада").total == 4  # drafts and office-only ones are indexed too
    assert search("олимпиада", Document.objects.none()).total == 0


def test_snippet_is_escaped_around_the_matches():
    filler = "Общие положения документа. " * 20
    make_document(
        "Документ",
        body=filler + "Учёт <script>alert(1)</script> посещаемости учителей & учеников. " + filler,
    )

    snippet = str(search("учителя учет").hits[0].snippet)

    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>Учёт</mark>" in snippet
    assert "<mark>учителей</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 400


def test_snippet_prefers_the_source_with_more_query_words():
    make_document(
        "Документ", annotation="Сборник задач олимпиады по физике.", body="Задачи по физике для 7 класса."
    )

    snippet = str(search("олимпиада физика").hits[0].snippet)

    assert snippet == "Сборник задач <mark>олимпиады</mark> по <mark>физике</mark>."


def test_paging_is_clamped_and_counted():
    for n in range(25):
        make_document(f"Олимпиада {n}")

    page = search("олимпиада", page=3, per_page=10)
    assert (page.total, page.pages, page.page, len(page.hits)) == (25, 3, 3, 5)
    assert search("олимпиада", page=99, per_page=10).page == 3
    assert search("олимпиада", page=0, per_page=10).page == 1


def test_a_page_costs_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(30):
        make_document(f"Олимпиада {n}", body=f"Текст олимпиады номер {n}.", tags=("олимпиады",))

    # The page's ids with the count, its documents, their texts; on PostgreSQL the ids come from the
    # shared ranking and the reader's visible documents (two queries, each kept for later readers).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 3):
        page = search("олимпиада", per_page=20)
    assert len(page.hits) == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the shared ranking is PostgreSQL's")
def test_readers_share_the_ranking_but_see_only_their_documents(django_assert_num_queries):
    public = [make_document(f"Олимпиада {n}", access=Access.PUBLIC) for n in range(3)]
    hidden = make_document("Олимпиада для своих", access=Access.OFFICE)
    pagecache.forget_own_writes()  # as a request after the writes' transaction would
    search("олимпиада")  # the first reader ranks every match once

    with django_assert_num_queries(2):  # ranking kept; documents and texts
        everything = search("олимпиада")
    with django_assert_num_queries(3):  # ranking kept; this reader's documents, documents and texts
        visitor = search("олимпиада", documents=documents_visible_to(AnonymousUser()))

    assert hidden.pk in {hit.document.pk for hit in everything.hits}
    assert {hit.document.pk for hit in visitor.hits} == {document.pk for document in public}
    assert visitor.total == 3 and everything.total == 4


@pytest.mark.parametrize(
    "text",
    ["!!! ??? ...", "   ", "«»—–…", "", "* : ( ) \" ' ^ -"],
)
def test_punctuation_only_is_no_query(text):
    make_document("Олимпиада")

    page = search(text)

    assert page.hits == [] and page.total == 0
    assert "нет слов" in page.message


def test_stop_words_only_is_explained():
    make_document("Олимпиада и конкурс")

    page = search("и в на для")

    assert page.total == 0 and "служебных слов" in page.message


@pytest.mark.parametrize(
    "text",
    [
        'олимпиада" OR "конкурс',
        "олимпиада AND NOT NEAR(конкурс",
        "олимпиада* {title}: ^олимпиада",
        "олимпиада & ! | <-> 'конкурс':A",
        "олимпиада\\ 'x''",
    ],
)
def test_query_syntax_is_never_interpreted(text):
    make_document("Олимпиада и конкурс", body="Олимпиада. Конкурс.")

    page = search(text)

    assert page.message == ""
    assert "олимпиада" in page.terms


def test_a_long_query_searches_its_beginning_and_says_so():
    make_document("Олимпиада по математике")

    too_long = search("олимпиада математика " + "слово " * 60)
    too_many = search("олимпиада " + " ".join(f"слово{n}" for n in range(MAX_WORDS + 5)))
    long_tail = search("олимпиада математика " + "а" * 300)

    assert "200 символам" in too_long.message
    assert f"первым {MAX_WORDS}" in too_many.message
    assert too_long.total == 0  # «слово» is not in the document: every word must match
    assert len(too_many.terms) <= MAX_WORDS
    assert long_tail.total == 1 and "200 символам" in long_tail.message


def test_index_follows_the_current_version_and_removal():
    document = make_document("Документ", body="Старый текст про олимпиады.")
    assert search("олимпиада").total == 1

    DocumentFile.objects.filter(document=document).update(is_current=False)
    DocumentFile.objects.create(
        document=document, version=2, file="library/test/v2.docx", original_name="v2.docx", kind="docx",
        size=1, sha256="1" * 64, text="Новый текст про наставничество.", text_status="ok",
    )  # fmt: skip
    assert index_documents([document.pk]) == 1
    assert search("олимпиада").total == 0
    assert search("наставничество").total == 1

    remove_documents([document.pk])
    assert search("наставничество").total == 0


def test_rebuild_all_and_clear():
    make_document("Олимпиада", index=False)
    make_document("Олимпиада и конкурс", index=False)
    assert search("олимпиада").total == 0

    assert rebuild_all(batch=1) == 2
    assert search("олимпиада").total == 2

    clear()
    assert search("олимпиада").total == 0


def test_deleted_document_leaves_no_index_row():
    document = make_document("Олимпиада")
    pk = document.pk
    document.delete()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM library_document_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0
    assert search("олимпиада").total == 0


def test_flush_clears_the_fts_table():
    from django.apps import apps

    from imo.library.search.setup import _clear_stale_fts

    make_document("Олимпиада")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_documentfile")
        cursor.execute("DELETE FROM library_document_tags")
        cursor.execute("DELETE FROM library_document")
    _clear_stale_fts(apps.get_app_config("library"), using="default")

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM library_document_fts")
            assert cursor.fetchone()[0] == 0
