"""shared rate limits

Attempt counters (sign-in, joining a survey) that every worker process shares and a restart
keeps, for deployments without Redis (app/throttle.py). Keys are hashed; a periodic task
deletes the counters past their window.

Revision ID: e5f3a0b29c43
Revises: d4e2f9a18b32
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f3a0b29c43'
down_revision = 'd4e2f9a18b32'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('free', sa.Integer(), nullable=False),
        sa.Column('growing', sa.Boolean(), nullable=False),
        sa.Column('window_seconds', sa.Integer(), nullable=False),
        sa.Column('window_ends', sa.Float(), nullable=False),
        sa.Column('next_at', sa.Float(), nullable=False),
        sa.Column('claim', sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits')),
    )
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limits_window_ends'), ['window_ends'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limits_window_ends'))
    op.drop_table('rate_limits')
