"""profile exports expire

A bulk export's PDFs are deleted 24 hours after it was asked for (1 hour when it includes
sensitive flags); the job row stays, marked `expired_at`, so its page and its download can
say the files have expired instead of answering "not found".

Revision ID: 5c1e7d2a9b40
Revises: 248ae3f89f9c
Create Date: 2026-12-02 12:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7d2a9b40'
down_revision = '248ae3f89f9c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile_jobs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('expired_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('profile_jobs', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('expired_at')
