"""Every write to the bank's documents, their kinds and the bank's settings.

Each function validates first and saves nothing when the input is bad, raising ValidationError with
Russian messages keyed by form field. Every write that changes what search finds (create, edit, a new
file, publish, delete) touches the search index on commit: the index is outside the transaction's rows on
SQLite (an FTS5 table) and must never hold a document that was rolled back.

Files go through `imo.library.files.services.file_version_add` (content check, versions, extraction).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from imo.core.conflicts import ensure_unchanged
from imo.core.text import collapse_spaces, fold
from imo.library.models import ActStatus, Document, DocumentFile, DocumentKind, LibrarySettings, Tag

ACT_FIELD_REQUIRED = "Для нормативного акта укажите, кем он принят, его номер и дату."
REPLACED_ONLY_LAPSED = "Документ, которым заменён акт, указывают только для утратившего силу акта."
REPLACED_BY_ITSELF = "Акт не может быть заменён самим собой."
DELETE_PUBLISHED = (
    "Документ опубликован: его уже видят и скачивают. Подтвердите удаление или сначала снимите его "
    "с публикации."
)
KIND_DUPLICATE = "Вид документа «{name}» уже есть."
KIND_IN_USE = "Этот вид указан у документов: удалить его нельзя, его можно перенести в архив."
TAG_TOO_LONG = "Тег «{name}…» длиннее 100 знаков."
MAX_FILE_MB = 200  # the settings page's ceiling: larger files belong in a file store, not in the bank

# The fields an editor fills in (forms pass them as `data`); M2M ones are set after saving.
DOCUMENT_FIELDS = (
    "title",
    "kind",
    "issuer",
    "number",
    "issued_on",
    "act_status",
    "replaced_by",
    "annotation",
    "authors",
    "access",
)
M2M_FIELDS = ("subjects", "grades")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _index_on_commit(document_ids: Sequence[int]) -> None:
    from imo.library.search.index import index_documents

    ids = list(document_ids)
    transaction.on_commit(lambda: index_documents(ids))


# --- tags --------------------------------------------------------------------------------------------


def tag_names(text: str) -> list[str]:
    """The tags of a comma (or semicolon) separated field, spaces collapsed, repeats (by fold) dropped."""
    names: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text or ""):
        name = collapse_spaces(part).strip(" .#")
        if name and fold(name) not in names:
            names[fold(name)] = name
    return list(names.values())


def tags_get_or_create(text: str) -> list[Tag]:
    """Tags of the field; one Tag per folded name, so «ФГОС» and «фгос» are one tag (the first spelling
    stays). Two queries plus one insert per new tag."""
    names = tag_names(text)
    too_long = [name for name in names if len(name) > 100]
    if too_long:
        raise ValidationError({"tags": [TAG_TOO_LONG.format(name=too_long[0][:30])]})
    keys = [fold(name) for name in names]
    existing = {tag.search_name: tag for tag in Tag.objects.filter(search_name__in=keys)}
    result = []
    for name, key in zip(names, keys, strict=True):
        tag = existing.get(key)
        if tag is None:
            tag, _ = Tag.objects.get_or_create(search_name=key, defaults={"name": name})
        result.append(tag)
    return result


# --- documents ---------------------------------------------------------------------------------------


def _apply(document: Document, data: dict[str, Any]) -> None:
    for name in DOCUMENT_FIELDS:
        if name in data:
            value = data[name]
            setattr(
                document,
                name,
                collapse_spaces(value) if isinstance(value, str) and name != "annotation" else value,
            )
    document.annotation = (document.annotation or "").strip()
    document.search_title = fold(document.title)[:500]


def _validate(document: Document) -> None:
    """The model's own checks, then the act rules: an act carries issuer, number and date and a status;
    `replaced_by` only for a lapsed act. Other kinds keep no act status."""
    errors: dict[str, list[str]] = {}
    try:
        document.full_clean(
            exclude=["organization", "created_by", "search_title"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        errors = {name: list(messages) for name, messages in error.message_dict.items()}
    kind = document.kind if document.kind_id else None
    if kind is not None and kind.is_act:
        for name in ("issuer", "number", "issued_on"):
            if not getattr(document, name) and name not in errors:
                errors[name] = [ACT_FIELD_REQUIRED]
        if not document.act_status:
            document.act_status = ActStatus.IN_FORCE
    elif kind is not None:
        document.act_status = ""
        document.replaced_by = None
    if document.replaced_by_id:
        if document.act_status != ActStatus.LAPSED:
            errors.setdefault("replaced_by", []).append(REPLACED_ONLY_LAPSED)
        elif document.pk and document.replaced_by_id == document.pk:
            errors.setdefault("replaced_by", []).append(REPLACED_BY_ITSELF)
    _raise(errors)


def _set_relations(document: Document, data: dict[str, Any], tags: list[Tag] | None) -> None:
    for name in M2M_FIELDS:
        if name in data:
            getattr(document, name).set(data[name] or [])
    if tags is not None:
        document.tags.set(tags)


@transaction.atomic
def document_create(*, organization: Any, data: dict[str, Any], upload: Any | None, by: Any) -> Document:
    """A new document (a draft unless `data["is_published"]`) of the office `organization`, with its
    first file when `upload` is given. `data["tags"]` is the comma separated field."""
    document = Document(organization=organization, created_by=by if getattr(by, "pk", None) else None)
    _apply(document, data)
    _validate(document)
    tags = tags_get_or_create(data.get("tags", "")) if "tags" in data else None
    if data.get("is_published"):
        document.is_published = True
        document.published_at = timezone.now()
    document.save()
    _set_relations(document, data, tags)
    if upload is not None:
        from imo.library.files.services import file_version_add

        try:
            file_version_add(document=document, upload=upload, by=by, comment=data.get("comment", ""))
        except ValidationError as error:
            # The form shows the file's problem beside the file field; nothing is saved.
            raise ValidationError({"upload": error.messages}) from error
    _index_on_commit([document.pk])
    return document


@transaction.atomic
def document_update(
    *, document: Document, data: dict[str, Any], by: Any, version: str | None = None
) -> Document:
    """Change the card of a document (the file goes through `document_file_add`)."""
    ensure_unchanged(document, version)
    _apply(document, data)
    _validate(document)
    tags = tags_get_or_create(data.get("tags", "")) if "tags" in data else None
    document.save()
    _set_relations(document, data, tags)
    _index_on_commit([document.pk])
    return document


@transaction.atomic
def document_file_add(*, document: Document, upload: Any, by: Any, comment: str = "") -> Any:
    """A new version of the document's file (the previous one stays in the version list)."""
    from imo.library.files.services import file_version_add

    try:
        version = file_version_add(document=document, upload=upload, by=by, comment=collapse_spaces(comment))
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    document.save(update_fields=["updated_at"])
    _index_on_commit([document.pk])
    return version


@transaction.atomic
def document_publish(*, document: Document, by: Any) -> Document:
    """Open the document to its readers; the first publication time stays (the digest orders by it)."""
    document.is_published = True
    if document.published_at is None:
        document.published_at = timezone.now()
    document.save(update_fields=["is_published", "published_at", "updated_at"])
    _index_on_commit([document.pk])
    return document


@transaction.atomic
def document_unpublish(*, document: Document, by: Any) -> Document:
    document.is_published = False
    document.save(update_fields=["is_published", "updated_at"])
    _index_on_commit([document.pk])
    return document


@transaction.atomic
def document_delete(*, document: Document, by: Any, confirmed: bool = False) -> None:
    """Delete a draft, or a published document when the editor confirmed it. Its stored files are removed
    after the commit (a rolled back delete keeps them), and so is its index entry."""
    if document.is_published and not confirmed:
        raise ValidationError(DELETE_PUBLISHED)
    names = list(document.files.values_list("file", flat=True))
    storage = DocumentFile._meta.get_field("file").storage
    pk = document.pk
    document.delete()

    def after() -> None:
        from imo.library.search.index import remove_documents

        remove_documents([pk])
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(after)


def document_downloaded(document: Document) -> None:
    """Count one download without a read-modify-write race (two downloads at once both count)."""
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)


# --- kinds -------------------------------------------------------------------------------------------


def _save_kind(kind: DocumentKind) -> DocumentKind:
    kind.name = collapse_spaces(kind.name or "")
    errors: dict[str, list[str]] = {}
    try:
        kind.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {name: list(messages) for name, messages in error.message_dict.items()}
    if kind.name and "name" not in errors:
        names = DocumentKind.objects.exclude(pk=kind.pk).values_list("name", flat=True)
        if any(fold(name) == fold(kind.name) for name in names):
            errors["name"] = [KIND_DUPLICATE.format(name=kind.name)]
    _raise(errors)
    kind.save()
    return kind


@transaction.atomic
def kind_create(*, name: str, is_act: bool = False, order: int | None = None, by: Any = None) -> DocumentKind:
    if order is None:
        last = DocumentKind.objects.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 10
    return _save_kind(DocumentKind(name=name, is_act=is_act, order=order))


@transaction.atomic
def kind_update(*, kind: DocumentKind, name: str, is_act: bool, order: int, by: Any = None) -> DocumentKind:
    kind.name, kind.is_act, kind.order = name, is_act, order
    return _save_kind(kind)


@transaction.atomic
def kind_archive(*, kind: DocumentKind, archived: bool = True, by: Any = None) -> DocumentKind:
    """An archived kind is no longer offered for new documents; its documents keep it."""
    kind.is_archived = archived
    kind.save(update_fields=["is_archived", "updated_at"])
    return kind


@transaction.atomic
def kind_delete(*, kind: DocumentKind, by: Any = None) -> None:
    if kind.documents.exists():
        raise ValidationError(KIND_IN_USE)
    kind.delete()


# --- settings ----------------------------------------------------------------------------------------


@transaction.atomic
def library_settings_update(*, max_file_mb: int, digest_weekday: int, by: Any = None) -> LibrarySettings:
    errors: dict[str, list[str]] = {}
    if not 1 <= max_file_mb <= MAX_FILE_MB:
        errors["max_file_mb"] = [f"Укажите размер от 1 до {MAX_FILE_MB} МБ."]
    if not 0 <= digest_weekday <= 6:
        errors["digest_weekday"] = ["Выберите день недели."]
    _raise(errors)
    current = LibrarySettings.objects.select_for_update().order_by("pk").first() or LibrarySettings()
    current.max_file_mb = max_file_mb
    current.digest_weekday = digest_weekday
    current.save()
    return current
