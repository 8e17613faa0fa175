from __future__ import annotations

from typing import Any, cast

from django import forms

from imo.core.identifiers import digits_only
from imo.orgs.models import Organization, Role

_SCHOOL_ADMIN_FIELDS = ("name", "short_name", "address", "director", "phone", "email", "website")


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A declared choice field, typed as such (Form.fields is typed as plain Field)."""
    return cast(forms.ChoiceField, form.fields[name])


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class OrganizationForm(forms.ModelForm):
    """The organisation card. A school admin edits only names and contacts of their school."""

    website = forms.URLField(label="Сайт", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "parent",
            "kind",
            "name",
            "short_name",
            "settlement",
            "inn",
            "ogrn",
            "address",
            "director",
            "phone",
            "email",
            "website",
        ]
        help_texts = {
            "inn": "10 цифр, можно с пробелами.",
            "ogrn": "13 цифр.",
            "short_name": "Как организацию называют в списках и отчётах, например «СОШ № 1 г. Курчалой».",
        }

    def __init__(self, *args: Any, parents: Any = None, limited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if limited:
            for name in list(self.fields):
                if name not in _SCHOOL_ADMIN_FIELDS:
                    del self.fields[name]
        else:
            parent = _model_choice(self, "parent")
            parent.queryset = parents
            parent.required = True
            parent.empty_label = None
            _choice(self, "kind").choices = [
                choice for choice in Organization.Kind.choices if choice[0] != Organization.Kind.REGION
            ]
        _style(self)

    def clean_inn(self) -> str:
        return digits_only(self.cleaned_data.get("inn"))

    def clean_ogrn(self) -> str:
        return digits_only(self.cleaned_data.get("ogrn"))


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label="Дата закрытия", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class InviteForm(forms.Form):
    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    patronymic = forms.CharField(label="Отчество", max_length=150, required=False)
    email = forms.EmailField(label="Электронная почта", help_text="На этот адрес придёт ссылка для входа.")
    username = forms.SlugField(
        label="Логин",
        max_length=150,
        required=False,
        help_text="Латинские буквы, цифры, дефис. Если не заполнить, логином станет часть адреса почты "
        "до «@».",
    )
    organization = forms.ModelChoiceField(label="Организация", queryset=Organization.objects.none())
    role = forms.ChoiceField(label="Роль")

    def __init__(self, *args: Any, organizations: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "organization").queryset = organizations
        _choice(self, "role").choices = roles
        _style(self)


class MembershipForm(forms.Form):
    organization = forms.ModelChoiceField(label="Организация", queryset=Organization.objects.none())
    role = forms.ChoiceField(label="Роль", choices=Role.choices)

    def __init__(self, *args: Any, organizations: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "organization").queryset = organizations
        _choice(self, "role").choices = roles
        _style(self)
