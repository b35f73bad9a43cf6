"""post16 routes

Post-16 records hold a route and an institution instead of a maths subject.

- `post16_records.subject` is renamed `route`. Its values move to routes: "a_level_maths",
  "a_level_further_maths" and "core_maths" keep their value (each is a route of the same
  name); "none" ("no maths after 16") becomes "no_maths" ("No maths, route not known"),
  because the old records do not say which route (other Level 3, apprenticeship,
  employment, not in education) the student took. Downgrading moves "no_maths" back to
  "none" and every other route that was not a subject (AS, IB, other Level 3 and the
  non-education routes) to "none" too, the nearest the old vocabulary has.
- Statuses keep their values ("considering", "applied", "enrolled", "withdrawn"); "intends"
  and "completed" are new. Downgrading moves "intends" to "considering" and "completed" to
  "enrolled".
- New columns: `institution` ("own_sixth_form" or "other"; NULL is not known: existing
  records get NULL, since their free-text provider does not say whether it is the school's
  own sixth form), `provider_urn` (6 digits) and `provider_ukprn` (8 digits). `provider`
  stays: the institution's name.

Revision ID: 4d5e6f7a8b94
Revises: 3c4d5e6f7a83
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d5e6f7a8b94'
down_revision = '3c4d5e6f7a83'
branch_labels = None
depends_on = None

SUBJECTS = ('a_level_maths', 'a_level_further_maths', 'core_maths')


def upgrade():
    with op.batch_alter_table('post16_records', schema=None, recreate='never') as batch_op:
        batch_op.alter_column(
            'subject', new_column_name='route',
            existing_type=sa.String(length=30), existing_nullable=False,
        )
    with op.batch_alter_table('post16_records', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('institution', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('provider_urn', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('provider_ukprn', sa.String(length=8), nullable=True))
    op.execute("UPDATE post16_records SET route = 'no_maths' WHERE route = 'none'")


def downgrade():
    kept = ", ".join(f"'{subject}'" for subject in SUBJECTS)
    op.execute(f"UPDATE post16_records SET route = 'none' WHERE route NOT IN ({kept})")
    op.execute("UPDATE post16_records SET status = 'considering' WHERE status = 'intends'")
    op.execute("UPDATE post16_records SET status = 'enrolled' WHERE status = 'completed'")
    with op.batch_alter_table('post16_records', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('provider_ukprn')
        batch_op.drop_column('provider_urn')
        batch_op.drop_column('institution')
    with op.batch_alter_table('post16_records', schema=None, recreate='never') as batch_op:
        batch_op.alter_column(
            'route', new_column_name='subject',
            existing_type=sa.String(length=30), existing_nullable=False,
        )
