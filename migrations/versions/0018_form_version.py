"""performance: a counter per event of what its registration form is made of

A posted registration form is checked against a form kept per process while the event's
form counter stays put: it moves with the event, its sessions, rooms, questions,
accreditations and releases, not with registrations.

Revision ID: 0018_form_version
Revises: 0017_composer_input
Create Date: 2026-11-27 04:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_form_version'
down_revision = '0017_composer_input'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('form_version')
