"""Demo surveys (issue #9): the demo district's questionnaires with their answers.

District: «Профессиональные потребности и затруднения педагогов» (named, the district's educators, open
now) answered by ~70 % of them — difficulties depend on the experience band and the subjects taught
(early-career educators name more gaps, digital tools trouble the long-serving more than the informatics
teachers, exams weigh on the teachers of exam subjects), some free-text answers, a dozen drafts;
«Оснащённость ИКТ и цифровая образовательная среда школы» (a monitoring, open now) answered by most schools
with numbers plausible for rural schools; «Удовлетворённость районным мероприятием» (anonymous) answered by
~40 %; last year's «Методическая работа школы…» (closed) and one unpublished draft. The questions come from
the ready templates (`imo.surveys.templates_data`) when they exist, else from the fallback lists below
with the same titles; the answers are generated from the questions themselves (kind, options, gap
indicators, skip logic), so either source works.

Region scale adds the region office's anonymous survey with 25,000 responses × 30 questions (the results
page's and the raw export's benchmark).

Tokens and responses go in with bulk_create, answers as plain rows (executemany; COPY on PostgreSQL). The
same rng state and `today` give the same data, except the tokens' secrets (always random: they are
personal links). Answers are written straight to the tables, not through the answering services: seeding
is not answering (no per-row validation, no mail).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from imo.core.text import fold
from imo.orgs.models import Membership, Organization, Role
from imo.staff.experience import EXPERIENCE_BANDS, add_years, band_of, full_years
from imo.staff.models import Employment
from imo.staff.selectors import active_on
from imo.surveys.models import (
    Answer,
    AudienceKind,
    Mode,
    Question,
    QuestionKind,
    RespondentToken,
    Response,
    ResponseStatus,
    Section,
    Survey,
    SurveyVersion,
)
from imo.surveys.tallies import tallies_rebuild

BATCH = 5000
RESPONSE_CHUNK = 1000  # responses generated (and their answers saved) at a time: bounded memory

NEEDS_TITLE = "Профессиональные потребности и затруднения педагогов"
ICT_TITLE = "Оснащённость ИКТ и цифровая образовательная среда школы"
METHODICAL_TITLE = "Методическая работа школы за учебный год"
SATISFACTION_TITLE = "Удовлетворённость районным мероприятием"
DRAFT_TITLE = "Читательская грамотность: потребности педагогов в методической поддержке"
REGION_TITLE = "Региональный мониторинг профессиональных потребностей педагогов"

NEEDS_ANSWERED = 0.7
NEEDS_DRAFTS = 12
ICT_ANSWERED = 0.85
SATISFACTION_ANSWERED = 0.4
CLOSED_ANSWERED = 0.9
REGION_RESPONSES = 25_000
REGION_QUESTIONS = 30

# Chance of a gap answer by experience band (early career names more), before the topic's adjustments.
GAP_BY_BAND = {"0-3": 0.55, "3-5": 0.4, "5-10": 0.3, "10-15": 0.24, "15-20": 0.22, "20+": 0.27}
EXAM_SUBJECTS = frozenset({"Математика", "Алгебра", "Русский язык", "Обществознание", "Биология", "Химия"})


@dataclass(frozen=True)
class DemoSurveys:
    needs_id: int
    ict_id: int
    satisfaction_id: int
    closed_id: int
    draft_id: int
    region_id: int | None
    tokens: int
    responses: int  # submitted
    drafts: int
    answers: int


@dataclass(frozen=True, slots=True)
class _Respondent:
    educator_id: int | None
    school_id: int | None
    band: str  # experience band key; "" for schools
    subjects: frozenset[str]
    position: str


# --- fallback questions (used when the ready templates are not there) ------------------------------
# A question: Question fields + "section" (index into the titles) + "show_if" (an earlier code).

_SCALE_GAP = {"kind": QuestionKind.SCALE, "required": True, "is_gap_indicator": True, "gap_values": [1, 2]}


def _confidence(code: str, text: str, topic: str) -> dict[str, Any]:
    return {**_SCALE_GAP, "section": 1, "code": code, "text": text, "gap_topic": topic}


FALLBACK: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
    NEEDS_TITLE: (
        [
            "О вашей работе",
            "Насколько уверенно вы себя чувствуете (1 — неуверенно, 5 — уверенно)",
            "Развитие",
        ],
        [
            {
                "section": 0,
                "code": "load",
                "kind": QuestionKind.SINGLE,
                "text": "Как вы оцениваете свою учебную нагрузку?",
                "required": True,
                "options": ["Оптимальная", "Высокая, но справляюсь", "Чрезмерная"],
            },
            {
                "section": 0,
                "code": "difficulties",
                "kind": QuestionKind.MULTIPLE,
                "text": "С какими затруднениями вы сталкиваетесь чаще всего?",
                "options": [
                    "Составление рабочих программ",
                    "Дисциплина на уроке",
                    "Работа с документацией",
                    "Мотивация обучающихся",
                    "Использование цифровых ресурсов",
                ],
                "allow_other": True,
                "is_gap_indicator": True,
                "gap_values": [0, 1, 3],
                "gap_topic": "Методика преподавания и мотивация обучающихся",
            },
            _confidence(
                "fgos",
                "Работа по обновлённым ФГОС и федеральным рабочим программам",
                "Реализация обновлённых ФГОС и ФРП",
            ),
            _confidence(
                "literacy",
                "Формирование функциональной грамотности обучающихся",
                "Формирование функциональной грамотности",
            ),
            _confidence(
                "digital",
                "Использование цифровых ресурсов и ФГИС «Моя школа»",
                "Цифровые образовательные ресурсы",
            ),
            _confidence(
                "inclusive",
                "Обучение детей с ОВЗ, инклюзивное образование",
                "Инклюзивное образование, обучение детей с ОВЗ",
            ),
            _confidence("exams", "Подготовка обучающихся к ОГЭ и ЕГЭ", "Подготовка обучающихся к ГИА"),
            _confidence("classroom", "Управление классом, дисциплина", "Управление классом"),
            _confidence("parents", "Взаимодействие с родителями", "Взаимодействие с родителями обучающихся"),
            _confidence(
                "gifted", "Работа с одарёнными детьми, подготовка к олимпиадам", "Работа с одарёнными детьми"
            ),
            {
                "section": 2,
                "code": "mentor",
                "kind": QuestionKind.SINGLE,
                "text": "Нужна ли вам помощь наставника?",
                "required": True,
                "options": ["Да", "Нет", "Затрудняюсь ответить"],
                "is_gap_indicator": True,
                "gap_values": [0],
                "gap_topic": "Наставническое сопровождение",
            },
            {
                "section": 2,
                "code": "mentor_topic",
                "kind": QuestionKind.SHORT_TEXT,
                "text": "В чём прежде всего нужна помощь наставника?",
                "show_if": "mentor",
                "show_if_values": [0],
            },
            {
                "section": 2,
                "code": "forms",
                "kind": QuestionKind.MULTIPLE,
                "text": "Какие формы повышения квалификации вам удобны?",
                "required": True,
                "options": [
                    "Очные курсы",
                    "Дистанционные курсы",
                    "Вебинары",
                    "Методические объединения",
                    "Стажировки",
                ],
                "allow_other": True,
            },
            {
                "section": 2,
                "code": "hours",
                "kind": QuestionKind.NUMBER,
                "text": "Сколько часов в месяц вы готовы уделять профессиональному развитию?",
                "number_min": Decimal(0),
                "number_max": Decimal(40),
            },
            {
                "section": 2,
                "code": "last_course",
                "kind": QuestionKind.DATE,
                "text": "Когда вы в последний раз окончили курсы повышения квалификации?",
            },
            {
                "section": 2,
                "code": "tools",
                "kind": QuestionKind.GRID,
                "text": "Как часто вы используете на уроках (1 — никогда, 5 — на каждом уроке)",
                "grid_rows": [
                    "Интерактивная доска или панель",
                    "ФГИС «Моя школа»",
                    "Сферум",
                    "Онлайн-тренажёры",
                ],
            },
            {
                "section": 2,
                "code": "problems",
                "kind": QuestionKind.LONG_TEXT,
                "text": "Опишите затруднения, с которыми вы сталкиваетесь",
            },
            {
                "section": 2,
                "code": "proposals",
                "kind": QuestionKind.LONG_TEXT,
                "text": "Ваши предложения районному методическому кабинету",
            },
        ],
    ),
    ICT_TITLE: (
        ["Оборудование", "Цифровая среда"],
        [
            {
                "section": 0,
                "code": "students",
                "kind": QuestionKind.NUMBER,
                "text": "Число обучающихся",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(3000),
            },
            {
                "section": 0,
                "code": "computers",
                "kind": QuestionKind.NUMBER,
                "text": "Количество компьютеров и ноутбуков, используемых в учебном процессе",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(1000),
            },
            {
                "section": 0,
                "code": "boards",
                "kind": QuestionKind.NUMBER,
                "text": "Количество интерактивных досок и панелей",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(200),
            },
            {
                "section": 0,
                "code": "speed",
                "kind": QuestionKind.NUMBER,
                "text": "Скорость подключения к интернету, Мбит/с",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(1000),
            },
            {
                "section": 0,
                "code": "condition",
                "kind": QuestionKind.GRID,
                "text": "Оцените состояние оборудования (1 — неудовлетворительное, 5 — отличное)",
                "grid_rows": ["Компьютерный класс", "Проекторы", "Принтеры и МФУ", "Локальная сеть и Wi-Fi"],
            },
            {
                "section": 0,
                "code": "updated",
                "kind": QuestionKind.DATE,
                "text": "Дата последнего обновления компьютерного парка",
            },
            {
                "section": 1,
                "code": "wifi",
                "kind": QuestionKind.SINGLE,
                "text": "Есть ли Wi-Fi в учебных кабинетах?",
                "required": True,
                "options": ["Во всех", "В части кабинетов", "Нет"],
            },
            {
                "section": 1,
                "code": "platforms",
                "kind": QuestionKind.MULTIPLE,
                "text": "Какие цифровые платформы используются в школе?",
                "options": ["ФГИС «Моя школа»", "Сферум", "Электронный журнал", "Учи.ру", "ЯКласс"],
                "allow_other": True,
            },
            {
                "section": 1,
                "code": "passport",
                "kind": QuestionKind.FILE,
                "text": "Паспорт цифровой образовательной среды школы (при наличии)",
            },
            {
                "section": 1,
                "code": "needs",
                "kind": QuestionKind.LONG_TEXT,
                "text": "Основные проблемы и потребности в оснащении",
            },
        ],
    ),
    METHODICAL_TITLE: (
        ["Итоги года"],
        [
            {
                "section": 0,
                "code": "associations",
                "kind": QuestionKind.NUMBER,
                "text": "Количество школьных методических объединений",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(30),
            },
            {
                "section": 0,
                "code": "open_lessons",
                "kind": QuestionKind.NUMBER,
                "text": "Проведено открытых уроков",
                "required": True,
                "number_min": Decimal(0),
                "number_max": Decimal(300),
            },
            {
                "section": 0,
                "code": "seminars",
                "kind": QuestionKind.NUMBER,
                "text": "Проведено семинаров и мастер-классов на базе школы",
                "number_min": Decimal(0),
                "number_max": Decimal(100),
            },
            {
                "section": 0,
                "code": "forms",
                "kind": QuestionKind.MULTIPLE,
                "text": "Какие формы методической работы применялись?",
                "required": True,
                "options": [
                    "Педагогические советы",
                    "Методические дни",
                    "Взаимопосещение уроков",
                    "Наставничество",
                    "Проектные группы",
                ],
            },
            {
                "section": 0,
                "code": "rating",
                "kind": QuestionKind.SCALE,
                "text": "Оцените результативность методической работы",
                "required": True,
                "scale_min": 1,
                "scale_max": 10,
            },
            {
                "section": 0,
                "code": "results",
                "kind": QuestionKind.LONG_TEXT,
                "text": "Основные результаты методической работы за год",
            },
        ],
    ),
    SATISFACTION_TITLE: (
        ["Ваши впечатления"],
        [
            {
                "section": 0,
                "code": "event",
                "kind": QuestionKind.SINGLE,
                "text": "Какое мероприятие вы посетили?",
                "required": True,
                "options": [
                    "Августовская педагогическая конференция",
                    "Районный методический день",
                    "Семинар для молодых педагогов",
                ],
            },
            {
                "section": 0,
                "code": "overall",
                "kind": QuestionKind.SCALE,
                "text": "Общая оценка мероприятия",
                "required": True,
                "scale_min": 1,
                "scale_max": 10,
            },
            {
                "section": 0,
                "code": "aspects",
                "kind": QuestionKind.GRID,
                "text": "Оцените (1 — плохо, 5 — отлично)",
                "grid_rows": ["Содержание", "Организация", "Польза для практики", "Выступающие"],
            },
            {
                "section": 0,
                "code": "useful",
                "kind": QuestionKind.SINGLE,
                "text": "Применимы ли полученные материалы в вашей работе?",
                "options": ["Да", "Частично", "Нет"],
            },
            {"section": 0, "code": "liked", "kind": QuestionKind.LONG_TEXT, "text": "Что вам понравилось?"},
            {"section": 0, "code": "improve", "kind": QuestionKind.LONG_TEXT, "text": "Что стоит улучшить?"},
        ],
    ),
    DRAFT_TITLE: (
        ["Вопросы"],
        [
            {
                "section": 0,
                "code": "practice",
                "kind": QuestionKind.SINGLE,
                "text": "Используете ли вы задания на читательскую грамотность?",
                "required": True,
                "options": ["Регулярно", "Иногда", "Нет"],
            },
            {
                "section": 0,
                "code": "confidence",
                **_SCALE_GAP,
                "text": "Насколько уверенно вы составляете такие задания?",
                "gap_topic": "Читательская грамотность",
            },
            {
                "section": 0,
                "code": "wishes",
                "kind": QuestionKind.LONG_TEXT,
                "text": "Какие материалы вам нужны?",
            },
        ],
    ),
}

# Extra questions for the region survey up to REGION_QUESTIONS (the benchmark's 30).
_REGION_EXTRA = (
    "Удовлетворённость условиями труда в школе",
    "Удовлетворённость методической поддержкой",
    "Доступность курсов повышения квалификации",
    "Обеспеченность учебниками и пособиями",
    "Оснащённость вашего кабинета",
    "Поддержка администрации школы",
    "Возможность делиться опытом с коллегами",
    "Удовлетворённость системой наставничества",
    "Доступность психологической поддержки",
    "Удовлетворённость профессией в целом",
    "Нагрузка, связанная с документацией",
    "Качество взаимодействия с родителями",
)

# --- free texts --------------------------------------------------------------------------------

TEXTS: dict[str, tuple[str, ...]] = {
    "difficulty": (
        "Не хватает времени на подготовку к урокам из-за большого объёма документации.",
        "Сложно составлять задания на функциональную грамотность.",
        "Трудно удерживать внимание обучающихся на уроке.",
        "Не всегда получается дифференцировать задания для детей с разным уровнем подготовки.",
        "Затрудняюсь в работе с детьми с ОВЗ в обычном классе.",
        "Слабый интернет в школе, не получается использовать ФГИС «Моя школа» на уроке.",
        "Не хватает опыта в подготовке к ОГЭ.",
        "Сложно выстроить общение с некоторыми родителями.",
        "Много отчётов, мало времени на методическую работу.",
        "Не хватает наглядных пособий и лабораторного оборудования.",
    ),
    "mentor": (
        "Составление рабочей программы",
        "Подготовка к открытому уроку",
        "Дисциплина на уроке",
        "Работа с электронным журналом",
        "Оценивание и подготовка к ВПР",
    ),
    "suggestion": (
        "Проводить больше практических семинаров с разбором уроков.",
        "Организовать районное методическое объединение молодых педагогов.",
        "Сделать банк заданий на функциональную грамотность по предметам.",
        "Проводить курсы в районе, а не в Грозном.",
        "Больше открытых уроков опытных учителей.",
        "Сократить количество отчётов.",
        "Организовать стажировки в сильных школах республики.",
    ),
    "liked": (
        "Практическая часть и мастер-классы.",
        "Хорошая организация, всё по времени.",
        "Выступления учителей из школ района.",
        "Полезные материалы, которые можно сразу применить.",
        "Возможность пообщаться с коллегами.",
    ),
    "improve": (
        "Больше времени на вопросы.",
        "Раздавать материалы заранее.",
        "Меньше теории, больше практики.",
        "Проводить в более удобное время, не в конце четверти.",
        "Нужен микрофон в зале, было плохо слышно.",
    ),
    "ict": (
        "Компьютерный класс устарел, нужна замена 10 компьютеров.",
        "Низкая скорость интернета, Wi-Fi только в учительской.",
        "Не хватает интерактивных панелей в начальной школе.",
        "Нужен системный администратор хотя бы на полставки.",
        "Требуется ремонт проекторов и замена ламп.",
        "Нет МФУ в учебных кабинетах.",
    ),
    "methodical": (
        "Проведены предметные недели по всем методическим объединениям.",
        "Учителя школы провели открытые уроки для района.",
        "Двое педагогов прошли аттестацию на высшую категорию.",
        "Внедрена система наставничества для молодых специалистов.",
        "Обобщён опыт работы по формированию функциональной грамотности.",
    ),
    "other_obstacles": ("Замещение уроков отсутствующих коллег", "Нет помощника в кабинете"),
    "other_forms": ("Самообразование по видеоурокам", "Обмен опытом в сетевом сообществе"),
    "other_topics": ("Подготовка к ВПР", "Работа с родителями первоклассников"),
    "other_sources": ("Школьный чат в мессенджере", "Районная газета"),
    "other": ("Другое", "Затрудняюсь выбрать"),
    "generic": ("Нет", "Всё устраивает", "Затрудняюсь ответить"),
}


# Which free-text pool answers a text question: the first keyword found in its folded text.
_POOL_BY_WORD = (
    ("наставник", "mentor"),
    ("понрав", "liked"),
    ("улучш", "improve"),
    ("предлож", "suggestion"),
    ("пожелан", "suggestion"),
    ("материал", "suggestion"),
)
_SCHOOL_ICT_WORDS = ("оснащ", "оборуд", "проблем")
_DIFFICULTY_WORDS = ("затрудн", "проблем", "трудност")


_OTHER_BY_WORD = (
    ("меша", "other_obstacles"),
    ("затрудн", "other_obstacles"),
    ("форм", "other_forms"),
    ("тем", "other_topics"),
    ("материал", "other_topics"),
    ("источник", "other_sources"),
)


def _other_pool(question: Question) -> tuple[str, ...]:
    """The texts typed into «другое» of a choice question."""
    text = fold(question.text)
    return TEXTS[next((pool for word, pool in _OTHER_BY_WORD if word in text), "other")]


def _text_pool(question: Question, audience: str) -> tuple[str, ...]:
    text = fold(question.text)
    for word, pool in _POOL_BY_WORD:
        if word in text:
            return TEXTS[pool]
    if audience == AudienceKind.SCHOOLS:
        ict = any(word in text for word in _SCHOOL_ICT_WORDS)
        return TEXTS["ict" if ict else "methodical"]
    return TEXTS["difficulty" if any(word in text for word in _DIFFICULTY_WORDS) else "generic"]


# --- questions -----------------------------------------------------------------------------------


def _create_questions(
    version: SurveyVersion, sections: Sequence[str], specs: Iterable[Mapping[str, Any]]
) -> None:
    made = Section.objects.bulk_create(
        [Section(version=version, order=index, title=title) for index, title in enumerate(sections)]
    )
    by_code: dict[str, Question] = {}
    for order, spec in enumerate(specs):
        data = dict(spec)
        section = made[int(data.pop("section", 0))]
        show_if = data.pop("show_if", None)
        question = Question.objects.create(
            version=version, section=section, order=order, show_if=by_code.get(show_if or ""), **data
        )
        by_code[question.code] = question


def _copy_questions(source: SurveyVersion, target: SurveyVersion) -> None:
    """The source version's sections and questions into `target`, codes and skip logic kept."""
    sections = {}
    for section in source.sections.order_by("order", "pk"):
        sections[section.pk] = Section.objects.create(
            version=target, order=section.order, title=section.title, description=section.description
        )
    copies: dict[int, Question] = {}
    for question in source.questions.order_by("section__order", "order", "pk"):
        old_pk, show_if = question.pk, question.show_if_id
        question.pk = None
        question.version = target
        question.section = sections[question.section_id]
        question.show_if = copies.get(show_if) if show_if else None
        question.save(force_insert=True)
        copies[old_pk] = question


def _template_version(title: str) -> SurveyVersion | None:
    """The newest version of the ready template with this title, creating the templates when the
    templates module exists and they are missing (`imo demo --reset` empties the table)."""
    try:
        templates_data = import_module("imo.surveys.templates_data")
    except ImportError:
        return None
    templates = Survey.objects.filter(is_template=True, title=title)
    if not templates.exists():
        templates_data.create_templates()
    template = templates.order_by("pk").first()
    if template is None:
        return None
    version = template.versions.order_by("-number").first()
    return version if version is not None and version.questions.exists() else None


def _survey(
    *,
    title: str,
    template_title: str,
    organization: Organization,
    audience: str,
    mode: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    is_published: bool = True,
    created_by: int | None,
    description: str = "",
    **fields: Any,
) -> tuple[Survey, SurveyVersion]:
    survey = Survey.objects.create(
        organization=organization,
        title=title,
        description=description,
        audience=audience,
        mode=mode,
        opens_at=opens_at,
        closes_at=closes_at,
        is_published=is_published,
        created_by_id=created_by,
        **fields,
    )
    version = SurveyVersion.objects.create(survey=survey, number=1)
    source = _template_version(template_title)
    if source is not None:
        survey.copied_from_id = source.survey_id
        survey.save(update_fields=["copied_from"])
        _copy_questions(source, version)
    else:
        sections, specs = FALLBACK[template_title]
        _create_questions(version, sections, specs)
    return survey, version


def _pad_questions(version: SurveyVersion, total: int) -> None:
    """Scale questions added to the last section up to `total` questions."""
    have = version.questions.count()
    section = version.sections.order_by("-order", "-pk").first()
    if section is None:
        section = Section.objects.create(version=version, order=0, title="Вопросы")
    codes = set(version.questions.values_list("code", flat=True))
    extra = []
    for index, text in enumerate(_REGION_EXTRA[: max(total - have, 0)]):
        code = f"extra_{index + 1}"
        if code not in codes:
            extra.append(
                Question(
                    version=version,
                    section=section,
                    order=1000 + index,
                    code=code,
                    kind=QuestionKind.SCALE,
                    text=f"{text} (1 — очень низко, 5 — очень высоко)",
                    required=True,
                )
            )
    Question.objects.bulk_create(extra)


# --- answers -------------------------------------------------------------------------------------


def _gap_chance(question: Question, who: _Respondent) -> float:
    chance = GAP_BY_BAND.get(who.band, 0.3)
    topic = fold(f"{question.gap_topic} {question.text}")
    if "цифров" in topic or "икт" in topic:
        chance += -0.2 if "Информатика" in who.subjects else 0.12 if who.band in ("15-20", "20+") else 0
    if "гиа" in topic or "огэ" in topic or "егэ" in topic:
        chance += 0.12 if who.subjects & EXAM_SUBJECTS else -0.1
    if "овз" in topic or "инклюзив" in topic:
        chance += 0.1
    if "функциональн" in topic and who.position == "Учитель начальных классов":
        chance += 0.08
    if "одарен" in topic or "олимпиад" in topic:
        chance += 0.08 if who.band == "0-3" else 0
    if ("дисциплин" in topic or "класс" in topic or "наставн" in topic) and who.band == "0-3":
        chance += 0.15
    return min(max(chance, 0.03), 0.9)


def _scale_value(rng: random.Random, low: int, high: int, mood: float) -> int:
    """Mostly in the upper part of the scale; `mood` (0..1) moves it."""
    mode = low + (high - low) * mood
    return round(rng.triangular(low, high, mode))


# Plausible numbers for a rural school of `size` pupils: (words all found in the folded question text,
# the value as a share of the size or a range). The first match wins, so the specific come first.
_NUMBERS: tuple[tuple[tuple[str, ...], tuple[str, float, float]], ...] = (
    (("доля",), ("range", 30, 100)),
    (("%",), ("range", 30, 100)),
    (("мбит",), ("choice", 0, 0)),
    (("рабочих мест",), ("range", 8, 15)),
    (("из них",), ("range", 0, 4)),
    (("молод",), ("range", 0, 4)),
    (("аттестован",), ("range", 1, 7)),
    (("победител",), ("range", 0, 4)),
    (("конкурс",), ("range", 1, 6)),
    (("публикац",), ("range", 0, 10)),
    (("заседан",), ("range", 4, 9)),
    (("методическ", "объединен"), ("range", 2, 7)),
    (("открыт", "урок"), ("range", 4, 30)),
    (("курс",), ("share", 0.02, 0.05)),
    (("педагог",), ("share", 0.06, 0.1)),
    (("компьютер",), ("share", 0.04, 0.09)),
    (("интерактив",), ("share", 0.005, 0.02)),
    (("проектор",), ("share", 0.01, 0.03)),
    (("кабинет",), ("share", 0.03, 0.06)),
    (("обучающ",), ("share", 1, 1)),
    (("учащ",), ("share", 1, 1)),
    (("час",), ("range", 2, 16)),
)


def _number(rng: random.Random, question: Question, school_size: int) -> Decimal:
    text = fold(question.text)
    value: float = rng.randint(1, 20)
    for words, (how, low_value, high_value) in _NUMBERS:
        if all(word in text for word in words):
            if how == "choice":  # internet speed: what rural lines give
                value = rng.choice((2, 5, 10, 10, 20, 30, 50, 50, 100))
            elif how == "share":
                value = max(1, round(school_size * rng.uniform(low_value, high_value)))
            else:
                value = rng.randint(int(low_value), int(high_value))
            break
    low = float(question.number_min) if question.number_min is not None else 0.0
    high = float(question.number_max) if question.number_max is not None else value
    return Decimal(int(min(max(value, low), high)))


# Answer rows are inserted as plain tuples: building ~50,000 (region: ~1,000,000) Answer instances and
# letting bulk_create prepare every value took most of the seed's time.
_COLUMNS = ("response_id", "question_id", "option", "row", "number", "date", "text", "file")
_Row = tuple[int, int, int | None, int | None, Decimal | None, dt.date | None, str, str]


def _insert_answers(rows: Sequence[_Row]) -> None:
    ops = connection.ops
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in _COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the region's ~750,000 rows in seconds instead of minutes of INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        response_id,
                        question_id,
                        option,
                        row,
                        ops.adapt_decimalfield_value(number, 14, 2) if number is not None else None,
                        ops.adapt_datefield_value(date),
                        text,
                        file,
                    )
                    for response_id, question_id, option, row, number, date, text, file in rows[
                        start : start + BATCH
                    ]
                ],
            )


class _Answers:
    """Generates one respondent's answer rows from the questions (their kinds, gap indicators and skip
    logic), with the survey's shared file for file questions."""

    def __init__(
        self, rng: random.Random, questions: list[Question], *, audience: str, today: dt.date
    ) -> None:
        self.rng = rng
        self.questions = questions
        self.audience = audience
        self.today = today
        self.file_name = ""
        if any(q.kind == QuestionKind.FILE for q in questions):
            self.file_name = _stored_file(rng)

    def rows(self, response_id: int, who: _Respondent, *, part: float = 1.0) -> list[_Row]:
        """The answer rows (tuples in `_COLUMNS` order) of one respondent; `part` < 1 leaves the later
        questions unanswered (a draft)."""
        rng = self.rng
        given: dict[int, set[int]] = {}  # question pk → chosen option indexes / scale values (skip logic)
        rows: list[_Row] = []
        mood = rng.uniform(0.55, 0.9)
        school_size = rng.choice((60, 90, 120, 180, 250, 320, 450, 600, 900))
        last = max(1, int(len(self.questions) * part))
        for question in self.questions[:last]:
            if question.show_if_id is not None:
                shown = given.get(question.show_if_id, set())
                if not shown & {int(v) for v in question.show_if_values}:
                    continue
            if not question.required and rng.random() < self._skip_chance(question):
                continue
            made = self._one(question, who, mood, school_size)
            given[question.pk] = {int(v.get("option", v.get("number", -1))) for v in made}
            rows.extend(
                (
                    response_id,
                    question.pk,
                    v.get("option"),
                    v.get("row"),
                    v.get("number"),
                    v.get("date"),
                    v.get("text", ""),
                    v.get("file", ""),
                )
                for v in made
            )
        return rows

    def _skip_chance(self, question: Question) -> float:
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            return 0.7
        if question.kind == QuestionKind.FILE:
            return 0.6
        return 0.12

    def _one(self, question: Question, who: _Respondent, mood: float, size: int) -> list[dict[str, Any]]:
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            values: list[dict[str, Any]] = [self._single(question, who)]
        elif kind == QuestionKind.MULTIPLE:
            values = self._multiple(question, who)
        elif kind == QuestionKind.SCALE:
            values = [{"number": Decimal(self._scale(question, who, mood))}]
        elif kind == QuestionKind.GRID:
            low, high = question.scale_min, question.scale_max
            values = [
                {"row": row, "number": Decimal(_scale_value(self.rng, low, high, mood - 0.15))}
                for row in range(len(question.grid_rows))
            ]
        elif kind == QuestionKind.NUMBER:
            values = [{"number": _number(self.rng, question, size)}]
        elif kind == QuestionKind.DATE:
            values = [{"date": self.today - dt.timedelta(days=self.rng.randint(30, 1400))}]
        elif kind == QuestionKind.FILE:
            values = [{"file": self.file_name}] if self.file_name else []
        else:
            values = [{"text": self.rng.choice(_text_pool(question, self.audience))}]
        return values

    def _is_gap(self, question: Question, who: _Respondent) -> bool:
        return (
            question.is_gap_indicator
            and bool(question.gap_values)
            and self.rng.random() < _gap_chance(question, who)
        )

    def _single(self, question: Question, who: _Respondent) -> dict[str, Any]:
        rng = self.rng
        count = len(question.options)
        if count == 0 or (question.allow_other and rng.random() < 0.04):
            return {"text": rng.choice(_other_pool(question))}
        gap_values = [int(v) for v in question.gap_values]
        if question.is_gap_indicator and gap_values:
            others = [i for i in range(count) if i not in gap_values]
            pool = gap_values if self._is_gap(question, who) or not others else others
            return {"option": rng.choice(pool)}
        # Earlier options a little more often (they are usually the common answers).
        return {"option": rng.choices(range(count), [count - i + 1 for i in range(count)])[0]}

    def _multiple(self, question: Question, who: _Respondent) -> list[dict[str, Any]]:
        rng = self.rng
        gap_values = {int(v) for v in question.gap_values}
        gap_chance = _gap_chance(question, who) if question.is_gap_indicator else 0.3
        chosen = [
            index
            for index in range(len(question.options))
            if rng.random() < (gap_chance if index in gap_values else 0.3)
        ]
        if not chosen and question.options:
            chosen = [rng.randrange(len(question.options))]
        values: list[dict[str, Any]] = [{"option": index} for index in chosen]
        if question.allow_other and rng.random() < 0.06:
            values.append({"text": rng.choice(_other_pool(question))})
        return values

    def _scale(self, question: Question, who: _Respondent, mood: float) -> int:
        low, high = question.scale_min, question.scale_max
        gap_values = [int(v) for v in question.gap_values]
        if not (question.is_gap_indicator and gap_values):
            return _scale_value(self.rng, low, high, mood)
        inside = [v for v in range(low, high + 1) if v not in gap_values]
        if self._is_gap(question, who) or not inside:
            return self.rng.choice(gap_values)
        return _scale_value(self.rng, min(inside), max(inside), mood)


def _stored_file(rng: random.Random) -> str:
    """One small DOCX every file answer of a survey points to (the demo has no per-school files)."""
    from imo.library import filegen

    content = filegen.docx_bytes(
        "Паспорт цифровой образовательной среды",
        ["Сведения об оснащённости школы средствами ИКТ.", "Заполнено ответственным за информатизацию."],
    )
    now = timezone.now()
    return default_storage.save(
        f"surveys/{now:%Y}/{now:%m}/{rng.getrandbits(80):020x}.docx", ContentFile(content)
    )


# --- respondents ---------------------------------------------------------------------------------


def _educators(paths: Sequence[str], today: dt.date) -> list[_Respondent]:
    """Educators with a main employment in force today under the paths, with their school, band, subjects
    and position (three queries)."""
    from django.db.models import Q

    where = Q()
    for path in paths:
        where |= Q(organization__path__startswith=path)
    rows = list(
        Employment.objects.filter(where, active_on(today), is_main=True)
        .order_by("educator_id", "pk")
        .values_list(
            "pk", "educator_id", "organization_id", "educator__teaching_experience_start", "position__name"
        )
    )
    subjects: dict[int, set[str]] = defaultdict(set)
    through = Employment.subjects.through
    for employment_id, name in through.objects.filter(employment_id__in=[r[0] for r in rows]).values_list(
        "employment_id", "subject__name"
    ):
        subjects[employment_id].add(name)
    seen: set[int] = set()
    result = []
    for employment_id, educator_id, school_id, start, position in rows:
        if educator_id in seen:
            continue
        seen.add(educator_id)
        band = band_of(EXPERIENCE_BANDS, full_years(start, today))
        result.append(
            _Respondent(
                educator_id,
                school_id,
                band.key if band else "",
                frozenset(subjects[employment_id]),
                position or "",
            )
        )
    return result


def _schools(municipality: Organization) -> list[_Respondent]:
    schools = Organization.objects.filter(
        path__startswith=municipality.path, kind=Organization.Kind.SCHOOL, status=Organization.Status.ACTIVE
    ).order_by("pk")
    return [_Respondent(None, school.pk, "", frozenset(), "") for school in schools]


def _submitted_on(rng: random.Random, opens: dt.date, last: dt.date) -> dt.date:
    """Most answer in the first days after the announcement, then a tail (and the reminders)."""
    days = (last - opens).days
    return opens + dt.timedelta(days=min(days, int(rng.expovariate(1 / 4))) if days > 0 else 0)


@dataclass
class _Counts:
    tokens: int = 0
    responses: int = 0
    drafts: int = 0
    answers: int = 0


def _fill(
    rng: random.Random,
    *,
    survey: Survey,
    version: SurveyVersion,
    respondents: list[_Respondent],
    share: float,
    last_day: dt.date,
    today: dt.date,
    counts: _Counts,
    drafts: int = 0,
    responses: int | None = None,
) -> None:
    """Tokens for every respondent; `share` of them answered (or exactly `responses`, anonymous only);
    `drafts` more keep a named draft. Saved in chunks."""
    anonymous = survey.mode == Mode.ANONYMOUS
    order = list(range(len(respondents)))
    rng.shuffle(order)
    answered_count = (
        round(len(respondents) * share) if responses is None else min(responses, len(respondents))
    )
    answered = set(order[:answered_count])
    drafting = set(order[answered_count : answered_count + drafts]) if not anonymous else set()
    tokens = [
        RespondentToken(
            survey=survey,
            educator_id=who.educator_id,
            school_id=who.school_id if who.educator_id is None else None,
            responded=index in answered,
        )
        for index, who in enumerate(respondents)
    ]
    RespondentToken.objects.bulk_create(tokens, batch_size=BATCH)
    counts.tokens += len(tokens)

    questions = list(version.questions.order_by("section__order", "order", "pk"))
    generator = _Answers(rng, questions, audience=survey.audience, today=today)
    opens = timezone.localtime(survey.opens_at).date() if survey.opens_at else today
    plan: list[tuple[_Respondent, bool]] = [(respondents[i], True) for i in sorted(answered)]
    plan += [(respondents[i], False) for i in sorted(drafting)]
    if responses is not None and anonymous and responses > len(plan):
        # A larger anonymous sample than the audience (the benchmark): more responses, same profiles.
        plan += [(rng.choice(respondents), True) for _ in range(responses - len(plan))]
    first_day: dt.date | None = None
    for start in range(0, len(plan), RESPONSE_CHUNK):
        chunk = plan[start : start + RESPONSE_CHUNK]
        rows = [
            Response(
                survey=survey,
                version=version,
                educator_id=None if anonymous else who.educator_id,
                school_id=None if anonymous else who.school_id,
                status=ResponseStatus.SUBMITTED if sent else ResponseStatus.DRAFT,
                submitted_on=_submitted_on(rng, opens, last_day) if sent else None,
            )
            for who, sent in chunk
        ]
        Response.objects.bulk_create(rows, batch_size=BATCH)
        answers: list[_Row] = []
        for response, (who, sent) in zip(rows, chunk, strict=True):
            answers.extend(generator.rows(response.pk, who, part=1.0 if sent else rng.uniform(0.2, 0.6)))
        _insert_answers(answers)
        counts.answers += len(answers)
        counts.responses += sum(1 for _, sent in chunk if sent)
        counts.drafts += sum(1 for _, sent in chunk if not sent)
        days = [r.submitted_on for r in rows if r.submitted_on]
        first_day = min([*days, first_day]) if first_day else min(days, default=None)
    if plan:
        # Frozen by the first response (a draft counts: it was answered on this version).
        first = first_day or opens
        SurveyVersion.objects.filter(pk=version.pk).update(frozen_at=_at(first, 10))
    # Answers went in as plain rows: count the running tallies the results page reads once, here.
    tallies_rebuild(survey)


# --- the whole data set ----------------------------------------------------------------------------


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _author(municipality: Organization) -> int | None:
    return (
        Membership.objects.filter(organization=municipality, role__in=(Role.METHODIST, Role.HEAD))
        .order_by("role", "pk")
        .values_list("user_id", flat=True)
        .first()
    )


def seed(*, rng: random.Random, today: dt.date, scale: str = "district") -> DemoSurveys:
    """The demo district's surveys (and, at region scale, the region's big one). Run after the staff
    seed; adds to what is there."""
    municipality = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()
    if municipality is None:
        return DemoSurveys(0, 0, 0, 0, 0, None, 0, 0, 0, 0)
    region = Organization.objects.filter(kind=Organization.Kind.REGION).order_by("pk").first()
    author = _author(municipality)
    educators = _educators([municipality.path], today)
    schools = _schools(municipality)
    counts = _Counts()

    # Open now: announced a fortnight ago, closing in ten days.
    opens, closes = _at(today - dt.timedelta(days=14), 9), _at(today + dt.timedelta(days=10), 18)
    needs, needs_version = _survey(
        title=NEEDS_TITLE,
        template_title=NEEDS_TITLE,
        organization=municipality,
        audience=AudienceKind.EDUCATORS,
        mode=Mode.NAMED,
        opens_at=opens,
        closes_at=closes,
        created_by=author,
        description="Анкета поможет методическому кабинету спланировать курсы, семинары и наставничество "
        "на следующий год. Ответы по затруднениям можно добавить в ваш индивидуальный образовательный "
        "маршрут.",
    )
    _fill(
        rng,
        survey=needs,
        version=needs_version,
        respondents=educators,
        share=NEEDS_ANSWERED,
        last_day=today,
        today=today,
        counts=counts,
        drafts=NEEDS_DRAFTS,
    )

    ict, ict_version = _survey(
        title=ICT_TITLE,
        template_title=ICT_TITLE,
        organization=municipality,
        audience=AudienceKind.SCHOOLS,
        mode=Mode.NAMED,
        opens_at=_at(today - dt.timedelta(days=20), 9),
        closes_at=_at(today + dt.timedelta(days=5), 18),
        created_by=author,
        description="Мониторинг заполняет ответственный за информатизацию по состоянию на текущую дату.",
    )
    _fill(
        rng,
        survey=ict,
        version=ict_version,
        respondents=schools,
        share=ICT_ANSWERED,
        last_day=today,
        today=today,
        counts=counts,
    )

    satisfaction, satisfaction_version = _survey(
        title=SATISFACTION_TITLE,
        template_title=SATISFACTION_TITLE,
        organization=municipality,
        audience=AudienceKind.EDUCATORS,
        mode=Mode.ANONYMOUS,
        opens_at=_at(today - dt.timedelta(days=9), 15),
        closes_at=_at(today + dt.timedelta(days=12), 18),
        created_by=author,
        allow_edit=False,
        description="Анкета анонимная: ответы не связываются с вашим именем.",
    )
    _fill(
        rng,
        survey=satisfaction,
        version=satisfaction_version,
        respondents=educators,
        share=SATISFACTION_ANSWERED,
        last_day=today,
        today=today,
        counts=counts,
    )

    # Last year's, closed: the methodical work of the past academic year.
    year_ago = add_years(today, -1)
    closed_last = year_ago + dt.timedelta(days=21)
    # The academic year under way a year ago began in `start_year`; the survey asked about the one before.
    start_year = year_ago.year if year_ago.month >= 9 else year_ago.year - 1
    closed, closed_version = _survey(
        title=f"Методическая работа школы за {start_year - 1}/{start_year} учебный год",
        template_title=METHODICAL_TITLE,
        organization=municipality,
        audience=AudienceKind.SCHOOLS,
        mode=Mode.NAMED,
        opens_at=_at(year_ago, 9),
        closes_at=_at(closed_last, 18),
        created_by=author,
        reminder_every_days=0,
    )
    _fill(
        rng,
        survey=closed,
        version=closed_version,
        respondents=schools,
        share=CLOSED_ANSWERED,
        last_day=closed_last,
        today=closed_last,
        counts=counts,
    )

    draft, _ = _survey(
        title=DRAFT_TITLE,
        template_title=DRAFT_TITLE,
        organization=municipality,
        audience=AudienceKind.EDUCATORS,
        mode=Mode.NAMED,
        opens_at=_at(today + dt.timedelta(days=7), 9),
        closes_at=_at(today + dt.timedelta(days=28), 18),
        is_published=False,
        created_by=author,
    )

    region_id = None
    if scale == "region" and region is not None:
        region_id = _region_survey(rng, region=region, today=today, counts=counts)

    return DemoSurveys(
        needs_id=needs.pk,
        ict_id=ict.pk,
        satisfaction_id=satisfaction.pk,
        closed_id=closed.pk,
        draft_id=draft.pk,
        region_id=region_id,
        tokens=counts.tokens,
        responses=counts.responses,
        drafts=counts.drafts,
        answers=counts.answers,
    )


def _region_survey(rng: random.Random, *, region: Organization, today: dt.date, counts: _Counts) -> int:
    """The region office's anonymous survey of every educator of the region, closed last month, with
    REGION_RESPONSES responses to REGION_QUESTIONS questions."""
    educators = _educators([region.path], today)
    survey, version = _survey(
        title=REGION_TITLE,
        template_title=NEEDS_TITLE,
        organization=region,
        audience=AudienceKind.EDUCATORS,
        mode=Mode.ANONYMOUS,
        opens_at=_at(today - dt.timedelta(days=60), 9),
        closes_at=_at(today - dt.timedelta(days=30), 18),
        created_by=None,
        allow_edit=False,
        reminder_every_days=0,
    )
    _pad_questions(version, REGION_QUESTIONS)
    share = min(1.0, REGION_RESPONSES / max(len(educators), 1))
    _fill(
        rng,
        survey=survey,
        version=version,
        respondents=educators,
        share=share,
        last_day=today - dt.timedelta(days=30),
        today=today - dt.timedelta(days=30),
        counts=counts,
        responses=REGION_RESPONSES,
    )
    return survey.pk
