"""The one configured Markdown renderer: raw HTML in bodies is escaped or sanitised."""
from __future__ import annotations

from collections.abc import Callable

import mistune
import nh3

PLUGINS = ["strikethrough", "table", "footnotes"]
ALLOWED_TAGS = {"p", "a", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3",
                "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "img", "sup",
                "sub", "figure", "figcaption", "section"}


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
            return nh3.clean(str(unsafe(text)), tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"},
                             link_rel="noopener nofollow")
        return sanitised
    escaped = mistune.create_markdown(renderer=_ArticleRenderer(escape=True), plugins=PLUGINS)
    return lambda text: str(escaped(text))
