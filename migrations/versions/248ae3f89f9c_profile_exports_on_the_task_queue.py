"""profile exports on the task queue

Bulk PDF exports are tasks on Huey: the job row no longer holds a worker's claim, heartbeat
or counters. Progress is counted from the items; `queued_at` says when the job's students
were last enqueued (to find exports whose tasks were lost) and `worker_pid` which process
made an item. Jobs left queued or running by the old worker are resumed by the periodic
task that resumes stalled exports.

On SQLite the columns are dropped in place (SQLite 3.35+), never by copying the table:
dropping the old copy of profile_jobs would cascade to its items (foreign keys are on).

Revision ID: 248ae3f89f9c
Revises: 1396ebd4c5a0
Create Date: 2026-12-02 11:14:07.419038

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '248ae3f89f9c'
down_revision = '1396ebd4c5a0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile_job_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker_pid', sa.Integer(), nullable=True))

    with op.batch_alter_table('profile_jobs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('ix_profile_jobs_status_heartbeat')
        batch_op.drop_column('worker')
        batch_op.drop_column('error')
        batch_op.drop_column('attempts')
        batch_op.drop_column('finished_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('status')
        batch_op.drop_column('done_count')
        batch_op.drop_column('failures')
        batch_op.drop_column('total')
    op.execute("UPDATE profile_jobs SET queued_at = created_at")


def downgrade():
    with op.batch_alter_table('profile_jobs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('failures', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('done_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False, server_default='queued'))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_profile_jobs_status_heartbeat', ['status', 'heartbeat_at'], unique=False)
        batch_op.drop_column('queued_at')
    # The old counters, from the items (failure details are not rebuilt: they stay on the
    # items); a job with students waiting goes back to the old worker as queued.
    op.execute(
        "UPDATE profile_jobs SET"
        " total = (SELECT count(*) FROM profile_job_items i WHERE i.job_id = profile_jobs.id),"
        " done_count = (SELECT count(*) FROM profile_job_items i"
        "  WHERE i.job_id = profile_jobs.id AND (i.pdf IS NOT NULL OR i.error IS NOT NULL))"
    )
    op.execute(
        "UPDATE profile_jobs SET status = 'done', finished_at = created_at"
        " WHERE done_count = total"
    )

    with op.batch_alter_table('profile_job_items', schema=None) as batch_op:
        batch_op.drop_column('worker_pid')
