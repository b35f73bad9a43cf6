"""What the benchmarks share: their arguments, a migrated app on a scratch database, p95."""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402


def arguments(doc: str, students: int, repeat: int) -> argparse.Namespace:
    """Parse --students and --repeat, with these defaults."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--students", type=int, default=students)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()


def migrated_app():
    """Return (app, uri): the app on DATABASE_URL if set (an empty database it may fill),
    else on a new SQLite file, with every migration applied. CSRF is off: the benchmarks
    time the pages, not the forms."""
    uri = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
    return app, uri


def p95(samples: list[float]) -> float:
    """The 95th percentile of `samples`."""
    return statistics.quantiles(samples, n=20)[-1]
