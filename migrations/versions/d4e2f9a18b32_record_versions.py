"""record versions

Records that staff edit in forms carry a version counter, raised by every write (SQLAlchemy's
`version_id_col`): a form sends back the version it showed, and a save over a newer change is
refused instead of silently undoing it. Existing rows start at version 1.

Revision ID: d4e2f9a18b32
Revises: c3d1e8f07a21
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e2f9a18b32'
down_revision = 'c3d1e8f07a21'
branch_labels = None
depends_on = None

TABLES = (
    'students',
    'grade_records',
    'post16_records',
    'ucas_applications',
    'destinations',
    'competition_results',
    'student_notes',
    'interventions',
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), server_default='1', nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('version')
