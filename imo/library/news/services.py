"""Writes of news posts: create, update (with attachments added and removed), delete.

The Markdown `body` is rendered and sanitised here, once per save, into `body_html`; pages show only
`body_html`. Attachments are checked by their content (`imo.library.files.detect.check_upload`) and stored
under generated names; their files are removed from the storage only after the transaction commits.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse

from imo.core.documents.downloads import stored_file_attachment
from imo.core.text import fold
from imo.library.models import Audience, LibrarySettings, NewsAttachment, NewsPost
from imo.library.news.sanitize import render_markdown
from imo.library.selectors import library_offices_for

#: The fields a form hands over (`subjects` is a list of Subject objects).
FIELDS = ("title", "kind", "body", "audience", "publish_at", "pinned", "is_draft")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"jpeg": "jpg"}
MAX_ATTACHMENTS = 10


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _clean(data: dict[str, Any], subjects: list[Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = ["Укажите заголовок."]
    if not (data.get("body") or "").strip():
        errors["body"] = ["Напишите текст новости."]
    if data.get("audience") == Audience.SUBJECT_EDUCATORS and not subjects:
        errors["subjects"] = ["Выберите предметы: новость адресована педагогам выбранных предметов."]
    if errors:
        raise ValidationError(errors)


def _check_office(organization: Any, by: Any) -> None:
    if organization.pk not in {office.pk for office in library_offices_for(by)}:
        raise ValidationError({"organization": ["От имени этой организации публиковать новости нельзя."]})


def clean_name(name: str) -> str:
    """The uploaded file's name as shown to readers: no folders, no control characters, at most 255."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f\x7f]+", "", base).strip()
    return (base or "файл")[-255:]


def _checked(uploads: Iterable[Any]) -> list[tuple[Any, str]]:
    """Each upload with its kind found by content; every refusal at once, in Russian."""
    from imo.library.files.detect import check_upload  # H2's part; imported late to keep parts apart

    max_bytes = LibrarySettings.current().max_file_mb * 1024 * 1024
    checked: list[tuple[Any, str]] = []
    problems: list[str] = []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload, max_bytes=max_bytes)))
        except ValidationError as error:
            problems.append(f"{clean_name(upload.name)}: {' '.join(error.messages)}")
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def _store(post: NewsPost, checked: list[tuple[Any, str]]) -> None:
    stored: list[str] = []
    try:
        for upload, kind in checked:
            upload.seek(0)
            attachment = NewsAttachment(
                post=post, original_name=clean_name(upload.name), kind=kind, size=upload.size
            )
            # A generated name: the uploaded one may hold anything (paths, scripts' extensions).
            attachment.file.save(f"news-{uuid.uuid4().hex}.{EXTENSIONS.get(kind, kind)}", upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except Exception:
        storage = NewsAttachment._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _delete_files_on_commit(names: list[str]) -> None:
    storage = NewsAttachment._meta.get_field("file").storage

    def delete(name: str) -> None:
        transaction.on_commit(lambda: storage.delete(name))

    for name in names:
        if name:
            delete(name)


def _save(post: NewsPost, data: dict[str, Any], subjects: list[Any]) -> None:
    for field in FIELDS:
        if field in data:
            setattr(post, field, data[field])
    post.body_html = render_markdown(post.body)
    post.search_title = fold(post.title)
    post.save()
    # Subjects only narrow «педагогам выбранных предметов»; other audiences keep none to avoid confusion.
    post.subjects.set(subjects if post.audience == Audience.SUBJECT_EDUCATORS else [])


@transaction.atomic
def news_create(
    *, organization: Any, data: dict[str, Any], attachments: Iterable[Any] = (), by: Any
) -> NewsPost:
    """A new post of `organization`'s office (one of `by`'s offices)."""
    subjects = list(data.get("subjects") or [])
    _check_office(organization, by)
    _clean(data, subjects)
    checked = _checked(attachments)
    if len(checked) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"Не больше {MAX_ATTACHMENTS} файлов к одной новости."]})
    post = NewsPost(organization=organization, author=_user(by))
    _save(post, data, subjects)
    _store(post, checked)
    return post


@transaction.atomic
def news_update(
    *,
    post: NewsPost,
    data: dict[str, Any],
    attachments: Iterable[Any] = (),
    remove_attachments: Iterable[int] = (),
    by: Any,
) -> NewsPost:
    """Change a post; `remove_attachments` are ids of its attachments to drop."""
    subjects = list(data.get("subjects") or [])
    _clean(data, subjects)
    checked = _checked(attachments)
    removed = list(post.attachments.filter(pk__in=list(remove_attachments)))
    if post.attachments.count() - len(removed) + len(checked) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"Не больше {MAX_ATTACHMENTS} файлов к одной новости."]})
    _save(post, data, subjects)
    for attachment in removed:
        attachment.delete()
    _delete_files_on_commit([attachment.file.name for attachment in removed])
    _store(post, checked)
    return post


@transaction.atomic
def news_delete(*, post: NewsPost, by: Any) -> None:
    names = list(post.attachments.values_list("file", flat=True))
    post.delete()
    _delete_files_on_commit(names)


def attachment_response(attachment: NewsAttachment) -> FileResponse:
    """The attachment as a download under its original name, never shown inline."""
    # Attachments of non-public posts must not stay in shared caches (the helper says private, no-store).
    return stored_file_attachment(
        attachment.file.open("rb"),
        file_name=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
