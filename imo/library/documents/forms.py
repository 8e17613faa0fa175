"""Forms of the documents part: the browse filters, the document card, a new file version, a kind, the
bank's settings. Validation across fields (act requisites, replacement) is the services' job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from imo.library.documents.selectors import (
    DEFAULT_SORT,
    SORTS,
    DocumentFilters,
    grade_choices,
    subject_choices,
)
from imo.library.models import Access, ActStatus, Document, DocumentKind
from imo.orgs.models import Organization
from imo.reference.models import Grade, Subject

WEEKDAYS = [
    (0, "Понедельник"),
    (1, "Вторник"),
    (2, "Среда"),
    (3, "Четверг"),
    (4, "Пятница"),
    (5, "Суббота"),
    (6, "Воскресенье"),
]
DRAFT = "draft"


def _select(**attrs: Any) -> forms.Select:
    return forms.Select(attrs={"class": "form-select", **attrs})


class BrowseForm(forms.Form):
    """The list's GET parameters. Bad values are dropped, never an error page (links get shared)."""

    q = forms.CharField(
        label="Поиск",
        required=False,
        widget=forms.SearchInput(
            attrs={"class": "form-control", "placeholder": "Слова из названия, аннотации или текста"}
        ),
    )
    kind = forms.TypedChoiceField(label="Вид", required=False, coerce=int, empty_value=None, widget=_select())
    subject = forms.TypedChoiceField(
        label="Предмет", required=False, coerce=int, empty_value=None, widget=_select()
    )
    grade = forms.TypedChoiceField(
        label="Класс", required=False, coerce=int, empty_value=None, widget=_select()
    )
    year = forms.TypedChoiceField(label="Год", required=False, coerce=int, empty_value=None, widget=_select())
    status = forms.ChoiceField(label="Статус", required=False, widget=_select())
    sort = forms.ChoiceField(label="Порядок", required=False, choices=list(SORTS.items()), widget=_select())

    def __init__(
        self, data: Any, *, kinds: list[DocumentKind], years: list[int], editor: bool = False
    ) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["kind"].choices = [("", "Все виды"), *((k.pk, k.name) for k in kinds)]
        fields["subject"].choices = [("", "Все предметы"), *subject_choices()]
        fields["grade"].choices = [("", "Все классы"), *grade_choices()]
        fields["year"].choices = [("", "Все годы"), *((y, str(y)) for y in years)]
        statuses = [("", "Любой"), *ActStatus.choices]
        if editor:
            statuses.append((DRAFT, "Черновики"))
        fields["status"].choices = statuses

    def filters(self) -> DocumentFilters:
        """The valid filters; a field with a bad value is left out (the others apply)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        for name in self.errors:
            cleaned.pop(name, None)
        return DocumentFilters(
            kind=cleaned.get("kind"),
            subject=cleaned.get("subject"),
            grade=cleaned.get("grade"),
            year=cleaned.get("year"),
            status=cleaned.get("status") or None,
            sort=cleaned.get("sort") or DEFAULT_SORT,
        )

    @property
    def text(self) -> str:
        # The search shortens long queries itself and says so; 5,000 characters are plenty for that.
        return (getattr(self, "cleaned_data", {}).get("q") or "").strip()[:5000]


class DocumentForm(forms.ModelForm):
    """The card of a document. `tags` is a comma separated field; the first file is uploaded here too
    (`upload`, on creation only)."""

    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="Организация",
        queryset=Organization.objects.none(),  # the user's offices, set in __init__
        empty_label=None,
        widget=_select(),
    )
    tags = forms.CharField(
        label="Теги",
        required=False,
        max_length=1000,
        help_text="Через запятую, например: ФГОС, функциональная грамотность",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    upload = forms.FileField(
        label="Файл",
        help_text="PDF, DOCX, ODT, XLSX, PPTX, JPEG или PNG.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
    is_published = forms.BooleanField(
        label="Опубликовать сразу (иначе документ сохранится черновиком)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Document
        fields = [
            "title",
            "kind",
            "issuer",
            "number",
            "issued_on",
            "act_status",
            "replaced_by",
            "subjects",
            "grades",
            "annotation",
            "authors",
            "access",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control"}),
            "kind": _select(),
            "issuer": forms.TextInput(attrs={"class": "form-control"}),
            "number": forms.TextInput(attrs={"class": "form-control"}),
            "issued_on": forms.DateInput(format="%Y-%m-%d", attrs={"class": "form-control", "type": "date"}),
            "act_status": _select(),
            "replaced_by": _select(),
            "subjects": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "grades": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "annotation": forms.Textarea(attrs={"class": "form-control", "rows": 4}),
            "authors": forms.TextInput(attrs={"class": "form-control"}),
            "access": _select(),
        }
        help_texts = {
            "issuer": "Для нормативных актов: кем принят, номер и дата обязательны.",
            "replaced_by": "Только для утратившего силу акта.",
        }

    def __init__(
        self,
        *args: Any,
        offices: list[Any],
        replaced_by: QuerySet[Document],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        kinds = DocumentKind.objects.order_by("order", "name")
        if instance.pk:
            kinds = kinds.filter(is_archived=False) | kinds.filter(pk=instance.kind_id)
        else:
            kinds = kinds.filter(is_archived=False)
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]
        self.fields["kind"].empty_label = "— выберите вид —"  # type: ignore[attr-defined]
        self.fields["replaced_by"].queryset = replaced_by  # type: ignore[attr-defined]
        self.fields["replaced_by"].empty_label = "— не заменён —"  # type: ignore[attr-defined]
        self.fields["subjects"].queryset = Subject.objects.filter(is_archived=False).order_by("name")  # type: ignore[attr-defined]
        self.fields["grades"].queryset = Grade.objects.filter(is_archived=False).order_by("number")  # type: ignore[attr-defined]
        self.fields["access"].choices = Access.choices  # type: ignore[attr-defined]
        self.fields["act_status"].choices = [("", "—"), *ActStatus.choices]  # type: ignore[attr-defined]
        organization = self.fields["organization"]
        organization.queryset = Organization.objects.filter(pk__in=[o.pk for o in offices])  # type: ignore[attr-defined]
        if instance.pk:
            # A document stays with its office: moving it between offices changes who may read it.
            del self.fields["organization"]
            self.fields["tags"].initial = ", ".join(tag.name for tag in instance.tags.all())
        elif len(offices) == 1:
            # One office: nothing to choose, the document goes there.
            self._only_office = offices[0]
            organization.required = False
            organization.widget = forms.HiddenInput()
        if not creating:
            del self.fields["upload"]
            del self.fields["is_published"]
        else:
            self.fields["comment"] = forms.CharField(
                label="Комментарий к файлу",
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    _only_office: Any = None

    def clean_organization(self) -> Any:
        return self.cleaned_data.get("organization") or self._only_office

    def _post_clean(self) -> None:
        # The model's checks run in the service (with the act rules), so the card saves nothing twice.
        pass


class UploadForm(forms.Form):
    upload = forms.FileField(
        label="Новая версия файла",
        help_text="PDF, DOCX, ODT, XLSX, PPTX, JPEG или PNG. Прежняя версия останется в списке версий.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
    comment = forms.CharField(
        label="Что изменено",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class KindForm(forms.Form):
    name = forms.CharField(
        label="Наименование", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    is_act = forms.BooleanField(
        label="Нормативный акт (кем принят, номер, дата, статус)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    order = forms.IntegerField(
        label="Порядок в списке",
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class LibrarySettingsForm(forms.Form):
    max_file_mb = forms.IntegerField(
        label="Наибольший размер файла, МБ",
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    digest_weekday = forms.TypedChoiceField(
        label="День рассылки дайджеста", choices=WEEKDAYS, coerce=int, widget=_select()
    )
