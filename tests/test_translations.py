"""Every user-facing string has an English translation, and the catalogue is up to date."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"


def _extract(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), str(ROOT / "app")],
        check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def _english():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale="en")


def test_every_string_in_the_code_has_an_english_translation(tmp_path):
    catalogue = _english()
    translated = {
        m.id for m in catalogue
        if m.id and "fuzzy" not in m.flags and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }  # fmt: skip
    missing = _extract(tmp_path) - translated
    assert not missing, (
        f"untranslated (run `make extract-messages`, then translate): {sorted(missing, key=str)}"
    )


def test_english_placeholders_match_the_dutch_ones():
    import re

    for message in _english():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) <= wanted | set(
                re.findall(r"%\(\w+\)[sd]", ids[0])
            ), message.id


def test_compiled_catalogue_matches_the_po_file():
    mo = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), "run `make translations` (make test does)"
    with mo.open("rb") as f:
        compiled = {tuple(m.id) if isinstance(m.id, list) else m.id for m in read_mo(f) if m.id}
    assert compiled == {m.id for m in _english() if m.id and m.string}


def test_pages_in_english(client, make_event):
    event = make_event(status="cancelled")
    client.post("/taal", data={"taal": "en"})
    for url, expected in [("/", "Programme"), ("/archief", "Archive"), ("/contact", "Contact and about us"),
                          ("/privacy", "Privacy statement"), ("/toegankelijkheid", "Accessibility statement"),
                          ("/beheer/inloggen", "Log in for organisers"), (f"/activiteiten/{event.slug}", "This event will not take place."),
                          ("/bestaat-niet", "Page not found")]:  # fmt: skip
        assert expected in client.get(url).get_data(as_text=True), url
