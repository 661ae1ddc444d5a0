"""The names a text mentions (content/mentions.py): where a name stops, and what only looks like one."""
from __future__ import annotations

import pytest

from site_builder.content.mentions import mentioned_names


@pytest.mark.parametrize(("text", "names"), [
    # an acronym's full stop ends its sentence: the next sentence's first word is not part of the name
    ("The arrest was confirmed to KTVB. No charges were filed, Ilse Vandorp said.", ("KTVB", "Ilse Vandorp")),
    # a weekday after a name is when it was said, not the name
    ("The mayor told KTVB Friday that Ilse Vandorp would resign.", ("KTVB", "Ilse Vandorp")),
    # a possessive ends a name: the outlet's reporter is a name of her own
    ("Aside from that, Harbour Gazette’s Mira Tolvan wrote about it.", ("Harbour Gazette", "Mira Tolvan")),
    ("Aside from that, Harbour Gazette's Mira Tolvan wrote about it.", ("Harbour Gazette", "Mira Tolvan")),
    # an ellipsis after a possessive, as a lede cut short ends
    ("Some have cited Mr. Vandorp’s...", ("Vandorp",)),
    # a question's or a negation's first word is not part of the name it opens
    ('"Bottom line: Did Mira Tolvan need to go?" he asked.', ("Mira Tolvan",)),
    ("No Kelsham councillors voted for it.", ("Kelsham",)),
    ("The No. 3 Kelsham councillor voted for it.", ("Kelsham",)),
    ("Ahead of the Vandorp-Tolvan summit, the fleet sailed.", ("Vandorp-Tolvan",)),
    # a quotation opening after a colon is a sentence of its own
    ("Tolvan: 'We have a deal' on the bridge, she said.", ("Tolvan",)),
])
def test_a_name_stops_where_the_phrase_around_it_does(text: str, names: tuple[str, ...]) -> None:
    assert mentioned_names(text) == names
