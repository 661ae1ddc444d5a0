"""schema.org JSON-LD for <script type="application/ld+json"> blocks, safe to embed raw."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_safe_json(data: Any) -> str:
    """JSON text that cannot end or confuse the <script> element it is placed in."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.translate(_SCRIPT_SAFE)


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def news_article_jsonld(*, headline: str, url: str, date_published: datetime,
                        date_modified: datetime | None, dateline: str | None, authors: Sequence[str], publisher: str,
                        based_on: str | None, about: Sequence[str], description: str,
                        image: str | None = None, image_caption: str = "",
                        in_language: str, archived_at: str | None = None) -> str:
    """A schema.org NewsArticle describing one archived copy (`archived_at`: where a web archive's
    capture of the original lives)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": date_published.isoformat(),
        "dateModified": (date_modified or date_published).isoformat(),
        "dateline": dateline,
        "author": [{"@type": "Person", "name": name} for name in authors],
        "publisher": {"@type": "Organization", "name": publisher},
        "isBasedOn": based_on,
        "archivedAt": archived_at,
        "about": [{"@type": "Thing", "name": name} for name in about],
        "description": description,
        "image": _drop_empty({"@type": "ImageObject", "url": image, "caption": image_caption}) if image else None,
        "inLanguage": in_language,
    }
    return script_safe_json(_drop_empty(data))


def item_list_jsonld(*, name: str, url: str, items: Sequence[tuple[str, str]]) -> str:
    """A schema.org ItemList of (name, url) pairs, positions from 1."""
    elements = [{"@type": "ListItem", "position": position, "name": item_name, "url": item_url}
                for position, (item_name, item_url) in enumerate(items, start=1)]
    data = {"@context": "https://schema.org", "@type": "ItemList", "name": name, "url": url,
            "numberOfItems": len(elements), "itemListElement": elements}
    return script_safe_json(data)
