"""performance: page counters (per event, the site) for cached pages; outbox rows composed later

What a cached public page was rendered from: a counter per event, one for the site. Outbox
rows can be written with a composer and rendered after the commit of their change.

Revision ID: 0016_page_versions
Revises: 0015_rights
Create Date: 2026-11-26 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_page_versions'
down_revision = '0015_rights'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), nullable=False, server_default='1'))
    pages = op.create_table('page_versions',
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_versions'))
    )
    op.bulk_insert(pages, [{'scope': 'site', 'version': 1}])
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('composer', sa.String(length=40), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('pending', 'sending', 'sent', 'failed', 'superseded')")


def downgrade():
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status = 'superseded'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('pending', 'sending', 'sent', 'failed')")
        batch_op.drop_column('composer')
    op.drop_table('page_versions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('page_version')
