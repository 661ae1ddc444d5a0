"""The one configured Markdown renderer: raw HTML in bodies is escaped or sanitised."""
from __future__ import annotations

import re
from collections.abc import Callable

import mistune
import nh3

PLUGINS = ["strikethrough", "table", "footnotes"]
ALLOWED_TAGS = {"p", "a", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3",
                "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "img", "sup",
                "sub", "figure", "figcaption", "section"}


# Footnotes link a reference (<sup id="fnref-1">) and its note (<li id="fn-1">) both ways: those
# ids are kept, no others (a body's ids could clash with the page's own).
FOOTNOTE_IDS = {"sup": "fnref", "li": "fn"}
FOOTNOTE_CLASSES = {"sup": {"footnote-ref"}, "section": {"footnotes"}, "a": {"footnote"}}
ALLOWED_ATTRIBUTES = {tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()} | \
    {tag: nh3.ALLOWED_ATTRIBUTES.get(tag, set()) | {"id"} for tag in FOOTNOTE_IDS}


def _footnote_ids(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "id":
        return value
    return value if re.fullmatch(rf"{FOOTNOTE_IDS.get(tag, '-')}-\d+", value) else None


class _ArticleRenderer(mistune.HTMLRenderer):
    """Body headings start at h2: the page's title is its only h1."""

    def heading(self, text: str, level: int, **attrs: object) -> str:
        level = min(level + 1, 6)
        return f"<h{level}>{text}</h{level}>\n"


def markdown_renderer(html_policy: str = "escape") -> Callable[[str], str]:
    """A function from Markdown to HTML.

    `escape` shows raw HTML in bodies as text; `sanitize` keeps a safe subset of it
    (nh3, an allow-list sanitiser) and drops scripts, event handlers and unsafe URLs.
    """
    if html_policy == "sanitize":
        unsafe = mistune.create_markdown(renderer=_ArticleRenderer(escape=False), plugins=PLUGINS)

        def sanitised(text: str) -> str:
            return nh3.clean(str(unsafe(text)), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                             attribute_filter=_footnote_ids, allowed_classes=FOOTNOTE_CLASSES,
                             url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow")
        return sanitised
    escaped = mistune.create_markdown(renderer=_ArticleRenderer(escape=True), plugins=PLUGINS)
    return lambda text: str(escaped(text))
