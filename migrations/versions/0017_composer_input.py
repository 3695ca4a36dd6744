"""performance: what an outbox row's composer needs, for mails composed after their commit

A release's mails are written with the release and rendered after its commit; the row keeps
which of the release's changes concern its person, the note and the workshop places given.

Revision ID: 0017_composer_input
Revises: 0016_page_versions
Create Date: 2026-11-26 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_composer_input'
down_revision = '0016_page_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('composer_input', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('composer_input')
