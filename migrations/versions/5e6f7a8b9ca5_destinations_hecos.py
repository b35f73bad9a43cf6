"""destinations hecos

Destinations record their subject as HECoS codes, and a status; the maths-related list
becomes a table admins edit.

- `destinations.hecos` (new): one HECoS code, or two separated by a space for joint honours.
  Existing records whose free-text `subject` is exactly a HECoS subject's name (ignoring
  case, as tracking/data/hecos.csv names it: "Mathematics" is 100403) get that code, but
  only where it agrees with the record's `subject_category` (a CAH09 subject with
  "mathematics", any other with "maths_related" or "other"). Every other record keeps
  `hecos` NULL, and the outcome then reads its `subject_category` as before
  ("mathematics" counts as maths, "maths_related" as maths-related): no code is guessed.
  `subject_category` stays, for those older records.
- `destinations.status` (new): applied, firm, insurance, confirmed, deferred, started.
  Existing records get NULL ("not recorded"), which the outcome counts as a decided
  destination, as the old definition did.
- Destination types keep their values; "degree_apprenticeship" is new ("higher_education" is
  now labelled University, "apprenticeship" Other apprenticeship). Downgrading turns degree
  apprenticeships into "apprenticeship", the nearest older type.
- `maths_related_subjects` (new): code (a CAH code or a HECoS code) and reason, with who
  added it, seeded from tracking/data/maths_related.csv.

Revision ID: 5e6f7a8b9ca5
Revises: 4d5e6f7a8b94
Create Date: 2026-12-02 15:10:00

"""
import csv
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e6f7a8b9ca5'
down_revision = '4d5e6f7a8b94'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / 'tracking' / 'data'


def _rows(name):
    with (DATA / name).open(encoding='utf-8', newline='') as file:
        return list(csv.DictReader(line for line in file if not line.startswith('#')))


def upgrade():
    with op.batch_alter_table('destinations', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('hecos', sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=True))
    related = op.create_table('maths_related_subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=11), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_maths_related_subjects_added_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maths_related_subjects')),
    sa.UniqueConstraint('code', name=op.f('uq_maths_related_subjects_code'))
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(related, [
        {'code': r['code'], 'reason': r['reason'], 'added_by_id': None, 'created_at': now}
        for r in _rows('maths_related.csv')
    ])
    _code_existing_subjects()


def _code_existing_subjects():
    by_name = {r['subject'].casefold(): r for r in _rows('hecos.csv')}
    conn = op.get_bind()
    found = conn.execute(sa.text(
        "SELECT id, subject, subject_category FROM destinations WHERE subject IS NOT NULL"
    )).all()
    for record_id, subject, category in found:
        match = by_name.get(subject.strip().casefold())
        if match is None:
            continue
        maths = match['cah3'].startswith('CAH09')
        if category is not None and (category == 'mathematics') != maths:
            continue
        conn.execute(
            sa.text("UPDATE destinations SET hecos = :code WHERE id = :id"),
            {'code': match['code'], 'id': record_id},
        )


def downgrade():
    op.execute(
        "UPDATE destinations SET type = 'apprenticeship' WHERE type = 'degree_apprenticeship'"
    )
    op.drop_table('maths_related_subjects')
    with op.batch_alter_table('destinations', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('hecos')
