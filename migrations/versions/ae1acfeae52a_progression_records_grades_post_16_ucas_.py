"""progression records: grades, post-16, UCAS, destinations, interventions, attendance, notes

The tracker's student records (history kept: a new grade, choice or destination is a new
row), competition results and notes, and school interventions with one attendance row per
intervention and student.

Revision ID: ae1acfeae52a
Revises: 43f65b6d3804
Create Date: 2026-11-23 18:24:28.566865

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae1acfeae52a'
down_revision = '43f65b6d3804'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competition_results',
    sa.Column('competition', sa.String(length=120), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('award', sa.String(length=20), nullable=False),
    sa.Column('follow_on', sa.String(length=120), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_competition_results_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_competition_results_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_results'))
    )
    with op.batch_alter_table('competition_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_results_student_id'), ['student_id'], unique=False)

    op.create_table('destinations',
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('subject_category', sa.String(length=20), nullable=True),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('evidence', sa.String(length=20), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_destinations_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_destinations_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destinations'))
    )
    with op.batch_alter_table('destinations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destinations_student_id'), ['student_id'], unique=False)

    op.create_table('grade_records',
    sa.Column('qualification', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('grade', sa.String(length=3), nullable=False),
    sa.Column('tier', sa.String(length=12), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('term', sa.String(length=30), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_grade_records_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_grade_records_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_records'))
    )
    with op.batch_alter_table('grade_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_records_student_id'), ['student_id'], unique=False)
        batch_op.create_index('ix_grade_records_student_qual_kind', ['student_id', 'qualification', 'kind'], unique=False)

    op.create_table('interventions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('subtype', sa.String(length=30), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('mentor', sa.String(length=200), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interventions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_interventions_group_id_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_interventions_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interventions'))
    )
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interventions_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_interventions_school_held', ['school_id', 'held_on'], unique=False)

    op.create_table('post16_records',
    sa.Column('subject', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_post16_records_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_post16_records_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post16_records'))
    )
    with op.batch_alter_table('post16_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post16_records_student_id'), ['student_id'], unique=False)

    op.create_table('student_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_student_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_student_notes_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_notes'))
    )
    with op.batch_alter_table('student_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_notes_student_id'), ['student_id'], unique=False)

    op.create_table('ucas_applications',
    sa.Column('course', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('subject_category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_ucas_applications_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_ucas_applications_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ucas_applications'))
    )
    with op.batch_alter_table('ucas_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ucas_applications_student_id'), ['student_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['interventions.id'], name=op.f('fk_attendances_intervention_id_interventions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_attendances_marked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_attendances_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('intervention_id', 'student_id', name='uq_attendances_intervention_student')
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_student_id'), ['student_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_student_id'))

    op.drop_table('attendances')
    with op.batch_alter_table('ucas_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ucas_applications_student_id'))

    op.drop_table('ucas_applications')
    with op.batch_alter_table('student_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_notes_student_id'))

    op.drop_table('student_notes')
    with op.batch_alter_table('post16_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post16_records_student_id'))

    op.drop_table('post16_records')
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_index('ix_interventions_school_held')
        batch_op.drop_index(batch_op.f('ix_interventions_group_id'))

    op.drop_table('interventions')
    with op.batch_alter_table('grade_records', schema=None) as batch_op:
        batch_op.drop_index('ix_grade_records_student_qual_kind')
        batch_op.drop_index(batch_op.f('ix_grade_records_student_id'))

    op.drop_table('grade_records')
    with op.batch_alter_table('destinations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destinations_student_id'))

    op.drop_table('destinations')
    with op.batch_alter_table('competition_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_results_student_id'))

    op.drop_table('competition_results')
