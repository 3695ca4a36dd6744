"""What a certificate says and how the werkplaats' certificates look, as plain values: what
`documents` assembles from a Certificate and `pdf` draws."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionLine:
    title: str
    when: str  # "10.45–12.00", already formatted


@dataclass(frozen=True)
class PointsLine:
    register: str
    accreditation_id: str
    points: str  # already formatted: "4", "2,5"


@dataclass(frozen=True)
class Look:
    """The werkplaats' look, from the admin's uploads (checked by app/certificates/look.py)."""

    organisation_name: str
    signatory_name: str = ""
    signatory_function: str = ""
    logo: bytes | None = None
    logo_type: str = ""  # image/png, image/jpeg, image/svg+xml
    signature: bytes | None = None
    signature_type: str = ""


@dataclass(frozen=True)
class CertificateContent:
    language: str  # "nl" or "en": the language of the labels
    holder_name: str
    register_numbers: list[tuple[str, str]]  # (register, the holder's number in it)
    event_title: str
    event_kind: str  # already a label: "Kenniscafé", "Themadag", "Theme day"
    event_when: str  # already formatted date(s) and times
    event_place: str
    sessions: list[SessionLine]  # attended, in time order; none for a kenniscafé
    hours: str  # net contact hours, formatted: "1,5" / "1.5"
    points: list[PointsLine]
    issued_on: str  # formatted date
    number: str  # "KA-7K3M-Q9TX-C"
    verify_url: str
