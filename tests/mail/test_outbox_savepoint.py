"""Mail queued in a transaction goes out when that transaction commits — not when a savepoint
inside it does (registering uses one for a new participant)."""

from app.extensions import db
from app.mail import services as mail


def test_a_savepoint_commit_hands_nothing_on(app, monkeypatch):
    handed = []
    monkeypatch.setattr(mail, "dispatch", lambda ids, **_kw: handed.append(list(ids)))
    with app.app_context():
        mail.hand_on_after_commit([101])
        with db.session.begin_nested():
            pass
        assert handed == []  # the savepoint committed; the transaction has not
        db.session.commit()
        assert handed == [[101]]
