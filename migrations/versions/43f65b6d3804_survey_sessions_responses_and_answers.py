"""survey sessions, responses and answers

Pinned instrument versions, class sessions, one response per student and session, and one
answer row per response and item (the unique pairs make saves upserts).

Revision ID: 43f65b6d3804
Revises: b1a7557ca115
Create Date: 2026-11-23 18:16:25.428246

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '43f65b6d3804'
down_revision = 'b1a7557ca115'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_instruments')),
    sa.UniqueConstraint('key', 'version', name='uq_survey_instruments_key_version')
    )
    op.create_table('survey_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('class_code', sa.String(length=12), nullable=False),
    sa.Column('wave', sa.String(length=60), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_survey_sessions_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instruments.id'], name=op.f('fk_survey_sessions_instrument_id_survey_instruments')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_survey_sessions_opened_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_survey_sessions_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_sessions')),
    sa.UniqueConstraint('class_code', name=op.f('uq_survey_sessions_class_code'))
    )
    with op.batch_alter_table('survey_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_sessions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sessions_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sessions_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sessions_school_id'), ['school_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('last_saved_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['survey_sessions.id'], name=op.f('fk_survey_responses_session_id_survey_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_survey_responses_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('session_id', 'student_id', name='uq_survey_responses_session_student')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_student_id'), ['student_id'], unique=False)

    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('response_id', 'item_id', name='uq_survey_answers_response_item')
    )


def downgrade():
    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_student_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_sessions_school_id'))
        batch_op.drop_index(batch_op.f('ix_survey_sessions_opened_at'))
        batch_op.drop_index(batch_op.f('ix_survey_sessions_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_survey_sessions_group_id'))

    op.drop_table('survey_sessions')
    op.drop_table('survey_instruments')
