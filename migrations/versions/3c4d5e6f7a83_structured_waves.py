"""structured waves

A survey session's wave becomes an academic year and a term (`wave_year`, `wave_term`) instead
of free text, so "Autumn 25" and "Autumn 2025" can no longer split a wave.

Existing labels are migrated where they parse (the rules of `surveys.waves.parse_wave`, copied
here as they stood: a term and a year,
e.g. "Autumn 2025", "Autumn 25", "Spring 2026", "2025/26 summer"; a term with no year, e.g.
"Autumn", takes the academic year of the day the session was opened). Any other label (none,
"Wave 2", "Year 9 baseline") is replaced by the wave of the session's date (the term the day
it was opened falls in: autumn September-December, spring January-March, summer April-August).
The free-text column is then dropped. Downgrading writes each wave back as its label
("Autumn 2025/26"); the original wording of a label is not kept.

The two columns are nullable in the database only because SQLite cannot add a NOT NULL column
to a table that has rows without rebuilding it; the app always sets them.

Instrument versions need no schema change: `survey_instruments` already keeps every content
version and each session points at the one it was answered with.

Revision ID: 3c4d5e6f7a83
Revises: 2b3c4d5e6f72
Create Date: 2026-12-02 15:10:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c4d5e6f7a83'
down_revision = '2b3c4d5e6f72'
branch_labels = None
depends_on = None

sessions = sa.table(
    'survey_sessions',
    sa.column('id', sa.Integer),
    sa.column('wave', sa.String),
    sa.column('wave_year', sa.Integer),
    sa.column('wave_term', sa.String),
    sa.column('opened_at', sa.DateTime),
)


# The label rules as they stood when this migration was written (surveys/waves.py then),
# copied so that a later change there can never change what this migration does.
TERMS = ('autumn', 'spring', 'summer')
_TERM_WORDS = {
    'autumn': 'autumn', 'aut': 'autumn', 'michaelmas': 'autumn',
    'spring': 'spring', 'spr': 'spring', 'lent': 'spring',
    'summer': 'summer', 'sum': 'summer', 'trinity': 'summer',
}
_TERM = re.compile(r'\b(' + '|'.join(_TERM_WORDS) + r')\b')
_ACADEMIC_YEAR = re.compile(r'\b(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\b')
_YEAR = re.compile(r'\b(\d{4}|\d{2})\b')
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _academic_year(on):
    return on.year if on.month >= 9 else on.year - 1


def _term_of(on):
    return 'autumn' if on.month >= 9 else 'spring' if on.month <= 3 else 'summer'


def _full_year(digits):
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _in_range(year, term):
    return (year, term) if FIRST_YEAR <= year <= LAST_YEAR else None


def _parse(text, on):
    """(academic year, term) of a label, or None (see surveys.waves.parse_wave)."""
    words = (text or '').lower().replace('_', ' ')
    terms = {_TERM_WORDS[found] for found in _TERM.findall(words)}
    if len(terms) != 1:
        return None
    term = terms.pop()
    academic = _ACADEMIC_YEAR.findall(words)
    if len(academic) > 1:
        return None
    if academic:
        start, end = (_full_year(part) for part in academic[0])
        return _in_range(start, term) if end == start + 1 else None
    years = _YEAR.findall(words)
    if len(years) > 1:
        return None
    if years:
        year = _full_year(years[0])
        return _in_range(year if term == 'autumn' else year - 1, term)
    return (_academic_year(on), term)


def wave_from_label(text, opened_on):
    """(academic year, term): the label's where it reads, else the session date's."""
    return _parse(text, opened_on) or (_academic_year(opened_on), _term_of(opened_on))


def wave_label(year, term):
    return f'{term.title()} {year}/{(year + 1) % 100:02d}'


def upgrade():
    with op.batch_alter_table('survey_sessions', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('wave_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('wave_term', sa.String(length=6), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(sessions.c.id, sessions.c.wave, sessions.c.opened_at))
    for session_id, text, opened_at in rows.all():
        year, term = wave_from_label(text, opened_at.date())
        connection.execute(
            sessions.update()
            .where(sessions.c.id == session_id)
            .values(wave_year=year, wave_term=term)
        )
    with op.batch_alter_table('survey_sessions', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('wave')


def downgrade():
    with op.batch_alter_table('survey_sessions', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('wave', sa.String(length=60), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(sessions.c.id, sessions.c.wave_year, sessions.c.wave_term).where(
            sessions.c.wave_year.is_not(None), sessions.c.wave_term.is_not(None)
        )
    )
    for session_id, year, term in rows.all():
        connection.execute(
            sessions.update()
            .where(sessions.c.id == session_id)
            .values(wave=wave_label(year, term))
        )
    with op.batch_alter_table('survey_sessions', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('wave_term')
        batch_op.drop_column('wave_year')
