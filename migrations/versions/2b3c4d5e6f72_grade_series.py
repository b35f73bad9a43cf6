"""grade series

A final grade's exam series: `grade_records.series`, the first day of the month the exam was
sat ("June 2026" is 2026-06-01), so the series is structured and sorts by itself. It is None
for the other kinds of grade and for the finals recorded before this change (the outcomes then
place a final by the date it was recorded). The final "grades" NE (not entered), ABS and X
(absent) fit the grade column as it is (three characters), and the two new qualifications
(OCR Level 3 FSMQ Additional Maths, GCSE Statistics) are new keys of the qualification
column: neither needs a schema change.

Revision ID: 2b3c4d5e6f72
Revises: 1a2b3c4d5e61
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b3c4d5e6f72'
down_revision = '1a2b3c4d5e61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grade_records', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('series', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('grade_records', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('series')
