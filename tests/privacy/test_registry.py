"""Every column a model marks personal is in the registry, and the check would notice one
that is not."""

from __future__ import annotations

from dataclasses import replace

from app.extensions import db
from app.privacy.registry import REGISTRY, marked_personal, uncovered


def test_every_column_marked_personal_is_covered_by_the_registry(app):
    assert marked_personal()  # the check has something to check
    assert uncovered() == set()


def test_the_check_catches_a_column_the_registry_forgot(app):
    forgetful = tuple(
        replace(e, fields={k: v for k, v in e.fields.items() if k != "answers"})
        if e.table == "registrations" else e
        for e in REGISTRY
    )  # fmt: skip
    assert uncovered(forgetful) == {("registrations", "answers")}
    assert ("outbox_messages", "recipient") in uncovered(
        tuple(e for e in REGISTRY if e.table != "outbox_messages")
    )


def test_the_registry_names_only_real_tables_and_columns_and_says_why(app):
    for entry in REGISTRY:
        table = db.metadata.tables[entry.table]
        assert set(entry.fields) <= set(table.columns.keys()), entry.table
        if entry.registration_column:
            assert entry.registration_column in table.columns
        assert entry.purpose and entry.legal_basis and entry.retention and entry.recipients
