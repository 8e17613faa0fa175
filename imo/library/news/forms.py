"""The editor's form of a news post. Checks that need the database or other fields (subjects required for
«педагогам выбранных предметов», attachments by content) are the services'; their errors come back onto
the form's fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from imo.core.tables import russian
from imo.library.models import Audience, NewsAttachment, NewsKind
from imo.reference.models import Subject


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the Django documentation's recipe); an empty list when none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class NewsForm(forms.Form):
    organization = forms.TypedChoiceField(label="От имени", coerce=int)
    title = forms.CharField(label="Заголовок", max_length=300)
    kind = forms.ChoiceField(label="Вид", choices=NewsKind.choices, initial=NewsKind.NEWS)
    body = forms.CharField(
        label="Текст",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Разметка Markdown: **жирный**, *курсив*, «- » в начале строки — список, "
        "«## » — подзаголовок, [текст](https://адрес) — ссылка. HTML не поддерживается.",
    )
    audience = forms.ChoiceField(
        label="Кому", choices=Audience.choices, initial=Audience.PUBLIC, widget=forms.RadioSelect
    )
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы",
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Нужны, когда новость адресована педагогам выбранных предметов.",
    )
    publish_at = forms.DateTimeField(
        label="Время публикации",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Будущее время — новость появится сама в этот момент.",
    )
    pinned = forms.BooleanField(label="Закрепить вверху списка", required=False)
    is_draft = forms.BooleanField(label="Черновик (не публиковать)", required=False)
    attachments = MultipleFileField(
        label="Прикрепить файлы",
        required=False,
        help_text="PDF, DOCX, ODT, XLSX, PPTX, JPEG или PNG; не больше 10 файлов.",
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label="Удалить вложения",
        queryset=NewsAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offices: list[Any], attachments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organization"]).choices = [
            (office.pk, str(office)) for office in offices
        ]
        if offices and not self.initial.get("organization"):
            self.initial["organization"] = offices[0].pk
        if len(offices) <= 1:
            self.fields["organization"].widget = forms.HiddenInput()
        cast(forms.ModelMultipleChoiceField, self.fields["subjects"]).queryset = Subject.objects.filter(
            is_archived=False
        ).order_by(russian("name"), "pk")
        self.initial.setdefault("publish_at", timezone.localtime().replace(second=0, microsecond=0))
        if attachments is not None and attachments.exists():
            cast(forms.ModelMultipleChoiceField, self.fields["remove_attachments"]).queryset = attachments
        else:
            del self.fields["remove_attachments"]
        _style(self)

    def post_data(self) -> dict[str, Any]:
        """What the services take as `data`."""
        names = ("title", "kind", "body", "audience", "subjects", "publish_at", "pinned", "is_draft")
        return {name: self.cleaned_data[name] for name in names}
