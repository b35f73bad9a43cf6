"""target baseline and census fields

A cohort's confirmed target list (`target_baselines`, one per school and cohort, and its
students in `target_baseline_students`), and the census fields the outcome groups need on
students: `previously_looked_after` (part of the DfE's "disadvantaged"), `pupil_premium_as_at`
(the day the Pupil Premium record was made or confirmed), `sex` (F/M, as in the school
census) and SEN as the census codes it.

SEN was a yes/no flag; it becomes the census code N (no SEN), K (SEN support) or E (EHC
plan), None staying "not recorded". No stays N. A yes cannot tell SEN support from an EHC
plan (the import read K and E both as yes, and kept no other trace), so it becomes K, the
lower level of need and by far the more common one: a student with an EHC plan recorded
before this change shows as SEN support until their school re-imports the roster with its
SEN column or a lead edits them. The downgrade turns K and E back into yes and N into no.

Revision ID: 1a2b3c4d5e61
Revises: e5f3a0b29c43
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1a2b3c4d5e61'
down_revision = 'e5f3a0b29c43'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'target_baselines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('entry_year', sa.Integer(), nullable=False),
        sa.Column('confirmed_on', sa.Date(), nullable=False),
        sa.Column('criteria', sa.Text(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_by_label', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['confirmed_by_id'], ['users.id'],
            name=op.f('fk_target_baselines_confirmed_by_id_users'),
        ),
        sa.ForeignKeyConstraint(
            ['school_id'], ['schools.id'], name=op.f('fk_target_baselines_school_id_schools')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_target_baselines')),
        sa.UniqueConstraint(
            'school_id', 'entry_year', name='uq_target_baselines_school_cohort'
        ),
    )
    op.create_table(
        'target_baseline_students',
        sa.Column('baseline_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['baseline_id'], ['target_baselines.id'],
            name=op.f('fk_target_baseline_students_baseline_id_target_baselines'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['student_id'], ['students.id'],
            name=op.f('fk_target_baseline_students_student_id_students'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'baseline_id', 'student_id', name=op.f('pk_target_baseline_students')
        ),
    )
    with op.batch_alter_table(
        'target_baseline_students', schema=None, recreate='never'
    ) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_target_baseline_students_student_id'), ['student_id'], unique=False
        )

    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('pupil_premium_as_at', sa.Date(), nullable=True))
        # The default fills the rows there are (no one is known to be previously looked
        # after yet); new rows get the model's own default.
        batch_op.add_column(
            sa.Column(
                'previously_looked_after', sa.Boolean(), nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('sen_code', sa.String(length=1), nullable=True))
    op.execute(
        "UPDATE students SET sen_code = CASE WHEN sen THEN 'K' ELSE 'N' END "
        "WHERE sen IS NOT NULL"
    )
    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('sen')
    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('sen_code', new_column_name='sen')


def downgrade():
    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('sen_flag', sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE students SET sen_flag = (sen <> 'N') WHERE sen IS NOT NULL"
    )
    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('sen')
        batch_op.drop_column('sex')
        batch_op.drop_column('previously_looked_after')
        batch_op.drop_column('pupil_premium_as_at')
    with op.batch_alter_table('students', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('sen_flag', new_column_name='sen')
    with op.batch_alter_table(
        'target_baseline_students', schema=None, recreate='never'
    ) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_baseline_students_student_id'))
    op.drop_table('target_baseline_students')
    op.drop_table('target_baselines')
