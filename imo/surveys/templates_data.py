"""The four ready templates of issue #9 (item 6) as plain data, and `create_templates` that stores them.

The data is plain dicts (no model instances) so that the data migration can build them with historical
models (`apps.get_model`) and the builder can make a draft straight from them. A question refers to an
earlier one (skip logic) by its `code`; option and scale values follow the model: option indexes from 0.

Templates belong to an office: the migration gives every top office (region; a municipality with no
region above) one copy of each; an office editor sees the templates of their office and of the offices
above it. A database without organisations yet gets them later, when the demo (or the lead) calls
`create_templates()` again — the function only adds what is missing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

TemplateData = dict[str, Any]
QuestionData = dict[str, Any]

# The answers to a difficulty question; the first two reveal a gap (issue #9, item 7).
DIFFICULTY = [
    "Испытываю серьёзные затруднения",
    "Испытываю некоторые затруднения",
    "Затруднений не испытываю",
]
DIFFICULTY_GAP = [0, 1]


def q(code: str, kind: str, text: str, **fields: Any) -> QuestionData:
    return {"code": code, "kind": kind, "text": text, **fields}


def difficulty(code: str, text: str, topic: str) -> QuestionData:
    return q(
        code,
        "single",
        text,
        required=True,
        options=DIFFICULTY,
        is_gap_indicator=True,
        gap_values=DIFFICULTY_GAP,
        gap_topic=topic,
    )


NEEDS: TemplateData = {
    "key": "needs",
    "title": "Профессиональные потребности и затруднения педагогов",
    "description": (
        "Анкета помогает ИМО спланировать методическую помощь и курсы повышения квалификации. "
        "Ответы именные: затруднения, которые вы отметите, методист сможет с вашего согласия внести в ваш "
        "индивидуальный образовательный маршрут. Заполнение займёт 10–15 минут."
    ),
    "audience": "educators",
    "mode": "named",
    "sections": [
        {
            "title": "О вашей работе",
            "questions": [
                q(
                    "n01",
                    "single",
                    "На каком уровне общего образования вы преимущественно работаете?",
                    required=True,
                    options=[
                        "Начальное общее (1–4 классы)",
                        "Основное общее (5–9 классы)",
                        "Среднее общее (10–11 классы)",
                        "На всех уровнях",
                    ],
                ),
                q(
                    "n02",
                    "single",
                    "Сколько часов в неделю вы тратите на подготовку к урокам?",
                    options=["До 5 часов", "5–10 часов", "10–15 часов", "Более 15 часов"],
                ),
                q(
                    "n03",
                    "scale",
                    "Насколько вы удовлетворены условиями своей работы в школе?",
                    help_text="1 — совсем не удовлетворён(а), 5 — полностью удовлетворён(а).",
                    required=True,
                    scale_min=1,
                    scale_max=5,
                ),
                q(
                    "n04",
                    "multiple",
                    "Что сильнее всего мешает вашей работе?",
                    help_text="Отметьте не более трёх вариантов.",
                    options=[
                        "Высокая учебная нагрузка",
                        "Большой объём отчётной документации",
                        "Нехватка учебного и лабораторного оборудования",
                        "Слабая учебная мотивация обучающихся",
                        "Недостаток методической поддержки",
                        "Трудности во взаимодействии с родителями",
                    ],
                    allow_other=True,
                ),
            ],
        },
        {
            "title": "Профессиональные затруднения",
            "description": "Оцените, испытываете ли вы затруднения в каждом из направлений работы.",
            "questions": [
                difficulty(
                    "n05",
                    "Разработка рабочей программы по предмету в соответствии с обновлёнными ФГОС и ФОП",
                    "Разработка рабочих программ по обновлённым ФГОС и ФОП",
                ),
                difficulty(
                    "n06",
                    "Формирование и оценка функциональной грамотности обучающихся",
                    "Формирование функциональной грамотности обучающихся",
                ),
                difficulty(
                    "n07",
                    "Подготовка обучающихся к ОГЭ и ЕГЭ",
                    "Подготовка обучающихся к государственной итоговой аттестации",
                ),
                difficulty(
                    "n08",
                    "Обучение детей с ограниченными возможностями здоровья (инклюзивное обучение)",
                    "Инклюзивное образование и работа с обучающимися с ОВЗ",
                ),
                difficulty(
                    "n09",
                    "Работа с одарёнными детьми, подготовка к олимпиадам и конкурсам",
                    "Работа с одарёнными детьми и подготовка к олимпиадам",
                ),
                difficulty(
                    "n10",
                    "Использование цифровых образовательных ресурсов (ФГИС «Моя школа», библиотека ЦОК)",
                    "Использование цифровых образовательных ресурсов в обучении",
                ),
                difficulty(
                    "n11",
                    "Организация проектной и исследовательской деятельности обучающихся",
                    "Организация проектной и исследовательской деятельности обучающихся",
                ),
                difficulty(
                    "n12",
                    "Воспитательная работа и классное руководство",
                    "Воспитательная работа и классное руководство",
                ),
                difficulty(
                    "n13",
                    "Оценивание образовательных результатов, критериальное оценивание",
                    "Современные подходы к оцениванию образовательных результатов",
                ),
                difficulty(
                    "n14",
                    "Обучение детей, для которых русский язык не является родным",
                    "Методика преподавания русского языка как неродного",
                ),
                difficulty(
                    "n15",
                    "Взаимодействие с родителями (законными представителями) обучающихся",
                    "Взаимодействие с родителями (законными представителями)",
                ),
                difficulty(
                    "n16",
                    "Управление стрессом, профилактика профессионального выгорания",
                    "Профилактика профессионального выгорания",
                ),
                q(
                    "n17",
                    "long_text",
                    "Опишите затруднение, которое вы хотели бы решить в первую очередь",
                    help_text="Например: «не получается организовать групповую работу в 5-х классах».",
                ),
            ],
        },
        {
            "title": "Повышение квалификации и методическая помощь",
            "questions": [
                q(
                    "n18",
                    "single",
                    "Когда вы в последний раз проходили курсы повышения квалификации?",
                    required=True,
                    options=[
                        "В текущем учебном году",
                        "1–2 года назад",
                        "3 года назад и более",
                        "Не проходил(а)",
                    ],
                ),
                q(
                    "n19",
                    "multiple",
                    "Какие формы повышения квалификации вы предпочитаете?",
                    options=[
                        "Очные курсы",
                        "Дистанционные курсы",
                        "Стажировка в другой школе",
                        "Наставничество",
                        "Семинары и практикумы ИМО",
                        "Работа в методическом объединении",
                        "Самообразование",
                    ],
                    allow_other=True,
                ),
                q(
                    "n20",
                    "single",
                    "Готовы ли вы делиться опытом с коллегами (открытые уроки, мастер-классы)?",
                    options=["Да", "Да, при поддержке методиста", "Пока нет"],
                ),
                q(
                    "n21",
                    "multiple",
                    "В каких формах вы готовы делиться опытом?",
                    options=[
                        "Открытый урок",
                        "Мастер-класс",
                        "Выступление на методическом объединении",
                        "Публикация методической разработки",
                        "Наставничество молодого педагога",
                    ],
                    show_if="n20",
                    show_if_values=[0, 1],
                ),
                q(
                    "n22",
                    "single",
                    "Нужна ли вам помощь наставника?",
                    options=["Да", "Скорее да", "Нет"],
                ),
                q(
                    "n23",
                    "short_text",
                    "По каким вопросам вам нужна помощь наставника?",
                    show_if="n22",
                    show_if_values=[0, 1],
                ),
                q(
                    "n24",
                    "scale",
                    "Насколько полезной была для вас методическая помощь ИМО в этом учебном году?",
                    help_text="1 — совсем бесполезной, 10 — очень полезной.",
                    scale_min=1,
                    scale_max=10,
                ),
                q(
                    "n25",
                    "single",
                    "Как часто вы пользуетесь материалами банка документов ИМО?",
                    options=["Еженедельно", "Примерно раз в месяц", "Реже", "Не пользуюсь"],
                ),
            ],
        },
        {
            "title": "Информационные потребности",
            "questions": [
                q(
                    "n26",
                    "multiple",
                    "Из каких источников вы узнаёте о новостях образования?",
                    options=[
                        "Сайт ИМО",
                        "Сайт Минпросвещения России",
                        "Совещания в школе",
                        "Телеграм-каналы",
                        "Коллеги",
                    ],
                    allow_other=True,
                ),
                q(
                    "n27",
                    "multiple",
                    "Какие методические материалы нужны вам в первую очередь?",
                    options=[
                        "Примерные рабочие программы",
                        "Технологические карты уроков",
                        "Контрольно-измерительные материалы",
                        "Материалы по функциональной грамотности",
                        "Материалы для работы с детьми с ОВЗ",
                        "Нормативные документы с комментариями",
                    ],
                ),
                q(
                    "n28",
                    "single",
                    "Как вам удобнее получать новости ИМО?",
                    options=["По электронной почте", "В мессенджере", "На сайте, сам(а) захожу"],
                ),
                q("n29", "long_text", "Ваши предложения по работе ИМО"),
            ],
        },
    ],
}

ICT: TemplateData = {
    "key": "ict",
    "title": "Оснащённость ИКТ и цифровая образовательная среда школы",
    "description": (
        "Мониторинг заполняет ответственный в образовательной организации — один ответ от школы. "
        "Укажите данные на дату заполнения."
    ),
    "audience": "schools",
    "mode": "named",
    "sections": [
        {
            "title": "Общие сведения",
            "questions": [
                q("i01", "number", "Число обучающихся", required=True, number_min=0, number_max=5000),
                q(
                    "i02",
                    "number",
                    "Число педагогических работников",
                    required=True,
                    number_min=0,
                    number_max=500,
                ),
                q("i03", "number", "Число учебных кабинетов", required=True, number_min=0, number_max=300),
            ],
        },
        {
            "title": "Компьютерная техника",
            "questions": [
                q(
                    "i04",
                    "number",
                    "Число компьютеров (стационарных и ноутбуков), используемых в учебном процессе",
                    required=True,
                    number_min=0,
                    number_max=2000,
                ),
                q(
                    "i05",
                    "number",
                    "Из них приобретено за последние три года",
                    number_min=0,
                    number_max=2000,
                ),
                q(
                    "i06",
                    "number",
                    "Число кабинетов с интерактивной доской или интерактивной панелью",
                    number_min=0,
                    number_max=300,
                ),
                q("i07", "number", "Число кабинетов с проектором", number_min=0, number_max=300),
                q(
                    "i08",
                    "single",
                    "Есть ли в школе компьютерный класс?",
                    required=True,
                    options=["Да, один", "Да, два и более", "Нет"],
                ),
                q(
                    "i09",
                    "number",
                    "Число рабочих мест обучающихся в компьютерных классах",
                    number_min=0,
                    number_max=500,
                    show_if="i08",
                    show_if_values=[0, 1],
                ),
            ],
        },
        {
            "title": "Интернет и сеть",
            "questions": [
                q(
                    "i10",
                    "single",
                    "Как школа подключена к интернету?",
                    required=True,
                    options=[
                        "Оптоволоконная линия",
                        "Телефонная линия (ADSL)",
                        "Мобильный интернет (4G)",
                        "Спутниковый канал",
                        "Подключения нет",
                    ],
                ),
                q(
                    "i11",
                    "number",
                    "Скорость подключения, Мбит/с",
                    number_min=0,
                    number_max=10000,
                    show_if="i10",
                    show_if_values=[0, 1, 2, 3],
                ),
                q(
                    "i12",
                    "single",
                    "Есть ли беспроводная сеть (Wi-Fi) для учебного процесса?",
                    options=["Во всех учебных кабинетах", "В части кабинетов", "Нет"],
                ),
                q(
                    "i13",
                    "single",
                    "Подключена ли школа к единой сети передачи данных (ЕСПД)?",
                    options=["Да", "Подключение в процессе", "Нет"],
                ),
            ],
        },
        {
            "title": "Цифровая образовательная среда",
            "questions": [
                q(
                    "i14",
                    "grid",
                    "Насколько активно в школе используются цифровые ресурсы?",
                    help_text="1 — не используется, 5 — используется постоянно.",
                    grid_rows=[
                        "ФГИС «Моя школа»",
                        "Библиотека цифрового образовательного контента (ЦОК)",
                        "Электронный журнал и дневник",
                        "Сферум",
                        "Образовательные платформы (Учи.ру, ЯКласс и другие)",
                    ],
                    scale_min=1,
                    scale_max=5,
                ),
                q(
                    "i15",
                    "number",
                    "Доля педагогов, обученных цифровым компетенциям за последние три года, %",
                    number_min=0,
                    number_max=100,
                ),
                q(
                    "i16",
                    "single",
                    "Есть ли в школе ответственный за информатизацию?",
                    options=["Да, штатная должность", "Да, по совместительству", "Нет"],
                ),
                q("i17", "date", "Дата последнего обновления раздела об оснащённости на сайте школы"),
                q(
                    "i18",
                    "file",
                    "Паспорт цифровой образовательной среды школы",
                    help_text="PDF, DOCX или XLSX, если паспорт составлен.",
                ),
                q(
                    "i19",
                    "long_text",
                    "Какие проблемы оснащения нужно решить в первую очередь?",
                ),
            ],
        },
    ],
}

METHODICAL: TemplateData = {
    "key": "methodical",
    "title": "Методическая работа школы за учебный год",
    "description": (
        "Мониторинг заполняет заместитель директора по учебно-методической работе — один ответ от школы. "
        "Сведения — за завершившийся учебный год."
    ),
    "audience": "schools",
    "mode": "named",
    "sections": [
        {
            "title": "Методическая служба школы",
            "questions": [
                q(
                    "m01",
                    "number",
                    "Число школьных методических объединений",
                    required=True,
                    number_min=0,
                    number_max=50,
                ),
                q(
                    "m02",
                    "single",
                    "Работает ли в школе методический совет?",
                    required=True,
                    options=["Да", "Нет"],
                ),
                q(
                    "m03",
                    "number",
                    "Число заседаний методического совета за год",
                    number_min=0,
                    number_max=100,
                    show_if="m02",
                    show_if_values=[0],
                ),
                q(
                    "m04",
                    "multiple",
                    "Над какими темами работали методические объединения?",
                    options=[
                        "Функциональная грамотность",
                        "Введение обновлённых ФГОС и ФОП",
                        "Подготовка к ГИА",
                        "Работа с одарёнными детьми",
                        "Инклюзивное образование",
                        "Воспитательная работа",
                    ],
                    allow_other=True,
                ),
            ],
        },
        {
            "title": "Кадры: повышение квалификации, аттестация, наставничество",
            "questions": [
                q(
                    "m05",
                    "number",
                    "Число педагогов, прошедших курсы повышения квалификации",
                    required=True,
                    number_min=0,
                    number_max=500,
                ),
                q(
                    "m06",
                    "number",
                    "Число педагогов, аттестованных на квалификационную категорию",
                    number_min=0,
                    number_max=500,
                ),
                q(
                    "m07",
                    "number",
                    "Число педагогов, аттестованных на соответствие занимаемой должности",
                    number_min=0,
                    number_max=500,
                ),
                q(
                    "m08",
                    "number",
                    "Число молодых специалистов (педагогический стаж до трёх лет)",
                    number_min=0,
                    number_max=200,
                ),
                q(
                    "m09",
                    "number",
                    "Из них закреплено за наставниками",
                    number_min=0,
                    number_max=200,
                ),
            ],
        },
        {
            "title": "Распространение опыта",
            "questions": [
                q("m10", "number", "Число открытых уроков и мастер-классов", number_min=0, number_max=1000),
                q(
                    "m11",
                    "number",
                    "Число участников профессиональных конкурсов",
                    number_min=0,
                    number_max=500,
                ),
                q(
                    "m12",
                    "number",
                    "Из них победителей и призёров (муниципальный уровень и выше)",
                    number_min=0,
                    number_max=500,
                ),
                q(
                    "m13",
                    "number",
                    "Число методических публикаций педагогов",
                    number_min=0,
                    number_max=1000,
                ),
                q(
                    "m14",
                    "scale",
                    "Насколько методическая работа помогла решить задачи школы в этом году?",
                    help_text="1 — не помогла, 5 — помогла полностью.",
                    scale_min=1,
                    scale_max=5,
                ),
                q("m15", "long_text", "Лучшие практики школы за год (кратко)"),
                q("m16", "long_text", "Какая помощь ИМО нужна школе в следующем учебном году?"),
                q(
                    "m17",
                    "file",
                    "Отчёт о методической работе школы",
                    help_text="По желанию: PDF или DOCX.",
                ),
            ],
        },
    ],
}

SATISFACTION: TemplateData = {
    "key": "satisfaction",
    "title": "Удовлетворённость районным мероприятием",
    "description": (
        "Анкета анонимная: никто, включая ИМО, не узнает, кто что ответил. Ваши оценки помогут сделать "
        "следующие мероприятия полезнее."
    ),
    "audience": "educators",
    "mode": "anonymous",
    "sections": [
        {
            "title": "Ваша оценка мероприятия",
            "questions": [
                q(
                    "s01",
                    "single",
                    "В каком качестве вы участвовали в мероприятии?",
                    required=True,
                    options=["Слушатель", "Выступающий", "Член оргкомитета или жюри"],
                ),
                q(
                    "s02",
                    "scale",
                    "Оцените мероприятие в целом",
                    help_text="1 — очень плохо, 5 — отлично.",
                    required=True,
                    scale_min=1,
                    scale_max=5,
                ),
                q(
                    "s03",
                    "grid",
                    "Оцените отдельные стороны мероприятия",
                    help_text="1 — очень плохо, 5 — отлично.",
                    grid_rows=[
                        "Актуальность темы",
                        "Практическая польза",
                        "Качество выступлений",
                        "Организация и соблюдение регламента",
                        "Место и условия проведения",
                    ],
                    scale_min=1,
                    scale_max=5,
                ),
                q(
                    "s04",
                    "scale",
                    "Насколько вероятно, что вы посоветуете такие мероприятия коллегам?",
                    help_text="1 — точно не посоветую, 10 — обязательно посоветую.",
                    scale_min=1,
                    scale_max=10,
                ),
                q(
                    "s05",
                    "single",
                    "Будете ли вы применять полученное в своей работе?",
                    options=["Да, уже применяю", "Да, планирую", "Скорее нет", "Нет"],
                ),
                q(
                    "s06",
                    "multiple",
                    "Какие темы стоит обсудить на следующих мероприятиях?",
                    options=[
                        "Функциональная грамотность",
                        "Подготовка к ГИА",
                        "Цифровые образовательные ресурсы",
                        "Работа с детьми с ОВЗ",
                        "Воспитательная работа",
                    ],
                    allow_other=True,
                ),
                q("s07", "long_text", "Что вам понравилось больше всего?"),
                q("s08", "long_text", "Что стоит улучшить?"),
            ],
        },
    ],
}

TEMPLATES: list[TemplateData] = [NEEDS, ICT, METHODICAL, SATISFACTION]
TEMPLATES_BY_KEY: dict[str, TemplateData] = {data["key"]: data for data in TEMPLATES}

# Question fields copied as they are from the data (the rest: defaults of the model).
_PLAIN_FIELDS = (
    "help_text",
    "required",
    "options",
    "allow_other",
    "scale_min",
    "scale_max",
    "grid_rows",
    "show_if_values",
    "is_gap_indicator",
    "gap_values",
    "gap_topic",
)


def template_by_title(title: str) -> TemplateData | None:
    return next((data for data in TEMPLATES if data["title"] == title), None)


def _models(apps: Any) -> dict[str, Any]:
    if apps is None:
        from django.apps import apps as current

        apps = current
    names = ("Survey", "SurveyVersion", "Section", "Question")
    models = {name: apps.get_model("surveys", name) for name in names}
    models["Organization"] = apps.get_model("orgs", "Organization")
    return models


def _question_values(data: QuestionData) -> dict[str, Any]:
    values = {name: data[name] for name in _PLAIN_FIELDS if name in data}
    for name in ("number_min", "number_max"):
        if data.get(name) is not None:
            values[name] = Decimal(str(data[name]))
    return values


def build_survey(
    data: TemplateData,
    *,
    organization_id: int,
    is_template: bool,
    created_by_id: int | None = None,
    apps: Any = None,
) -> Any:
    """A new survey (version 1 with the sections and questions of `data`); returns the Survey row."""
    models = _models(apps)
    survey = models["Survey"].objects.create(
        organization_id=organization_id,
        title=data["title"],
        description=data.get("description", ""),
        audience=data["audience"],
        mode=data["mode"],
        is_template=is_template,
        created_by_id=created_by_id,
    )
    version = models["SurveyVersion"].objects.create(survey=survey, number=1)
    by_code: dict[str, Any] = {}
    for section_order, section_data in enumerate(data["sections"], start=1):
        section = models["Section"].objects.create(
            version=version,
            order=section_order,
            title=section_data["title"],
            description=section_data.get("description", ""),
        )
        for order, question_data in enumerate(section_data["questions"], start=1):
            show_if = by_code[question_data["show_if"]] if question_data.get("show_if") else None
            question = models["Question"].objects.create(
                version=version,
                section=section,
                order=order,
                code=question_data["code"],
                kind=question_data["kind"],
                text=question_data["text"],
                show_if=show_if,
                **_question_values(question_data),
            )
            by_code[question.code] = question
    return survey


def _top_offices(models: dict[str, Any]) -> list[Any]:
    """The offices that own the templates: every region, and municipalities with no region above."""
    organizations = models["Organization"].objects.filter(
        parent__isnull=True, kind__in=["region", "municipality"]
    )
    return list(organizations.order_by("pk"))


def create_templates(apps: Any = None, *, organization: Any = None) -> int:
    """Store the ready templates missing at `organization` (default: at every top office); returns how many
    were created. Safe to call again: a template already there (same title) is left as it is."""
    models = _models(apps)
    offices = [organization] if organization is not None else _top_offices(models)
    created = 0
    for office in offices:
        existing = set(
            models["Survey"]
            .objects.filter(organization_id=office.pk, is_template=True)
            .values_list("title", flat=True)
        )
        for data in TEMPLATES:
            if data["title"] not in existing:
                build_survey(data, organization_id=office.pk, is_template=True, apps=apps)
                created += 1
    return created
