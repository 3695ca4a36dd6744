"""Test data for the materials tests: small real files of each kind (and disguised ones), and a
kenniscafé that is over, with people who had a place, waited, or cancelled."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image

from app.activity import services as activity
from app.extensions import db
from app.knowledge import materials
from app.knowledge.materials import MaterialDetails
from app.knowledge.uploads import check_upload
from app.registration.tokens import issue_manage_token
from app.timezones import utcnow

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A Windows program: what filetype (and any virus scanner) sees first is "MZ".
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 79, 122)).save(out, kind)
    return out.getvalue()


def office(main_part: str, main_type: str, extra: dict | None = None) -> bytes:
    """A zip with the parts an Office file of this type has (enough for the structural check)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main_part}" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = office("word/document.xml", OOXML + "wordprocessingml.document.main+xml")
PPTX = office("ppt/presentation.xml", OOXML + "presentationml.presentation.main+xml")
# Word with macros (.docm) under a .docx name: the same parts, another main content type.
DOCM = office(
    "word/document.xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    {"word/vbaProject.bin": "macro"},
)


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hallo")
    return out.getvalue()


@dataclass
class PastEvening:
    event: object
    owner: object
    attendee: object  # had a place
    waiting: object  # was on the waiting list
    cancelled: object  # had a place, cancelled it
    tokens: dict  # name -> a manage token
    people: dict  # name -> Registration


@pytest.fixture
def past_evening(make_event, make_user, register, mailbox):
    """A kenniscafé for two, over since an hour: Anna had a place, Bram cancelled his, Cas
    waited in vain. The mails of their registrations are gone from the mailbox."""

    def make(**details) -> PastEvening:
        owner = make_user(name="Sanne Visser")
        event = make_event(owner=owner, title="Wat werkt tussen generaties?", capacity=2, **details)
        anna = register(event, "Anna de Vries")
        bram = register(event, "Bram Bos")
        cas = register(event, "Cas Kok")
        activity.cancel_registration(bram.id, by="attendee")
        db.session.commit()
        # Bram's place went to Cas; Dirk comes too late and waits.
        dirk = register(event, "Dirk Dekker")
        end = utcnow() - timedelta(hours=1)
        event.starts_at, event.ends_at = end - timedelta(hours=2), end
        db.session.commit()
        tokens = {r.name: issue_manage_token(r) for r in (anna, bram, cas, dirk)}
        db.session.commit()
        assert (anna.status, bram.status, cas.status, dirk.status) == (
            "confirmed", "cancelled", "confirmed", "waitlisted")  # fmt: skip
        mailbox.clear()  # delivered in the commits above (no request: synchronously)
        people = {r.name: r for r in (anna, bram, cas, dirk)}
        return PastEvening(event, owner, anna, dirk, bram, tokens, people)

    return make


@pytest.fixture
def add_material(app):
    """add_material(event_or_theme, title, data=PDF, name="x.pdf", **details) -> Material."""

    def make(owner, title: str = "Slides", data: bytes | None = PDF, name: str = "slides.pdf",
             url: str | None = None, publish: bool = False, **details):  # fmt: skip
        upload = check_upload(name, data) if url is None else None
        kind = details.pop("kind", "link" if url else "slides")
        facts = MaterialDetails(kind=kind, title=title, url=url, **details)
        if hasattr(owner, "starts_at"):
            material = materials.add_event_material(owner, facts, upload)
            if publish:
                material.published_at = utcnow()
        else:
            material = materials.add_theme_material(owner, facts, upload)
        db.session.commit()
        return material

    return make
