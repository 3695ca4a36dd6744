"""knowledge: materials of events, sessions and themes' shelves (Praktijk en tools)

Revision ID: 0013_materials
Revises: 0012_consents_audit
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_materials'
down_revision = '0012_consents_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=120), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('storage_key', sa.String(length=64), nullable=True),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('slides', 'handout', 'report', 'practice', 'link')", name=op.f('ck_materials_kind_known')),
    sa.CheckConstraint("audience IN ('public', 'attendees')", name=op.f('ck_materials_audience_known')),
    sa.CheckConstraint('(event_id IS NULL) <> (theme_id IS NULL)', name=op.f('ck_materials_one_owner')),
    sa.CheckConstraint("theme_id IS NULL OR audience = 'public'", name=op.f('ck_materials_theme_is_public')),
    sa.CheckConstraint('(url IS NULL) <> (file_name IS NULL)', name=op.f('ck_materials_file_or_link')),
    sa.CheckConstraint('size IS NULL OR size >= 0', name=op.f('ck_materials_size_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_materials_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_materials_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_materials_session_id_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_materials_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_materials_storage_key'))
    )
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_materials_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_materials_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_materials_theme_published', ['theme_id', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_index('ix_materials_theme_published')
        batch_op.drop_index(batch_op.f('ix_materials_session_id'))
        batch_op.drop_index(batch_op.f('ix_materials_event_id'))

    op.drop_table('materials')
