"""The language an imported text is written in, by lingua's detector: its models ship inside the
package, so nothing is downloaded, and a text too short or too mixed to tell gives no answer."""
from __future__ import annotations

from functools import cache
from typing import Any

MIN_CONFIDENCE = 0.6     # below it the text is said to be in no language rather than a guess
SAMPLE = 3000            # characters read: enough to tell, and a long text costs no more


@cache
def _detector() -> Any:
    """The detector of every language lingua knows, loaded once per process (its models are read lazily)."""
    from lingua import LanguageDetectorBuilder
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """The BCP 47 tag (ISO 639-1) of the language of `text`, or None when it cannot be told."""
    values = _detector().compute_language_confidence_values(text[:SAMPLE]) if text.strip() else []
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return str(values[0].language.iso_code_639_1.name).lower()
