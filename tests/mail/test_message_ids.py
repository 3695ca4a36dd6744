"""Every mail's Message-ID is unique, also when something has seeded Python's `random` (the
fuzzer does; make_msgid drew its randomness from there and repeated itself)."""

import random

from app.extensions import db
from app.mail.services import queue_message


def test_message_ids_stay_unique_under_a_seeded_random(app):
    with app.app_context():
        ids = []
        for _ in range(20):
            random.seed(42)  # the same "random" number every time, within one clock tick
            message = queue_message(kind="test", recipient="a@example.org", subject="S",
                                    text_body="t", html_body="<p>t</p>")  # fmt: skip
            ids.append(message.message_id)
        db.session.commit()
    assert len(set(ids)) == 20
