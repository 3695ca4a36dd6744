import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage


def mails(kind: str) -> list[OutboxMessage]:
    """The outbox rows of one kind: what people were (or will be) told."""
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))


from tests.agenda.conftest import themadag  # noqa: E402, F401  (the fixture, shared)
