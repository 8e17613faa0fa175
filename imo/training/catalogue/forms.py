"""Forms of the course catalogue: input and widgets only. The rules (ИНН checksum and uniqueness, the
minimum hours of a kind, duplicates, the settings' ranges) are checked by the services, whose errors
the views put back onto these forms (imo.core.forms.add_service_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from imo.core.collation import russian
from imo.reference.models import Subject
from imo.training.catalogue.selectors import provider_choices, topic_choices
from imo.training.models import Programme, Provider, TrainingSettings


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class _CatalogueForm(forms.ModelForm):
    """A model form that only reads input: the instance is left untouched (the service writes it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self) -> None:
        """No model validation here: the service runs it and reports every error in Russian."""


class ProviderForm(_CatalogueForm):
    class Meta:
        model = Provider
        fields = ["name", "short_name", "inn", "kind"]
        help_texts = {
            "name": "Полное наименование, как в лицензии или в документах о повышении квалификации.",
            "short_name": "Как организацию называют в списках, например «ИРО».",
            "inn": "10 цифр; проверяется контрольное число. Необязательно, но помогает сопоставлять "
            "списки слушателей.",
            "kind": "С 01.09.2025 учителям засчитываются курсы государственных и муниципальных "
            "организаций, организаций, учреждённых государством, «Сириуса», «Сколково» и общероссийских "
            "спортивных федераций.",
        }
        widgets = {"inn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}


class ProgrammeForm(_CatalogueForm):
    class Meta:
        model = Programme
        fields = ["title", "provider", "kind", "hours", "form", "topics", "subjects"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
            "subjects": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "topics": "По темам курсы отбирают в отчётах и в плане.",
            "subjects": "Учителям каких предметов подходит программа; ничего не отмечено — всем.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Programme = self.instance
        provider_field: Any = self.fields["provider"]
        provider_field.queryset = provider_choices(keep=instance.provider_id if instance.pk else None)
        provider_field.empty_label = "— выберите организацию —"
        topics_field: Any = self.fields["topics"]
        topics_field.queryset = topic_choices()
        subjects_field: Any = self.fields["subjects"]
        current = list(instance.subjects.values_list("pk", flat=True)) if instance.pk else []
        subjects_field.queryset = Subject.objects.filter(Q(is_archived=False) | Q(pk__in=current)).order_by(
            russian("name"), "pk"
        )
        settings = TrainingSettings.current()
        self.fields["hours"].widget.attrs.update({"min": 1, "inputmode": "numeric"})
        self.fields["hours"].help_text = (
            f"Не менее {settings.refresher_min_hours} часов для повышения квалификации и "
            f"{settings.retraining_min_hours} часов для профессиональной переподготовки "
            "(приказ Минобрнауки России № 266; числа — в настройках)."
        )
        form_field: Any = self.fields["form"]
        form_field.choices = [("", "— не указана —"), *form_field.choices[1:]]


class TopicForm(forms.Form):
    name = forms.CharField(label="Тема", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TrainingSettingsForm(_CatalogueForm):
    class Meta:
        model = TrainingSettings
        fields = [
            "rule_years",
            "refresher_min_hours",
            "retraining_min_hours",
            "other_providers_count_until",
            "scan_max_mb",
        ]
        widgets = {
            "other_providers_count_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "rule_years": "Право и обязанность педагога — дополнительное профессиональное образование "
            "не реже одного раза в три года (Федеральный закон № 273-ФЗ, ст. 47 ч. 5 п. 2, "
            "ст. 48 ч. 1 п. 7). "
            "По этому сроку строится список тех, кому пора на курсы.",
            "refresher_min_hours": "Не менее 16 часов (Порядок организации образовательной деятельности по "
            "дополнительным профессиональным программам, приказ Минобрнауки России от 24.03.2025 № 266).",
            "retraining_min_hours": "Не менее 250 часов (тот же приказ № 266).",
            "other_providers_count_until": "С 01.09.2025 учителям засчитываются курсы только государственных "
            "и муниципальных организаций, организаций, учреждённых государством, «Сириуса», «Сколково» и "
            "общероссийских спортивных федераций; документы, выданные раньше, остаются действительными. "
            "Курсы иных организаций, оконченные после этой даты, не засчитываются. При изменении даты "
            "уже внесённые курсы пересчитываются.",
            "scan_max_mb": "Ограничение размера файла скана удостоверения или диплома (PDF, JPEG, PNG).",
        }
