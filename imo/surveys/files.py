"""Files uploaded in answers (school monitorings' documents), served to those who may see the results."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.http import FileResponse

from imo.core.documents.downloads import stored_file_attachment
from imo.library.files.detect import CONTENT_TYPES, EXTENSIONS
from imo.surveys.models import Answer

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_KIND_OF_EXTENSION = {extension: kind for kind, extension in EXTENSIONS.items()}


def download_name(answer: Answer) -> str:
    """The respondent's own file name when the survey kept it (named), else «Файл ответа N»; always with
    the extension of the stored file's real kind (checked on upload), never the typed one."""
    extension = PurePosixPath(answer.file.name).suffix.lstrip(".").lower() or "bin"
    stem = PurePosixPath(answer.text).stem if answer.text else ""
    stem = re.sub(r"\s+", " ", _UNSAFE.sub(" ", stem)).strip(" .")[:150].rstrip()
    return f"{stem or f'Файл ответа {answer.pk}'}.{extension}"


def answer_file_response(answer: Answer) -> FileResponse:
    """The file as a download (never inline), not kept by shared caches."""
    extension = PurePosixPath(answer.file.name).suffix.lstrip(".").lower()
    content_type = CONTENT_TYPES.get(_KIND_OF_EXTENSION.get(extension, ""), "application/octet-stream")
    handle = answer.file.storage.open(answer.file.name, "rb")
    return stored_file_attachment(handle, file_name=download_name(answer), content_type=content_type)
