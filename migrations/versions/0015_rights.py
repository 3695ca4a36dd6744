"""privacy: the short-lived links that confirm a person owns their address (rights)

Revision ID: 0015_rights
Revises: 0014_work_teams
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_rights'
down_revision = '0014_work_teams'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rights_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_rights_links_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_rights_links_token_hash'))
    )
    with op.batch_alter_table('rights_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rights_links_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_links_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rights_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rights_links_participant_id'))
        batch_op.drop_index(batch_op.f('ix_rights_links_expires_at'))

    op.drop_table('rights_links')
