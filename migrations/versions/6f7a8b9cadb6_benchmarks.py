"""benchmarks

Benchmark figures kept by admins (tracking/benchmarks): measure (the definition id of the
outcome a figure sits beside, or NULL: shown in the benchmarks list only), value (a
percentage to one decimal place), year, geography, population, definition, source (and its
URL where one is known), whether the definition matches ours and how it differs, and who
made and last changed it.

Seeded with the three national figures for England in 2019 that the programme's published
materials state. No URL is recorded for them: their source is the programme's materials
and the national statistics those cite.

- GCSE maths grade 7 or above, 20 %: beside `gcse_7_9`; their population is all pupils in
  England at the end of key stage 4, ours a school's cohort on roll at the end of Year 11.
- GCSE maths "pass" at 16 (grade 4 or above, the "standard pass"), 70 %: beside no figure
  of ours (the tracker reports no grade 4+ outcome), so its measure is NULL.
- Post-16 students taking a Level 3 maths qualification, 28.8 %: beside `level3_maths`;
  their population is post-16 students, ours a school's cohort after Year 11.

Revision ID: 6f7a8b9cadb6
Revises: 5e6f7a8b9ca5
Create Date: 2026-12-02 16:10:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f7a8b9cadb6'
down_revision = '5e6f7a8b9ca5'
branch_labels = None
depends_on = None

KS4_SOURCE = (
    "As stated in the programme's published materials, which cite the DfE's key stage 4 "
    "performance statistics for 2019 (England)"
)
SEEDED = [
    {
        'measure': 'gcse_7_9',
        'value': 20.0,
        'year': 2019,
        'geography': 'England',
        'population': 'All pupils in England at the end of key stage 4',
        'definition': 'GCSE maths at grade 7 or above',
        'source': KS4_SOURCE,
        'matches_our_definition': False,
        'difference': (
            'Their population is all pupils in England at the end of key stage 4; ours is a '
            "school's cohort on roll at the end of Year 11, with its KS4 result by the end of "
            'Year 11 (docs/outcomes.md, outcome 2).'
        ),
    },
    {
        'measure': None,
        'value': 70.0,
        'year': 2019,
        'geography': 'England',
        'population': 'Pupils in England at 16 (the end of key stage 4)',
        'definition': 'GCSE maths "pass" at 16: grade 4 or above (a "standard pass")',
        'source': KS4_SOURCE,
        'matches_our_definition': False,
        'difference': (
            'The tracker reports no grade 4 or above figure, so this one sits beside none of '
            'ours: it is shown in the benchmarks list only.'
        ),
    },
    {
        'measure': 'level3_maths',
        'value': 28.8,
        'year': 2019,
        'geography': 'England',
        'population': 'Post-16 students',
        'definition': 'Post-16 students taking a Level 3 maths qualification',
        'source': (
            "As stated in the programme's published materials, which cite the DfE's and "
            "JCQ's A-level entry statistics for 2019"
        ),
        'matches_our_definition': False,
        'difference': (
            "Their population is post-16 students; ours is a school's cohort on roll at the end "
            'of Year 11, judged by its post-16 enrolments, and counts the Level 3 maths '
            'qualifications listed in docs/outcomes.md (outcome 3), which may not be the same '
            'list as theirs.'
        ),
    },
]


def upgrade():
    benchmarks = op.create_table('benchmarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=60), nullable=True),
    sa.Column('value', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('geography', sa.String(length=100), nullable=False),
    sa.Column('population', sa.Text(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('matches_our_definition', sa.Boolean(), nullable=False),
    sa.Column('difference', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_benchmarks_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_benchmarks_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmarks'))
    )
    with op.batch_alter_table('benchmarks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmarks_measure'), ['measure'], unique=False)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(benchmarks, [
        {**row, 'source_url': None, 'created_by_id': None, 'created_at': now,
         'updated_by_id': None, 'updated_at': now}
        for row in SEEDED
    ])


def downgrade():
    with op.batch_alter_table('benchmarks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmarks_measure'))
    op.drop_table('benchmarks')
