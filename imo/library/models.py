"""The bank of pedagogical information (issue #8): documents with versioned files and Russian full-text
search, news and announcements, and the weekly digest subscriptions.

The search index itself is not a model: on PostgreSQL it is the `search_vector` tsvector column of
`library_document` (with a GIN index), on SQLite the FTS5 table `library_document_fts` over stemmed text;
both are created by migration 0002 and written only by `imo.library.search.index`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from imo.core.models import TimeStampedModel


class DocumentKind(TimeStampedModel):
    """A kind of document the office keeps (editable list; migration 0003 seeds the seven of the issue)."""

    name = models.CharField("наименование", max_length=200, unique=True)
    # Acts carry issuer, number, date and the in force / lapsed status; other kinds hide those fields.
    is_act = models.BooleanField("нормативный акт (реквизиты и статус)", default=False)
    order = models.PositiveIntegerField("порядок", default=0)
    is_archived = models.BooleanField("в архиве", default=False)

    class Meta:
        verbose_name = "вид документа"
        verbose_name_plural = "виды документов"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free keyword («ФГОС», «функциональная грамотность»); `search_name` is `fold(name)`, unique."""

    name = models.CharField("тег", max_length=100)
    search_name = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = "тег"
        verbose_name_plural = "теги"
        ordering = ["search_name"]

    def __str__(self) -> str:
        return self.name


class Access(models.TextChoices):
    PUBLIC = "public", "Всем (на открытом сайте)"
    EDUCATORS = "educators", "Педагогам района"
    OFFICE = "office", "Только сотрудникам ИМО"


class ActStatus(models.TextChoices):
    IN_FORCE = "in_force", "Действует"
    LAPSED = "lapsed", "Утратил силу"


class Document(TimeStampedModel):
    """A document of the bank. Its file lives in DocumentFile (every upload is a version; one is current)."""

    # The municipality (or region) whose office keeps the document: scope for the educators' access.
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("название", max_length=500)
    kind = models.ForeignKey(
        DocumentKind, verbose_name="вид", on_delete=models.PROTECT, related_name="documents"
    )
    issuer = models.CharField("кем принят", max_length=300, blank=True)
    number = models.CharField("номер", max_length=100, blank=True)
    issued_on = models.DateField("дата принятия", null=True, blank=True)
    act_status = models.CharField("статус акта", max_length=20, choices=ActStatus.choices, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="заменён документом",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    subjects = models.ManyToManyField(
        "reference.Subject", verbose_name="предметы", blank=True, related_name="+"
    )
    grades = models.ManyToManyField("reference.Grade", verbose_name="классы", blank=True, related_name="+")
    tags = models.ManyToManyField(Tag, verbose_name="теги", blank=True, related_name="documents")
    annotation = models.TextField("аннотация", blank=True)
    authors = models.CharField("авторы", max_length=500, blank=True)
    access = models.CharField("доступ", max_length=20, choices=Access.choices, default=Access.EDUCATORS)
    is_published = models.BooleanField("опубликован", default=False)
    # Set on first publication: «новые» and the digest order by it.
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    download_count = models.PositiveIntegerField("скачиваний", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="добавил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # fold(title): sort and the naive search baseline, identical on both databases.
    search_title = models.CharField(max_length=500, editable=False, default="")

    class Meta:
        verbose_name = "документ"
        verbose_name_plural = "документы"
        indexes = [
            models.Index(fields=["organization", "is_published", "access"], name="library_doc_scope"),
            # Covers the browse page's counts by kind and its range of years over every visible
            # document (the visibility columns are in it): no read of the wide rows at region scale.
            models.Index(
                fields=["kind", "organization", "is_published", "access", "published_at", "issued_on"],
                name="library_doc_browse",
            ),
            models.Index(fields=["-published_at"], name="library_doc_published"),
            models.Index(fields=["-download_count"], name="library_doc_downloads"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("library:document", args=[self.pk])


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    ODT = "odt", "ODT"
    XLSX = "xlsx", "XLSX"
    PPTX = "pptx", "PPTX"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


class TextStatus(models.TextChoices):
    PENDING = "pending", "Текст извлекается"
    OK = "ok", "Текст извлечён"
    NO_TEXT = "no_text", "Скан без текстового слоя"
    FAILED = "failed", "Текст не удалось извлечь"
    NOT_APPLICABLE = "none", "Текст не извлекается (изображение или таблица)"


class DocumentFile(models.Model):
    """One uploaded version of a document's file. The stored name is generated, never the uploaded one;
    `text` is what extraction found (searched when this version is current)."""

    document = models.ForeignKey(
        Document, verbose_name="документ", on_delete=models.CASCADE, related_name="files"
    )
    version = models.PositiveIntegerField("версия")
    file = models.FileField("файл", upload_to="library/%Y/%m/", max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    kind = models.CharField("тип", max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)
    comment = models.CharField("что изменено", max_length=300, blank=True)
    is_current = models.BooleanField("текущая версия", default=True)
    text = models.TextField("извлечённый текст", blank=True, editable=False)
    text_status = models.CharField(
        "текст", max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING, editable=False
    )
    text_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "версия файла"
        verbose_name_plural = "версии файлов"
        ordering = ["document", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="library_file_version_unique"),
            models.UniqueConstraint(
                fields=["document"], condition=models.Q(is_current=True), name="library_file_one_current"
            ),
        ]
        indexes = [models.Index(fields=["text_status"], name="library_file_text_status")]

    def __str__(self) -> str:
        return f"{self.original_name} (версия {self.version})"


class NewsKind(models.TextChoices):
    NEWS = "news", "Новость"
    ANNOUNCEMENT = "announcement", "Объявление"


class Audience(models.TextChoices):
    PUBLIC = "public", "Всем, включая посетителей сайта"
    EVERYONE = "everyone", "Всем пользователям системы"
    SUBJECT_EDUCATORS = "subject_educators", "Педагогам выбранных предметов"
    SCHOOL_ADMINS = "school_admins", "Ответственным в ОО (заместителям директоров)"


class NewsPost(TimeStampedModel):
    """A news item or an announcement. `body` is the author's Markdown; `body_html` its sanitised
    rendering (written by the news services only, shown as safe)."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("вид", max_length=20, choices=NewsKind.choices, default=NewsKind.NEWS)
    title = models.CharField("заголовок", max_length=300)
    body = models.TextField("текст")
    body_html = models.TextField(editable=False, default="")
    # fold(title): the editors' search, the same on both databases (case and ё do not matter).
    search_title = models.CharField(max_length=300, editable=False, default="")
    audience = models.CharField("кому", max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    subjects = models.ManyToManyField(
        "reference.Subject", verbose_name="предметы", blank=True, related_name="+"
    )
    publish_at = models.DateTimeField("время публикации", default=timezone.now)
    is_draft = models.BooleanField("черновик", default=False)
    pinned = models.BooleanField("закреплено", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "новость"
        verbose_name_plural = "новости и объявления"
        indexes = [models.Index(fields=["organization", "is_draft", "-publish_at"], name="library_news_feed")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("library:news_detail", args=[self.pk])


class NewsAttachment(models.Model):
    post = models.ForeignKey(
        NewsPost, verbose_name="новость", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("файл", upload_to="news/%Y/%m/", max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    kind = models.CharField("тип", max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "вложение новости"
        verbose_name_plural = "вложения новостей"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class DigestSubscription(TimeStampedModel):
    """A user's subscription to the weekly digest of their subjects (no subjects: everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.CASCADE, related_name="digest"
    )
    subjects = models.ManyToManyField(
        "reference.Subject", verbose_name="предметы", blank=True, related_name="+"
    )
    is_active = models.BooleanField("подписка действует", default=True)
    # The end of the period the last digest covered: the next one lists what was published after it.
    last_sent_at = models.DateTimeField("последний дайджест", null=True, blank=True)

    class Meta:
        verbose_name = "подписка на дайджест"
        verbose_name_plural = "подписки на дайджест"

    def __str__(self) -> str:
        return f"Дайджест: {self.user}"


class LibrarySettings(TimeStampedModel):
    """The numbers of the bank the office edits (one row)."""

    max_file_mb = models.PositiveIntegerField("наибольший размер файла, МБ", default=20)
    # 0 = Monday … 6 = Sunday (Python's weekday()).
    digest_weekday = models.PositiveSmallIntegerField("день рассылки дайджеста", default=0)

    class Meta:
        verbose_name = "настройки банка документов"
        verbose_name_plural = "настройки банка документов"

    def __str__(self) -> str:
        return "Настройки банка документов"

    @classmethod
    def current(cls) -> LibrarySettings:
        return cls.objects.order_by("pk").first() or cls()
