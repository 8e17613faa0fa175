"""The audit log of bulk writes (imo.core.imports.audit): entries as django-auditlog's own signals write
them, for new and changed objects, with what a caller folds in."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from imo.core.documents.models import DocumentCounter, IssuedDocument
from imo.core.imports.audit import Extra, log_bulk_changes

User = get_user_model()
pytestmark = pytest.mark.django_db
MOSCOW = dt.timezone(dt.timedelta(hours=3))


def _document(**values) -> IssuedDocument:
    fields = {
        "kind": "certificate",
        "title": "Справка о работе",
        "number": "12-С",
        "year": 2025,
        "sequence": 12,
        "issued_on": dt.date(2025, 3, 10),
        "issued_at": dt.datetime(2025, 3, 10, 9, 30, 15, 123456, tzinfo=MOSCOW),
        "format": "pdf",
        "file": "documents/issued/2025/x.pdf",
        "file_name": "Справка.pdf",
        "size": 100,
        "organization_id": 7,
        **values,
    }
    return IssuedDocument.objects.create(**fields)


def _signal_entry(obj) -> LogEntry:
    return LogEntry.objects.get_for_object(obj).latest("pk")


def _meaningful(entry: LogEntry) -> dict:
    """The signal's changes without its quirks: an empty foreign key of a new object as ["None", "None"],
    reverse relations as "app.Model.None"."""
    fields = {field.name for field in entry.content_type.model_class()._meta.concrete_fields}
    return {
        name: values for name, values in entry.changes.items() if name in fields and values[0] != values[1]
    }


def _copy(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.mark.parametrize("make", ["document", "user"])
def test_a_new_object_is_logged_as_the_signals_log_it(make):
    obj = _document() if make == "document" else User.objects.create_user("ivanova", "i@example.ru", "x")
    by_signal = _signal_entry(obj)
    assert log_bulk_changes([(None, obj)], by=None) == 1
    ours = _signal_entry(obj)
    assert ours.pk != by_signal.pk and ours.action == LogEntry.Action.CREATE
    assert ours.changes == _meaningful(by_signal)
    assert (ours.object_pk, ours.object_id, ours.object_repr) == (
        by_signal.object_pk,
        by_signal.object_id,
        by_signal.object_repr,
    )
    assert ours.content_type == ContentType.objects.get_for_model(type(obj))


def test_a_change_is_logged_as_the_signals_log_it():
    old = _document()
    new = _copy(old)
    new.title, new.issued_on, new.sequence = "Справка (копия)", dt.date(2025, 3, 11), 13
    new.issued_at = dt.datetime(2025, 3, 11, 0, 30, tzinfo=MOSCOW)  # the day before, in UTC
    new.save()
    by_signal = _signal_entry(new)
    assert log_bulk_changes([(old, new)], by=None) == 1
    ours = _signal_entry(new)
    assert ours.action == LogEntry.Action.UPDATE and ours.changes == _meaningful(by_signal)
    assert ours.changes["issued_at"] == ["2025-03-10 06:30:15.123456", "2025-03-10 21:30:00"]


def test_nothing_is_written_for_no_change_and_for_models_the_log_does_not_follow():
    document = _document()
    entries = LogEntry.objects.count()
    counter = DocumentCounter.objects.create(kind="certificate", year=2025, last=1)
    assert log_bulk_changes([(_copy(document), document), (None, counter)], by=None) == 0
    assert log_bulk_changes([], by=None) == 0
    assert LogEntry.objects.count() == entries


def test_the_actor_and_what_the_caller_folds_in():
    author = User.objects.create_user("head", "head@example.ru", "x")
    document = _document()

    def extra(obj):
        return Extra(
            {"шаблон": ["None", "Справка\tс «кавычками» и \\ чертой\n"]}, {"created_with": {"x.y": [1]}}
        )

    assert log_bulk_changes([(None, document)], by=author, extra=extra) == 1
    entry = _signal_entry(document)
    assert entry.actor == author and entry.actor_email == "head@example.ru"
    assert entry.changes["шаблон"] == ["None", "Справка\tс «кавычками» и \\ чертой\n"]
    assert entry.changes["title"] == ["None", "Справка о работе"]
    assert entry.additional_data == {"created_with": {"x.y": [1]}}
