"""Markdown of news posts → safe HTML, and HTML → plain text for feeds and letters.

Authors are office staff, but the HTML is shown to everyone (the public site too), so the rendering is
treated as untrusted: raw HTML in the source is shown as text (Markdown's raw-HTML handlers are
off), and the result goes through nh3 (ammonia) with an explicit allow-list. Whatever Markdown produces,
`<script>`, `on*=` attributes, `<iframe>` and `javascript:` links cannot survive the second step.
"""

from __future__ import annotations

import html
import re

import markdown  # type: ignore[import-untyped]
import nh3

# Standard Python-Markdown extensions only: tables, fenced code, line breaks as authors expect them
# (one Enter = a new line, as in a letter), and sane lists (a numbered list does not swallow bullets).
_EXTENSIONS = ["tables", "fenced_code", "nl2br", "sane_lists"]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# Headings of a post live under the page's own h1: «# Заголовок» becomes h2, and deeper levels stop at h4.
_HEADING_SHIFT = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
_HEADING = re.compile(r"<(/?)(h[1-6])\b")


def _shift_headings(rendered: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}{_HEADING_SHIFT[m.group(2)]}", rendered)


def render_markdown(text: str) -> str:
    """The author's Markdown as HTML safe to show unescaped (nh3 allow-list, links with
    rel="noopener noreferrer")."""
    # Raw HTML is not Markdown's business here: without its raw-HTML block and inline handlers, Python-
    # Markdown treats `<div>` or `<script>` as text and escapes it, so authors see what they typed.
    # A new Markdown object per call: instances keep state and are not safe to share between threads.
    converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    rendered = converter.convert(text or "")
    return nh3.clean(
        _shift_headings(rendered),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|li|h[2-4]|blockquote|pre|tr|table)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def plain_text(rendered: str) -> str:
    """Text of rendered HTML for feed summaries and letters: tags dropped, entities decoded,
    one blank line between blocks."""
    with_breaks = _BLOCK_END.sub("\n", rendered or "")
    # nh3 with no tags allowed keeps the text and drops every element (and script/style content).
    bare = html.unescape(nh3.clean(with_breaks, tags=set(), attributes={}))
    lines = [_SPACES.sub(" ", line).strip() for line in bare.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
