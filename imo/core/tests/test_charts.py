import io
import re
import subprocess
import sys

import pytest
from django.template.loader import render_to_string
from PIL import Image

from imo.core.charts import (
    Chart,
    ChartKind,
    Series,
    chart_block,
    chart_png,
    chart_svg,
    chart_table,
    format_number,
    top_with_rest,
)

LABELS = ("Школы", "Детские сады", "Организации дополнительного образования", "Прочие <b> & $5$")


def _chart(kind: ChartKind, **kwargs) -> Chart:
    series: tuple[Series, ...] = (Series("Организации", (14, 10, 2, 1)),)
    if kind in (ChartKind.BAR, ChartKind.BAR_HORIZONTAL, ChartKind.LINE):
        series = (*series, Series("Прошлый год", (13, None, 2, 0)))
    return Chart(kind=kind, title=f"Организации ({kind})", labels=LABELS, series=series, unit="шт.", **kwargs)


@pytest.mark.parametrize("kind", list(ChartKind))
def test_page_svg_is_allowed_by_the_csp_and_named_for_screen_readers(kind):
    svg = str(chart_svg(_chart(kind)))
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    # style-src 'self' blocks <style> elements and style="" attributes: none may remain, nor scripts.
    assert "<style" not in svg and "style=" not in svg and "<script" not in svg
    assert not re.search(r"\son\w+=", svg)
    assert 'role="img"' in svg and f'aria-label="Диаграмма: Организации ({kind}).' in svg
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "metadata" not in svg
    # User data is escaped; "$" is shown, not taken as mathtext (long labels may wrap onto two lines).
    assert "&lt;b&gt; &amp;" in svg and "$5$" in svg and "<b>" not in svg
    # Only referenced ids are kept, and every reference points to one that exists.
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    references = set(re.findall(r'href="#([^"]+)"', svg)) | set(re.findall(r"url\(#([^)]+)\)", svg))
    assert references <= ids and ids <= references
    assert "figure_1" not in svg and "xlink:" not in svg


def test_two_charts_on_one_page_never_share_ids():
    first = set(re.findall(r'\sid="([^"]+)"', str(chart_svg(_chart(ChartKind.BAR)))))
    second = set(re.findall(r'\sid="([^"]+)"', str(chart_svg(_chart(ChartKind.BAR, stacked=True)))))
    assert first and second and not first & second


def test_svg_scales_down_on_small_screens():
    svg = str(chart_svg(_chart(ChartKind.BAR_HORIZONTAL)))
    assert 'viewBox="' in svg and 'class="chart-svg mw-100 h-auto"' in svg
    assert "DejaVu Sans" in svg and "sans-serif" in svg


@pytest.mark.parametrize("kind", list(ChartKind))
def test_png_for_documents(kind):
    data = chart_png(_chart(kind), dpi=100)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width > 500


def test_table_fallback_in_russian_number_format():
    chart = Chart(
        kind=ChartKind.LINE,
        title="Средний балл",
        labels=("2024", "2025"),
        series=(Series("Русский язык", (4.25, None)), Series("Участники", (12345, 7))),
        label_title="Год",
        decimals=1,
    )
    table = chart_table(chart)
    assert table.headers == ("Год", "Русский язык", "Участники")
    assert table.rows == (("2024", "4,2", "12\u00a0345,0"), ("2025", "—", "7,0"))


def test_format_number():
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_number(3.14159, 2) == "3,14"
    assert format_number(None) == "—"


def test_declaration_errors_are_caught_early():
    with pytest.raises(ValueError):
        Chart(kind=ChartKind.BAR, title="x", labels=("a", "b"), series=(Series("s", (1,)),))
    with pytest.raises(ValueError):
        Chart(kind=ChartKind.PIE, title="x", labels=("a",), series=(Series("s", (1,)), Series("t", (2,))))
    with pytest.raises(TypeError):
        Series("s", ("много",))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Chart(kind="radar", title="x", labels=("a",), series=(Series("s", (1,)),))  # type: ignore[arg-type]


def test_an_empty_chart_shows_a_sentence_not_a_drawing():
    empty = Chart(kind=ChartKind.PIE, title="Нет данных", labels=("a", "b"), series=(Series("s", (0, None)),))
    block = chart_block(empty)
    assert block.is_empty and block.svg == ""
    html = render_to_string("components/chart.html", {"chart": block})
    assert "данных для диаграммы пока нет" in html and "<svg" not in html


def test_component_shows_the_chart_and_its_table():
    block = chart_block(_chart(ChartKind.BAR_HORIZONTAL))
    html = render_to_string("components/chart.html", {"chart": block})
    assert html.count("<svg") == 1 and "<details" in html and "Таблица данных" in html
    assert '<th scope="row" class="fw-normal">Школы</th>' in html
    assert "Организации, шт." in html and "Прочие &lt;b&gt; &amp; $5$" in html
    other = chart_block(_chart(ChartKind.BAR_HORIZONTAL))
    assert other.dom_id != block.dom_id


def test_top_with_rest():
    pairs = [("а", 1), ("б", 5), ("в", 3), ("г", 2)]
    assert top_with_rest(pairs, limit=4) == [("б", 5), ("в", 3), ("г", 2), ("а", 1)]
    assert top_with_rest(pairs, limit=3, rest_label="Прочие") == [("б", 5), ("в", 3), ("Прочие (2)", 3)]


def test_matplotlib_is_not_imported_until_a_chart_is_drawn():
    code = (
        "import sys, imo.core.charts as c; before = 'matplotlib' in sys.modules; "
        "c.chart_png(c.Chart(kind='bar', title='t', labels=('a',), series=(c.Series('s', (1,)),))); "
        "print(before, 'matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
