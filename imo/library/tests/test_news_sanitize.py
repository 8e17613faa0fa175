"""The news sanitiser: Markdown renders, and nothing that runs script survives — raw HTML, event
attributes, `javascript:` links, iframes — whatever way the author writes it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from imo.library.news.sanitize import ALLOWED_TAGS, plain_text, render_markdown


class _Elements(HTMLParser):
    """The real elements and attributes of rendered HTML (escaped text does not count)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_safe(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), name
            assert name in {"href", "title", "rel", "align", "start"}, name
            if name == "href":
                assert (value or "").split(":")[0].lower() in {"http", "https", "mailto"}, value


def test_markdown_renders_allowed_elements() -> None:
    html = render_markdown(
        "# Заголовок\n\n**жирный** и *курсив*\n\n- один\n- два\n\n1. первый\n\n> цитата\n\n"
        "`код`\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for tag in ("<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<li>", "<blockquote>", "<code>", "<hr>"):
        assert tag in html
    assert "<table>" in html and "<td>" in html
    assert "<h1" not in html  # the page's own h1 is the post's title


def test_links_get_rel_and_keep_safe_schemes() -> None:
    html = render_markdown("[сайт](https://example.ru) [почта](mailto:imo@example.ru) <https://x.ru/a>")
    assert 'href="https://example.ru"' in html
    assert 'href="mailto:imo@example.ru"' in html
    assert 'href="https://x.ru/a"' in html
    assert html.count('rel="noopener noreferrer"') == 3


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "текст <script>alert(1)</script> текст",
        "<div>\n<script>alert(1)</script>\n</div>",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">ссылка</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_raw_html_never_becomes_markup(source: str) -> None:
    html = render_markdown(source)
    assert_safe(html)
    assert all(tag in {"p", "br"} and not attrs for tag, attrs in elements(html))
    assert "&lt;" in html  # shown to readers as the text the author typed


@pytest.mark.parametrize(
    "source",
    [
        "[нажми](javascript:alert(1))",
        "[нажми](JaVaScRiPt:alert(1))",
        "[нажми](  javascript:alert(1))",
        "[нажми](data:text/html;base64,PHNjcmlwdD4=)",
        "[нажми](vbscript:msgbox(1))",
        "![картинка](javascript:alert(1))",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_links_lose_their_href(source: str) -> None:
    html = render_markdown(source)
    assert_safe(html)
    assert 'href="' not in html.lower() or 'href="http' in html.lower()


def test_code_blocks_keep_html_as_text() -> None:
    html = render_markdown("```\n<script>alert(1)</script>\n```")
    assert "<pre><code>&lt;script&gt;" in html
    assert_safe(html)


def test_plain_text_for_feeds() -> None:
    html = render_markdown("## Итоги\n\nОлимпиада **прошла** успешно &amp; весело.\n\n- пункт")
    text = plain_text(html)
    assert text.startswith("Итоги")
    assert "Олимпиада прошла успешно & весело." in text
    assert "<" not in text
    assert plain_text("") == ""
