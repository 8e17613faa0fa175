"""Charts: declared once in Python, drawn server-side by matplotlib for pages, PDFs and DOCX reports.

A module declares what to draw and gets three renderings of the same data:

    chart = Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title="Организации по типам",
        labels=("Школы", "Детские сады"),
        series=(Series("Организации", (23, 17)),),
        unit="шт.",
    )
    block = chart_block(chart)          # pages: {% include "components/chart.html" with chart=block %}
    svg = chart_svg(chart)              # PDFs (WeasyPrint) and anything else that takes SVG markup
    png = chart_png(chart)              # DOCX reports (docxtpl InlineImage, see imo.core.documents.DocxImage)

Pages get an inline SVG that the Content-Security-Policy allows: matplotlib writes its styling into
`style` attributes and a `<style>` element, both blocked by `style-src 'self'`, so the markup is rewritten
to SVG presentation attributes (see docs/decisions/0008-charts.md). Every chart comes with its data as a
table (`chart_table`) for screen readers and for people who prefer numbers.

matplotlib takes about a second to import: it is imported on the first chart drawn, never by merely
importing this module, so pages without charts do not pay for it.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.safestring import SafeString, mark_safe


class ChartKind(StrEnum):
    BAR = "bar"  # vertical bars (columns)
    BAR_HORIZONTAL = "barh"  # horizontal bars: best for long Russian labels
    LINE = "line"
    PIE = "pie"
    DONUT = "donut"


# Okabe–Ito colours (distinguishable with colour-blindness), the site's navy first.
PALETTE = (
    "#1d3f6e",
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#0072b2",
    "#f0e442",
    "#6c757d",
)
TEXT_COLOR = "#212529"
GRID_COLOR = "#dee2e6"
# Fonts for the text of page SVGs: DejaVu Sans is what matplotlib measured the labels with; Verdana has
# nearly the same metrics; the rest are fallbacks that are narrower, so labels never overflow.
SVG_FONT_STACK = "'DejaVu Sans', Verdana, 'Liberation Sans', Arial, sans-serif"
WIDTH_INCHES = 7.2


@dataclass(frozen=True)
class Series:
    """One named row of values, one value per label (None = no value)."""

    name: str
    values: tuple[float | int | None, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(_number(v) for v in self.values))


@dataclass(frozen=True)
class Chart:
    """What to draw. Frozen and hashable, so a drawing is cached by its data."""

    kind: ChartKind
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # shown on the value axis and in the table header: "шт.", "%", "чел."
    label_title: str = ""  # the header of the labels column in the table: "Тип организации"
    value_axis_title: str = ""
    stacked: bool = False  # bar / barh with several series
    decimals: int = 0  # digits after the comma in value labels and the table
    description: str = ""  # one sentence for screen readers, added to the accessible name
    height_inches: float | None = None  # None: chosen from the kind and the number of labels

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ChartKind(self.kind))
        object.__setattr__(self, "labels", tuple(str(label) for label in self.labels))
        object.__setattr__(self, "series", tuple(self.series))
        if not self.series:
            raise ValueError("A chart needs at least one series.")
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(
                    f"Series {series.name!r} has {len(series.values)} values for {len(self.labels)} labels."
                )
        if self.kind in (ChartKind.PIE, ChartKind.DONUT) and len(self.series) != 1:
            raise ValueError("A pie or donut chart shows exactly one series.")

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no labels or every value empty or zero."""
        return not any(value for series in self.series for value in series.values)

    @property
    def accessible_name(self) -> str:
        text = f"Диаграмма: {self.title}."
        if self.description:
            text += f" {self.description}"
        return f"{text} Данные приведены в таблице под диаграммой."


@dataclass(frozen=True)
class ChartTable:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartBlock:
    """What the page component `components/chart.html` needs: the chart, its SVG and its table."""

    chart: Chart
    svg: SafeString
    table: ChartTable
    dom_id: str

    @property
    def title(self) -> str:
        return self.chart.title

    @property
    def is_empty(self) -> bool:
        return self.chart.is_empty


# --- public API -----------------------------------------------------------------------------------


def chart_svg(chart: Chart) -> SafeString:
    """Inline SVG markup for pages and PDFs: no <style>, no style attributes, no scripts, no fixed ids
    other than matplotlib's salted ones; `role="img"` with the chart's accessible name."""
    return mark_safe(_svg_markup(chart))  # built by matplotlib, rewritten by _clean_svg


def chart_png(chart: Chart, *, dpi: int = 200) -> bytes:
    """A PNG of the chart (for DOCX reports), drawn at `dpi` for sharp printing."""
    return _png_bytes(chart, dpi)


def chart_table(chart: Chart) -> ChartTable:
    """The chart's data as a table: the labels in the first column, one column per series."""
    unit = f", {chart.unit}" if chart.unit else ""
    headers = (chart.label_title or "Показатель", *(f"{s.name}{unit}" for s in chart.series))
    rows = tuple(
        (label, *(format_number(s.values[index], chart.decimals) for s in chart.series))
        for index, label in enumerate(chart.labels)
    )
    return ChartTable(caption=chart.title, headers=headers, rows=rows)


_block_counter = {"n": 0}
_counter_lock = threading.Lock()


def chart_block(chart: Chart) -> ChartBlock:
    """Everything `{% include "components/chart.html" with chart=block %}` shows."""
    with _counter_lock:
        _block_counter["n"] += 1
        number = _block_counter["n"]
    svg = SafeString("") if chart.is_empty else chart_svg(chart)
    return ChartBlock(chart=chart, svg=svg, table=chart_table(chart), dom_id=f"chart-{number}")


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """Russian number format: a non-breaking space between thousands, a decimal comma; None → «—»."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def top_with_rest(
    pairs: Sequence[tuple[str, float | int]], *, limit: int, rest_label: str = "Остальные"
) -> list[tuple[str, float | int]]:
    """The `limit` largest pairs (label, value), the others summed into one «Остальные (N)» pair."""
    ordered = sorted(pairs, key=lambda pair: -pair[1])
    if len(ordered) <= limit:
        return list(ordered)
    head, tail = ordered[: limit - 1], ordered[limit - 1 :]
    return [*head, (f"{rest_label} ({len(tail)})", sum(value for _, value in tail))]


# --- drawing --------------------------------------------------------------------------------------

_matplotlib_lock = threading.Lock()


@functools.cache
def _matplotlib() -> Any:
    """Import and configure matplotlib once, on the first chart (never at module import)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    matplotlib.rcParams.update(
        {
            # DejaVu Sans ships with matplotlib itself: Cyrillic works on any server.
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "text.color": TEXT_COLOR,
            "axes.labelcolor": TEXT_COLOR,
            "axes.edgecolor": "#6c757d",
            "xtick.color": TEXT_COLOR,
            "ytick.color": TEXT_COLOR,
            "svg.fonttype": "none",  # real <text>: small, sharp, selectable; the page's fonts draw it
            "svg.hashsalt": None,  # random ids per drawing: two charts on one page never clash
            "text.usetex": False,
        }
    )
    return matplotlib


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Chart values must be numbers, got {type(value).__name__}.")


def _plain(text: str) -> str:
    """Text shown as is: `$` would start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_plain(text), width=width, break_long_words=False)) or " "


def _height(chart: Chart) -> float:
    if chart.height_inches:
        return chart.height_inches
    if chart.kind == ChartKind.BAR_HORIZONTAL:
        rows = len(chart.labels) * (1 if chart.stacked else max(1, len(chart.series)) * 0.7)
        return max(2.2, min(14.0, 1.0 + 0.38 * rows + 0.3 * (len(chart.series) > 1)))
    if chart.kind in (ChartKind.PIE, ChartKind.DONUT):
        return 3.0
    return 3.8


def _figure(chart: Chart) -> Any:
    _matplotlib()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, _height(chart)), facecolor="white")
    if chart.kind in (ChartKind.PIE, ChartKind.DONUT):
        # The round part on the left half, its legend on the right half: no empty band between them.
        axes = figure.add_axes((0.0, 0.0, 0.48, 0.86))
        _draw_pie(chart, figure, axes)
        figure.text(0.01, 0.97, _wrap(chart.title, 70), ha="left", va="top", fontsize=12, fontweight="bold")
        return figure
    axes = figure.add_subplot()
    if chart.kind == ChartKind.LINE:
        _draw_line(chart, axes)
    else:
        _draw_bars(chart, axes)
    axes.set_title(_wrap(chart.title, 70), loc="left", fontsize=12, fontweight="bold", pad=12)
    figure.tight_layout()
    return figure


def _style_value_axis(chart: Chart, axes: Any, *, horizontal: bool) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis = axes.xaxis if horizontal else axes.yaxis
    values = [v for s in chart.series for v in s.values if v is not None]
    if all(float(v).is_integer() for v in values):
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, chart.decimals if v % 1 else 0)))
    title = chart.value_axis_title or chart.unit
    if title:
        (axes.set_xlabel if horizontal else axes.set_ylabel)(_plain(title))
    axes.grid(axis="x" if horizontal else "y", color=GRID_COLOR, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_bars(chart: Chart, axes: Any) -> None:
    horizontal = chart.kind == ChartKind.BAR_HORIZONTAL
    count = len(chart.labels)
    positions = list(range(count))
    several = len(chart.series) > 1
    width = 0.8 if (chart.stacked or not several) else 0.8 / len(chart.series)
    bottoms = [0.0] * count
    for index, series in enumerate(chart.series):
        values = [v or 0 for v in series.values]
        places: list[float]
        if chart.stacked or not several:
            places = [float(p) for p in positions]
        else:
            offset = (index - (len(chart.series) - 1) / 2) * width
            places = [p + offset for p in positions]
        color = PALETTE[index % len(PALETTE)]
        if horizontal:
            bars = axes.barh(
                places, values, height=width, left=bottoms, color=color, label=_plain(series.name)
            )
        else:
            bars = axes.bar(
                places, values, width=width, bottom=bottoms, color=color, label=_plain(series.name)
            )
        if not chart.stacked:
            axes.bar_label(
                bars,
                labels=[format_number(v, chart.decimals) if v else "" for v in series.values],
                padding=3,
                fontsize=9,
            )
        if chart.stacked:
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    if horizontal:
        axes.set_yticks(positions, [_wrap(label, 34) for label in chart.labels])
        axes.invert_yaxis()  # the first label on top, as in the table
        axes.margins(x=0.12)
    else:
        many = count > 6
        axes.set_xticks(
            positions,
            [_wrap(label, 12 if many else 18) for label in chart.labels],
            rotation=30 if count > 10 else 0,
            ha="right" if count > 10 else "center",
        )
        axes.margins(y=0.12)
    _style_value_axis(chart, axes, horizontal=horizontal)
    if several:
        axes.legend(frameon=False, loc="best", fontsize=9)


def _draw_line(chart: Chart, axes: Any) -> None:
    positions = list(range(len(chart.labels)))
    for index, series in enumerate(chart.series):
        axes.plot(
            positions,
            [float("nan") if v is None else v for v in series.values],
            marker="o",
            linewidth=2,
            color=PALETTE[index % len(PALETTE)],
            label=_plain(series.name),
        )
    axes.set_xticks(positions, [_wrap(label, 14) for label in chart.labels])
    _style_value_axis(chart, axes, horizontal=False)
    if len(chart.series) > 1:
        axes.legend(frameon=False, loc="best", fontsize=9)


def _draw_pie(chart: Chart, figure: Any, axes: Any) -> None:
    values = [v or 0 for v in chart.series[0].values]
    total = sum(values)
    shown = [(label, value) for label, value in zip(chart.labels, values, strict=True) if value > 0]
    colors = [
        PALETTE[i % len(PALETTE)]
        for i, (label, value) in enumerate(zip(chart.labels, values, strict=True))
        if value > 0
    ]
    if not shown:
        axes.axis("off")
        return

    def percent(share: float) -> str:
        return f"{format_number(share, 0)} %" if share >= 4 else ""

    wedges, _texts, autotexts = axes.pie(
        [value for _, value in shown],
        colors=colors,
        startangle=90,
        counterclock=False,
        autopct=percent,
        pctdistance=0.78 if chart.kind == ChartKind.DONUT else 0.65,
        wedgeprops={
            "linewidth": 1,
            "edgecolor": "white",
            **({"width": 0.42} if chart.kind == ChartKind.DONUT else {}),
        },
        textprops={"fontsize": 9},
    )
    for text, color in zip(autotexts, colors, strict=True):
        text.set_color(
            "white" if color in ("#1d3f6e", "#0072b2", "#d55e00", "#009e73", "#6c757d") else TEXT_COLOR
        )
    if chart.kind == ChartKind.DONUT:
        axes.text(
            0,
            0,
            format_number(total, chart.decimals),
            ha="center",
            va="center",
            fontsize=16,
            fontweight="bold",
        )
    axes.axis("equal")
    figure.legend(
        wedges,
        [f"{_wrap(label, 36)} — {format_number(value, chart.decimals)}" for label, value in shown],
        loc="center left",
        bbox_to_anchor=(0.5, 0.45),
        frameon=False,
        fontsize=10,
    )


@functools.lru_cache(maxsize=64)
def _svg_markup(chart: Chart) -> str:
    with _matplotlib_lock:  # rcParams are global; one drawing at a time keeps them consistent
        figure = _figure(chart)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _clean_svg(buffer.getvalue(), label=chart.accessible_name)


@functools.lru_cache(maxsize=32)
def _png_bytes(chart: Chart, dpi: int) -> bytes:
    with _matplotlib_lock:
        figure = _figure(chart)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


# --- making matplotlib's SVG safe under the Content-Security-Policy --------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# CSS properties matplotlib writes into style="" that are also SVG presentation attributes.
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
        "word-spacing",
    }
)
_DROPPED_ELEMENTS = frozenset({"style", "script", "metadata", "foreignObject", "title", "desc"})
_URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font-family":
            value = SVG_FONT_STACK
        if name in PRESENTATION_ATTRIBUTES:
            element.set(name, value)


def _clean_svg(raw: bytes, *, label: str) -> str:
    """Rewrite matplotlib's SVG for inline use under `style-src 'self'`.

    - style="a: b" → presentation attributes a="b" (the same properties, allowed by the CSP);
    - the `<style>` block (`*{stroke-linejoin: round; stroke-linecap: butt}`) → the same properties as
      inherited attributes on the root; metadata removed; scripts and event attributes can never pass;
    - ids nobody references are dropped (matplotlib's "figure_1", "axes_1" would repeat on a page with two
      charts); the referenced ones are salted hashes, unique per drawing;
    - `xlink:href` → `href`; the pt size → px with the viewBox kept, so the chart scales down on phones.
    """
    root = ET.fromstring(raw)  # our own matplotlib output, not user input
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in _DROPPED_ELEMENTS:
                parent.remove(child)
    referenced: set[str] = set()
    for element in root.iter():
        _style_to_attributes(element)
        for name in list(element.attrib):
            value = element.attrib[name]
            if name == f"{{{XLINK_NS}}}href":
                del element.attrib[name]
                element.set("href", value)
            elif _local(name).lower().startswith("on"):
                del element.attrib[name]
                continue
            if value.startswith("#"):
                referenced.add(value[1:])
            referenced.update(_URL_REFERENCE.findall(value))
    for element in root.iter():
        if element.get("id") and element.get("id") not in referenced:
            del element.attrib["id"]
    _, _, width_pt, height_pt = (float(part) for part in root.get("viewBox", "0 0 540 270").split())
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.attrib.update(
        {
            "width": f"{width_pt * 4 / 3:.0f}",
            "height": f"{height_pt * 4 / 3:.0f}",
            "stroke-linejoin": "round",
            "stroke-linecap": "butt",
            "role": "img",
            "aria-label": label,
            "focusable": "false",
            "class": "chart-svg mw-100 h-auto",
        }
    )
    ET.register_namespace("", SVG_NS)
    markup = ET.tostring(root, encoding="unicode")
    markup = markup.replace(f' xmlns:xlink="{XLINK_NS}"', "")
    if "<script" in markup or "style=" in markup or "<style" in markup:  # cannot happen; never ship it
        raise ValueError("The chart SVG still holds styles or scripts after cleaning.")
    return markup
