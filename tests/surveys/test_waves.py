"""Structured waves: reading old free-text labels, the wave of a date, the choices a teacher
gets, and the migration that turned every stored label into a wave."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from surveys.waves import Wave, parse_wave, term_of, wave_choices, wave_from_label, wave_of
from tests.conftest import make_app

AUTUMN_2025 = Wave(2025, "autumn")


@pytest.mark.parametrize(
    "text",
    [
        "Autumn 2025",
        "Autumn 25",
        "autumn term 2025",
        "  AUTUMN   2025 ",
        "Aut 2025",
        "Autumn 2025/26",
        "2025/26 autumn",
        "2025-26 Autumn",
        "Autumn 25/26",
        "Michaelmas 2025",
    ],
)
def test_every_way_of_writing_autumn_2025_is_one_wave(text):
    assert parse_wave(text) == AUTUMN_2025


@pytest.mark.parametrize(
    ("text", "wave"),
    [
        ("Spring 2026", Wave(2025, "spring")),  # spring and summer are in the next calendar year
        ("Summer 26", Wave(2025, "summer")),
        ("Spring 2025/26", Wave(2025, "spring")),
        ("summer term 2026", Wave(2025, "summer")),
    ],
)
def test_spring_and_summer_belong_to_the_academic_year_that_began_the_autumn_before(text, wave):
    assert parse_wave(text) == wave


@pytest.mark.parametrize(
    "text",
    [None, "", "Wave 2", "Baseline", "2025", "Autumn 2025 and Spring 2026", "Autumn 2025/27",
     "Autumn or spring 2025", "Autumn 1999"],
)  # fmt: skip
def test_a_label_without_exactly_one_term_and_one_clear_year_is_not_read(text):
    assert parse_wave(text) is None


def test_a_term_without_a_year_takes_the_academic_year_of_the_session():
    # "Autumn" typed on 20 January 2026: the autumn term of 2025/26, not of 2026/27.
    assert parse_wave("Autumn", on=date(2026, 1, 20)) == AUTUMN_2025
    assert parse_wave("Autumn") is None


def test_an_unreadable_label_falls_back_to_the_wave_of_the_sessions_date():
    assert wave_from_label("Wave 2", date(2026, 2, 3)) == Wave(2025, "spring")
    assert wave_from_label(None, date(2026, 6, 16)) == Wave(2025, "summer")
    assert wave_from_label("Autumn 25", date(2026, 6, 16)) == AUTUMN_2025


@pytest.mark.parametrize(
    ("day", "wave"),
    [
        (date(2025, 8, 31), Wave(2024, "summer")),
        (date(2025, 9, 1), Wave(2025, "autumn")),
        (date(2025, 12, 31), Wave(2025, "autumn")),
        (date(2026, 1, 1), Wave(2025, "spring")),
        (date(2026, 3, 31), Wave(2025, "spring")),
        (date(2026, 4, 1), Wave(2025, "summer")),
    ],
)
def test_the_wave_of_a_day(day, wave):
    assert wave_of(day) == wave
    assert term_of(day) == wave.term


def test_waves_sort_in_time_order_and_read_as_people_write_them():
    waves = [Wave(2025, "autumn"), Wave(2024, "summer"), Wave(2025, "spring"), Wave(2024, "autumn")]
    assert [w.label for w in sorted(waves)] == [
        "Autumn 2024/25",
        "Summer 2024/25",
        "Autumn 2025/26",
        "Spring 2025/26",
    ]
    assert Wave.from_key(AUTUMN_2025.key) == AUTUMN_2025
    with pytest.raises(ValueError):
        Wave.from_key("2025-winter")
    with pytest.raises(ValueError):
        Wave.from_key("Autumn 2025")


def test_a_teacher_chooses_from_this_year_and_last_newest_first():
    choices = wave_choices(date(2026, 2, 3))
    assert [w.label for w in choices] == [
        "Summer 2025/26",
        "Spring 2025/26",
        "Autumn 2025/26",
        "Summer 2024/25",
        "Spring 2024/25",
        "Autumn 2024/25",
    ]
    # In the summer term the coming autumn is offered too.
    assert wave_choices(date(2026, 7, 20))[0] == Wave(2026, "autumn")


def test_the_migration_turns_labels_into_waves_and_back(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "waves.sqlite"))
    sessions = sa.table(
        "survey_sessions",
        sa.column("id", sa.Integer),
        sa.column("school_id", sa.Integer),
        sa.column("instrument_id", sa.Integer),
        sa.column("class_code", sa.String),
        sa.column("wave", sa.String),
        sa.column("opened_at", sa.DateTime),
        sa.column("wave_year", sa.Integer),
        sa.column("wave_term", sa.String),
    )
    labels = {
        1: ("Autumn 25", datetime(2025, 10, 6, 9)),
        2: ("Autumn 2025", datetime(2025, 11, 20, 9)),
        3: ("Spring 2026", datetime(2026, 2, 3, 9)),
        4: ("Autumn", datetime(2026, 1, 12, 9)),  # a late autumn wave: 2025/26
        5: ("Wave 2", datetime(2026, 6, 16, 9)),  # unreadable: the wave of its date
        6: (None, datetime(2024, 9, 30, 9)),
    }
    with app.app_context():
        upgrade(revision="2b3c4d5e6f72")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO schools (id, urn, name, created_at) "
                    "VALUES (1, '100001', 'School', '2025-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO survey_instruments (id, key, version, title, content, created_at)"
                    " VALUES (1, 'enjoyment', 'v1', 'Enjoying maths', '{}', '2025-01-01 00:00:00')"
                )
            )
            for session_id, (label, opened_at) in labels.items():
                conn.execute(
                    sessions.insert().values(
                        id=session_id,
                        school_id=1,
                        instrument_id=1,
                        class_code=f"CODE{session_id}",
                        wave=label,
                        opened_at=opened_at,
                    )
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(sessions.c.id, sessions.c.wave_year, sessions.c.wave_term).order_by(
                    sessions.c.id
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, 2025, "autumn"),
            (2, 2025, "autumn"),
            (3, 2025, "spring"),
            (4, 2025, "autumn"),
            (5, 2025, "summer"),
            (6, 2024, "autumn"),
        ]
        assert "wave" not in {
            c["name"] for c in sa.inspect(db.engine).get_columns("survey_sessions")
        }
        downgrade(revision="2b3c4d5e6f72")
        with db.engine.connect() as conn:
            back = conn.execute(sa.select(sessions.c.wave).order_by(sessions.c.id)).scalars()
            assert list(back)[:3] == ["Autumn 2025/26", "Autumn 2025/26", "Spring 2025/26"]
        db.engine.dispose()
