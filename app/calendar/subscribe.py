"""The ways to put a feed in someone's calendar, as the "Zet in uw agenda" control offers
them. Apple subscribes to webcal://; Google takes the feed as `cid`; Outlook.com and
Microsoft 365 take an https URL (not webcal) with a name through `addfromweb`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app

from app.registration.models import Participant


@dataclass(frozen=True)
class Subscription:
    name: str
    url: str  # https: to copy, and what Outlook subscribes to

    @property
    def webcal(self) -> str:
        return "webcal://" + self.url.split("://", 1)[1]

    @property
    def google(self) -> str:
        return "https://calendar.google.com/calendar/r?" + urlencode({"cid": self.webcal})

    def _outlook(self, host: str) -> str:
        return f"https://{host}/calendar/0/addfromweb?" + urlencode(
            {"url": self.url, "name": self.name}
        )

    @property
    def outlook_com(self) -> str:
        return self._outlook("outlook.live.com")

    @property
    def microsoft_365(self) -> str:
        return self._outlook("outlook.office.com")

    @property
    def download(self) -> str:
        return self.url + ("&" if "?" in self.url else "?") + "download=1"


def personal_language(participant: Participant) -> str:
    """The language of their latest registration: their feed speaks it too."""
    latest = max(participant.registrations, key=lambda r: r.created_at, default=None)
    language = latest.language if latest else ""
    return (
        language
        if language in current_app.config["LANGUAGES"]
        else (current_app.config["BABEL_DEFAULT_LOCALE"])
    )
