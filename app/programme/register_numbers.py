"""Registration numbers of professional registers: people type them as they see them printed
("4610 12 345"); the register knows only the digits. Where we know a register's format we check
it — on the registration form, so the person can fix a typo, and in the report to the register."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# People type numbers as they see them printed ("4610 12 345", "4610.12.345"); the register
# knows only the digits.
_TYPING_SEPARATORS = re.compile(r"[\s.]+")
# The registers whose number format we know (by name, casefolded): the pattern a number must
# match once the separators are out, and what to tell the organiser when it does not.
# [0-9], not \d: \d takes other scripts' digits too, which no register accepts.
_FORMATS = {
    "registerplein": (
        re.compile(r"4610[0-9]+"),
        _l("Een Registerplein-nummer begint met 4610 en heeft verder alleen cijfers."),
    ),
}


def format_known(register: str) -> bool:
    return register.strip().casefold() in _FORMATS


@dataclass(frozen=True)
class CheckedNumber:
    typed: str
    number: str  # what is reported: cleaned where the register's format is known
    problem: str | None  # why the organiser should check it; None: fine


def check_number(register: str, typed: str) -> CheckedNumber:
    """A registration number as the register wants it. Registerplein: 4610 and digits only,
    spaces and dots the person typed left out. Other registers: as typed (we do not know
    their format, so we do not guess)."""
    typed = (typed or "").strip()
    known = _FORMATS.get(register.strip().casefold())
    if known is None:
        return CheckedNumber(typed, typed, None)
    pattern, problem = known
    number = _TYPING_SEPARATORS.sub("", typed)
    if not pattern.fullmatch(number):
        return CheckedNumber(typed, number, str(problem))
    return CheckedNumber(typed, number, None)
