"""The one table the yardstick endpoints of bench/bare_app.py write to. Created by the bench
before the server starts: gunicorn's workers each creating it at import raced on PostgreSQL
(one worker failed to boot, the server stopped and the rush waited for it)."""

import sqlalchemy as sa

metadata = sa.MetaData()
bench_rows = sa.Table(
    "bench_rows", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254)),
)  # fmt: skip


def create(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    metadata.create_all(engine)
    engine.dispose()
