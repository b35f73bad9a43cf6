"""upload parsed table

Uploads keep the table read from their file (uploads.parsed_table: compressed JSON made by
app.imports.table.pack_table), so that a file is read once, in a child process with limits,
and the preview and the confirmation use that table. Uploads stored before have none: their
file is read when they are next previewed.

Revision ID: c3d1e8f07a21
Revises: 5c1e7d2a9b40
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d1e8f07a21'
down_revision = '5c1e7d2a9b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uploads', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('parsed_table', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('uploads', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('parsed_table')
