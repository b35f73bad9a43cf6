"""Hostile uploads: the time and peak memory of uploading each hostile spreadsheet through the
roster import page, against a normal 500-row file as the floor.

    .venv/bin/python bench/hostile_uploads.py [--repeat 3]

Each file is uploaded by a signed-in lead in a process of its own (so that its peak memory
is its own), on a temporary SQLite database. For each it prints the median wall time of the
upload request, the web process's peak resident memory (parent) and how much the uploads
made it grow, the peak of the child process that read the file and its time, what the page
said, and the time and the parent's peak as ratios to the normal file. Then the start-up
cost of a child: the first read in a process (which starts the fork server) and the median
of later ones.

Top-level imports are the standard library only: a child re-imports this script.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "normal 500 rows (floor)": "normal",
    "declares A1:XFD1048576, 3 rows": "declared",
    "zip bomb, one 180 MB cell": "one_cell_bomb",
    "zip bomb, 180 MB of rows": "rows_bomb",
    "30,000 rows": "tall",
    "300 columns": "wide",
}


def build(case: str) -> bytes:
    from tests.app import test_import_hostile as files

    return {
        "normal": lambda: files.xlsx_streamed(files.student_rows(500)),
        "declared": files.declared_huge_xlsx,
        "one_cell_bomb": files.one_cell_bomb_xlsx,
        "rows_bomb": files.many_rows_bomb_xlsx,
        "tall": files.tall_xlsx,
        "wide": files.wide_xlsx,
    }[case]()


def run_case(case: str, repeat: int) -> dict:
    """Upload one file `repeat` times in this process; return its figures."""
    import io
    import logging
    import resource

    import common

    from app.extensions import db
    from app.models import Role
    from tests.factories import PASSWORD, make_school, make_user

    app, _ = common.migrated_app()
    with app.app_context():
        lead = make_user(Role.LEAD, make_school("Bench Academy"), email="bench@example.org")
        db.session.commit()
        email = lead.email
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    content = build(case)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("app.imports.reader")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.post(
            "/students/import",
            data={"roster": (io.BytesIO(content), "roster.xlsx")},
            content_type="multipart/form-data",
        )
        samples.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if response.status_code == 303:
        said = "accepted"
    else:
        page = response.get_data(as_text=True)
        said = page.split('class="field-error"', 1)[-1].split(">", 1)[-1].split("<", 1)[0]
    return {
        "bytes": len(content),
        "seconds": statistics.median(samples),
        "parent_grew_kb": after - before,
        "parent_peak_kb": after,
        "child_peak_kb": max(r.child_peak_kb for r in records),
        "child_seconds": statistics.median(r.seconds for r in records),
        "child_exit": records[-1].exitcode,
        "said": said.strip(),
    }


def start_up(repeat: int) -> dict:
    """The cost of reading a one-row CSV in a child: the first call, then later ones."""
    from app.imports.reader import read_isolated

    content = b"UPN,Forename,Surname,Year\r\nA1,Ann,Lee,9\r\n"
    samples = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        read_isolated(content, "r.csv")
        samples.append(time.perf_counter() - start)
    return {"first": samples[0], "later": statistics.median(samples[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--start-up", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.case:
        print(json.dumps(run_case(args.case, args.repeat)))
        return
    if args.start_up:
        print(json.dumps(start_up(max(args.repeat, 10))))
        return

    def in_own_process(*extra: str) -> dict:
        command = [sys.executable, __file__, "--repeat", str(args.repeat), *extra]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(output.strip().splitlines()[-1])

    mb = 1024
    print(
        f"{'file':<32} {'size kB':>8} {'median s':>9} {'x floor':>8} {'parent MB':>10} "
        f"{'grew MB':>8} {'x floor':>8} {'child MB':>9} {'child s':>8}  page says"
    )
    floor = None
    for label, case in CASES.items():
        figures = in_own_process("--case", case)
        floor = floor or figures
        print(
            f"{label:<32} {figures['bytes'] / 1024:>8.0f} {figures['seconds']:>9.2f} "
            f"{figures['seconds'] / floor['seconds']:>8.1f} "
            f"{figures['parent_peak_kb'] / mb:>10.0f} {figures['parent_grew_kb'] / mb:>8.1f} "
            f"{figures['parent_peak_kb'] / floor['parent_peak_kb']:>8.2f} "
            f"{figures['child_peak_kb'] / mb:>9.0f} {figures['child_seconds']:>8.2f}  "
            f"{figures['said'][:60]} (child exit {figures['child_exit']})"
        )
    startup = in_own_process("--start-up")
    print(
        f"child start-up: first read in a process {startup['first'] * 1000:.0f} ms "
        f"(starts the fork server), later reads {startup['later'] * 1000:.0f} ms (median)"
    )


if __name__ == "__main__":
    main()
