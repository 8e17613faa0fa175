from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from imo.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Логин или электронная почта",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    error_messages = {
        "invalid_login": "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Учётная запись отключена. Обратитесь в методический отдел.",
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "patronymic", "email", "phone"]
        labels = {"last_name": "Фамилия", "first_name": "Имя", "email": "Электронная почта"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True
        self.fields["email"].required = True


def bootstrap_fields(form: forms.BaseForm) -> forms.BaseForm:
    """Give Django's own forms (password change/reset) Bootstrap classes."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        if isinstance(widget, forms.Select):
            css = "form-select"
        widget.attrs.setdefault("class", css)
    return form
