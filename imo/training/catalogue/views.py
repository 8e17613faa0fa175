"""Pages of the course catalogue: providers, programmes and topics (list, Excel, add, edit, deactivate,
delete when unused), the settings of the rule numbers, and the programme picker.

Access: everyone who works with the system reads the catalogue (`training.view_catalogue`), the office
editors change it (`training.manage_catalogue`) and the rule numbers (`training.manage_settings`). Each
view starts with its one access check.

The programme picker, `training:programme_options` (GET, `training.view_catalogue`), for other parts' forms:

    ?q=        words of the title (case and ё do not matter); empty: the first programmes in Russian order
    ?provider= a provider id, ?kind= refresher | retraining: narrow the list
    ?selected= a programme id the form holds: always in the answer (first), even if inactive, and selected
    ?blank=1   begin with an empty option «— выберите программу —»

It answers `<option>` elements only (no <select>), at most 20 active programmes of active providers, each
`<option value="<id>" data-title data-kind data-hours data-form data-provider data-provider-kind>`
showing «title — provider, N ч». Use it as the target of an htmx search box, e.g.

    <input type="search" name="q" hx-get="{% url 'training:programme_options' %}"
           hx-trigger="input changed delay:300ms" hx-target="#id_programme">
    <select id="id_programme" name="programme">…</select>
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from imo.core.access import AppRequest, requires
from imo.core.forms import add_service_errors
from imo.training.catalogue import selectors, services
from imo.training.catalogue.forms import ProgrammeForm, ProviderForm, TopicForm, TrainingSettingsForm
from imo.training.catalogue.tables import ProgrammeTable, ProviderTable, TopicTable
from imo.training.models import CourseKind, TrainingSettings

VIEW = "training.view_catalogue"
MANAGE = "training.manage_catalogue"
SETTINGS = "training.manage_settings"
SECTION = "Курсы: организации и программы"


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    """Курсы: организации и программы › …; the last crumb is the current page."""
    crumbs = [{"label": SECTION, "url": reverse("training:providers")}]
    for item in tail:
        if isinstance(item, tuple):
            crumbs.append({"label": item[0], "url": item[1]})
        else:
            crumbs.append({"label": item})
    return crumbs


def _context(request: AppRequest, tab: str, **extra: object) -> dict[str, object]:
    return {
        "tab": tab,
        "can_manage": request.user.has_perm(MANAGE),
        "can_settings": request.user.has_perm(SETTINGS),
        **extra,
    }


def _apply(request: AppRequest, action: Callable[[], object], success: str) -> None:
    """Run a POST-only service and report the outcome as a message (the in-use refusal included)."""
    if request.method != "POST":
        return
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


def _back(request: AppRequest, default: str) -> HttpResponse:
    """Back to the list the action was started from (its filters and page kept), else to `default`."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


# --- providers ---------------------------------------------------------------------------------------


@requires(VIEW)
def provider_list(request: AppRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    table = ProviderTable(request, queryset=selectors.provider_rows(), editable=can_manage)
    return table.render(
        "training/catalogue/provider_list.html",
        _context(
            request,
            "providers",
            breadcrumbs=_crumbs("Организации"),
            empty_action_url=reverse("training:provider_create") if can_manage else "",
            empty_action_label="Добавить организацию",
        ),
    )


@requires(VIEW)
def provider_export(request: AppRequest) -> HttpResponse:
    return ProviderTable(request, queryset=selectors.provider_rows()).export_response()


@requires(MANAGE)
def provider_create(request: AppRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Организация «{provider}» добавлена в справочник.")
            return redirect("training:providers")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "providers",
            form=form,
            title="Новая организация",
            back=reverse("training:providers"),
            breadcrumbs=_crumbs(("Организации", reverse("training:providers")), "Новая организация"),
        ),
    )


@requires(MANAGE)
def provider_edit(request: AppRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(pk=pk)
    title = f"Организация: {provider}"
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(provider=provider, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("training:providers")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "providers",
            form=form,
            title=title,
            back=reverse("training:providers"),
            note=f"Программ: {getattr(provider, 'programme_count', 0)}, "
            f"курсов педагогов: {getattr(provider, 'record_count', 0)}. Тип организации в уже внесённых "
            "курсах не меняется: они оценены по типу на день записи.",
            breadcrumbs=_crumbs(("Организации", reverse("training:providers")), str(provider)),
        ),
    )


@requires(MANAGE)
def provider_deactivate(request: AppRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(pk=pk)
    _apply(
        request,
        lambda: services.provider_deactivate(provider=provider, by=request.user),
        f"Организация «{provider}» отключена: её и её программы больше не предлагают при вводе курсов, "
        "в прежних записях она сохранится.",
    )
    return _back(request, reverse("training:providers"))


@requires(MANAGE)
def provider_activate(request: AppRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(pk=pk)
    _apply(
        request,
        lambda: services.provider_activate(provider=provider, by=request.user),
        f"Организация «{provider}» снова используется.",
    )
    return _back(request, reverse("training:providers"))


@requires(MANAGE)
def provider_delete(request: AppRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(pk=pk)
    _apply(
        request,
        lambda: services.provider_delete(provider=provider, by=request.user),
        f"Организация «{provider}» удалена из справочника.",
    )
    return _back(request, reverse("training:providers"))


# --- programmes --------------------------------------------------------------------------------------


@requires(VIEW)
def programme_list(request: AppRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    table = ProgrammeTable(request, queryset=selectors.programme_rows(), editable=can_manage)
    return table.render(
        "training/catalogue/programme_list.html",
        _context(
            request,
            "programmes",
            breadcrumbs=_crumbs("Программы"),
            empty_action_url=reverse("training:programme_create") if can_manage else "",
            empty_action_label="Добавить программу",
        ),
    )


@requires(VIEW)
def programme_export(request: AppRequest) -> HttpResponse:
    return ProgrammeTable(request, queryset=selectors.programme_rows()).export_response()


@requires(MANAGE)
def programme_create(request: AppRequest) -> HttpResponse:
    initial = {"provider": _int(request.GET.get("provider")), "kind": CourseKind.REFRESHER}
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Программа «{programme.title}» добавлена в справочник.")
            return redirect("training:programmes")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "programmes",
            form=form,
            title="Новая программа",
            back=reverse("training:programmes"),
            breadcrumbs=_crumbs(("Программы", reverse("training:programmes")), "Новая программа"),
        ),
    )


@requires(MANAGE)
def programme_edit(request: AppRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(pk=pk)
    title = f"Программа: {programme.title}"
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("training:programmes")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "programmes",
            form=form,
            title=title,
            back=reverse("training:programmes"),
            note="Уже внесённые курсы педагогов сохраняют наименование, вид и объём, указанные при записи.",
            breadcrumbs=_crumbs(("Программы", reverse("training:programmes")), programme.title),
        ),
    )


@requires(MANAGE)
def programme_deactivate(request: AppRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(pk=pk)
    _apply(
        request,
        lambda: services.programme_deactivate(programme=programme, by=request.user),
        f"Программа «{programme.title}» отключена: её больше не предлагают при вводе курсов.",
    )
    return _back(request, reverse("training:programmes"))


@requires(MANAGE)
def programme_activate(request: AppRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(pk=pk)
    _apply(
        request,
        lambda: services.programme_activate(programme=programme, by=request.user),
        f"Программа «{programme.title}» снова используется.",
    )
    return _back(request, reverse("training:programmes"))


@requires(MANAGE)
def programme_delete(request: AppRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(pk=pk)
    _apply(
        request,
        lambda: services.programme_delete(programme=programme, by=request.user),
        f"Программа «{programme.title}» удалена из справочника.",
    )
    return _back(request, reverse("training:programmes"))


@requires(VIEW)
def programme_options(request: AppRequest) -> HttpResponse:
    """`<option>`s of programmes for other parts' pickers; the contract is in the module docstring."""
    kind = request.GET.get("kind", "")
    programmes = selectors.programme_search(
        q=request.GET.get("q", "")[:200],
        provider=_int(request.GET.get("provider")),
        kind=kind if kind in CourseKind.values else "",
        keep=_int(request.GET.get("selected")),
    )
    return render(
        request,
        "training/catalogue/programme_options.html",
        {
            "programmes": programmes,
            "selected": _int(request.GET.get("selected")),
            "blank": request.GET.get("blank") == "1",
        },
    )


# --- topics ------------------------------------------------------------------------------------------


@requires(VIEW)
def topic_list(request: AppRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    table = TopicTable(request, queryset=selectors.topic_rows(), editable=can_manage)
    return table.render(
        "training/catalogue/topic_list.html",
        _context(
            request,
            "topics",
            breadcrumbs=_crumbs("Темы курсов"),
            empty_action_url=reverse("training:topic_create") if can_manage else "",
            empty_action_label="Добавить тему",
        ),
    )


@requires(VIEW)
def topic_export(request: AppRequest) -> HttpResponse:
    return TopicTable(request, queryset=selectors.topic_rows()).export_response()


@requires(MANAGE)
def topic_create(request: AppRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Тема «{topic}» добавлена в конец списка.")
            return redirect("training:topics")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "topics",
            form=form,
            title="Новая тема",
            back=reverse("training:topics"),
            breadcrumbs=_crumbs(("Темы курсов", reverse("training:topics")), "Новая тема"),
        ),
    )


@requires(MANAGE)
def topic_edit(request: AppRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(pk=pk)
    title = f"Тема: {topic}"
    form = TopicForm(request.POST or None, initial={"name": topic.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_rename(topic=topic, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Тема переименована.")
            return redirect("training:topics")
    return render(
        request,
        "training/catalogue/form.html",
        _context(
            request,
            "topics",
            form=form,
            title=title,
            back=reverse("training:topics"),
            note="Новое название увидят все программы и курсы с этой темой.",
            breadcrumbs=_crumbs(("Темы курсов", reverse("training:topics")), topic.name),
        ),
    )


@requires(MANAGE)
def topic_move(request: AppRequest, pk: int, direction: str) -> HttpResponse:
    topic = selectors.topic_get(pk=pk)
    offset = -1 if direction == "up" else 1
    if request.method == "POST":
        try:
            services.topic_move(topic=topic, offset=offset, by=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
    return _back(request, reverse("training:topics"))


@requires(MANAGE)
def topic_delete(request: AppRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(pk=pk)
    _apply(
        request,
        lambda: services.topic_delete(topic=topic, by=request.user),
        f"Тема «{topic}» удалена.",
    )
    return _back(request, reverse("training:topics"))


# --- settings ----------------------------------------------------------------------------------------


@requires(SETTINGS)
def settings_edit(request: AppRequest) -> HttpResponse:
    current = TrainingSettings.current()
    form = TrainingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_settings_update(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Настройки сохранены.")
            return redirect("training:settings")
    return render(
        request,
        "training/catalogue/settings.html",
        _context(
            request,
            "settings",
            form=form,
            saved=TrainingSettings.objects.filter(pk=1).exists(),
            breadcrumbs=_crumbs("Настройки"),
        ),
    )
