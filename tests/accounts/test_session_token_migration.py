"""The migration that adds session tokens gives each existing user a token of their own."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401  (a fixture)

USERS = sa.table(
    "users",
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("role", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def test_existing_users_get_distinct_tokens_and_downgrade_keeps_them(
    base_config,
    empty_database_url,  # noqa: F811
):
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0003_agenda")
        with db.engine.begin() as connection:
            connection.execute(
                USERS.insert(),
                [{"email": f"u{i}@example.org", "name": "U", "password_hash": "x",
                  "role": "organiser", "active": True, "created_at": datetime.now(UTC)}
                 for i in range(3)],
            )  # fmt: skip

        upgrade(revision="0004_user_session_token")
        with db.engine.connect() as connection:
            tokens = connection.scalars(sa.text("SELECT session_token FROM users")).all()
        assert len(tokens) == len(set(tokens)) == 3
        assert all(token and len(token) >= 40 for token in tokens)

        downgrade(revision="0003_agenda")
        with db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM users")) == 3
        db.engine.dispose()
