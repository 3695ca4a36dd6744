"""knowledge: work teams, their members (shown with consent) and updates to their followers

Revision ID: 0014_work_teams
Revises: 0013_materials
Create Date: 2026-11-28 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_work_teams'
down_revision = '0013_materials'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('work_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lead_name', sa.String(length=120), nullable=False),
    sa.Column('lead_organisation', sa.String(length=200), nullable=False),
    sa.Column('contact_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_user_id'], ['users.id'], name=op.f('fk_work_teams_contact_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_work_teams_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_teams')),
    sa.UniqueConstraint('theme_id', name=op.f('uq_work_teams_theme_id'))
    )
    with op.batch_alter_table('work_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_teams_contact_user_id'), ['contact_user_id'], unique=False)

    op.create_table('work_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_work_team_members_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_work_team_members_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_work_team_members_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_team_members')),
    sa.UniqueConstraint('theme_id', 'participant_id', name='uq_work_team_members_person')
    )
    with op.batch_alter_table('work_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_team_members_participant_id'), ['participant_id'], unique=False)

    op.create_table('work_team_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_work_team_updates_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_work_team_updates_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_team_updates'))
    )
    with op.batch_alter_table('work_team_updates', schema=None) as batch_op:
        batch_op.create_index('ix_work_team_updates_theme_sent', ['theme_id', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('work_team_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_work_team_updates_theme_sent')

    op.drop_table('work_team_updates')
    with op.batch_alter_table('work_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_team_members_participant_id'))

    op.drop_table('work_team_members')
    with op.batch_alter_table('work_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_teams_contact_user_id'))

    op.drop_table('work_teams')
