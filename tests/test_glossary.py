"""The English words for the werkplaats' own words: a "werkplaats" (the knowledge network) is
never a "workshop", which is a session of a themadag."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = (
    Path(__file__).resolve().parent.parent
    / "app"
    / "translations"
    / "en"
    / "LC_MESSAGES"
    / "messages.po"
)


def test_werkplaats_is_the_knowledge_network_never_a_workshop():
    with PO.open("rb") as f:
        catalogue = read_po(f, locale="en")
    wrong = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(re.search(r"werkplaats", i or "", re.I) for i in ids):
            if any(
                re.search(r"\bworkshop", s or "", re.I) or re.search(r"werkplaats", s or "", re.I)
                for s in strings
            ):
                wrong.append(ids[0])
    assert wrong == []


def test_the_check_catches_a_wrong_translation(tmp_path):
    """A test that cannot fail is a defect: the same rule on a catalogue with the old mistake."""
    bad = tmp_path / "bad.po"
    bad.write_text(
        'msgid "de nieuwsbrief van de werkplaats"\nmsgstr "the workshop\'s newsletter"\n'
    )
    with bad.open("rb") as f:
        [message] = [m for m in read_po(f, locale="en") if m.id]
    assert re.search(r"werkplaats", message.id) and re.search(r"\bworkshop", message.string)
