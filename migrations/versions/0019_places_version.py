"""performance: a counter per event of its places (registrations, workshop choices)

The event page is kept rendered while its page counter stays put; the places it shows (the
summary's line, the full notice, the button, each workshop's places) are filled in per
request from fragments kept under this counter, which registrations and workshop choices
move instead of the page's.

Revision ID: 0019_places_version
Revises: 0018_form_version
Create Date: 2026-11-27 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_places_version'
down_revision = '0018_form_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('places_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('places_version')
