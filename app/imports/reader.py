"""Reading an uploaded file in a child process with limits, so that a hostile spreadsheet
(a zip bomb, a sheet that declares a million rows of 16,384 columns) costs one refused
import, never the web worker that received it. No Flask.

`read_isolated` runs `app.imports.table.read_table` in a child process that may use at most
`Limits.memory_bytes` of address space (RLIMIT_AS) and `Limits.cpu_seconds` of CPU
(RLIMIT_CPU), and is killed after `Limits.wall_seconds`. It returns the table packed
(`table.pack_table`): the caller stores it without unpacking it. The file's own problems
(no header row, too many rows...) come back as their ImportFileError; a child that hits a
limit, crashes, or meets a damaged zip or XML gives DAMAGED.

Children start from a fork server (multiprocessing's "forkserver"): a single-threaded
process started once per web process with the reader already imported, so forking it is
safe in a threaded server and a child starts in milliseconds, not the ~0.3 s of a fresh
interpreter. Each run is logged (`app.imports.reader`, INFO) with its time and the child's
peak memory.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from dataclasses import dataclass

from app.imports.table import DAMAGED, MAX_ROWS, ImportFileError, pack_table, read_table

log = logging.getLogger(__name__)

# What the fork server imports once, so that no child imports it again.
PRELOAD = ["app.imports.table", "openpyxl", "openpyxl.reader.excel", "charset_normalizer"]


@dataclass(frozen=True)
class Limits:
    """What one child may use before it is stopped."""

    memory_bytes: int = 512 * 1024 * 1024
    cpu_seconds: int = 30
    wall_seconds: float = 60.0


@dataclass(frozen=True)
class Reading:
    """A file read in a child: its table packed, how long it took (start-up included), and
    the child's peak resident memory in kB."""

    packed: bytes
    seconds: float
    child_peak_kb: int


def read_isolated(
    content: bytes,
    filename: str,
    *,
    max_rows: int = MAX_ROWS,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> Reading:
    """Read a CSV or XLSX file as `read_table` does, in a child process within `limits`.

    Raises ImportFileError with the file's problem, or with DAMAGED when the child hit a
    limit, crashed, or could not read the file at all."""
    limits = limits or Limits()
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_in_child,
        args=(sender, content, filename, max_rows, encoding, limits),
        name="import-reader",
        daemon=True,
    )
    start = time.perf_counter()
    child.start()
    sender.close()
    kind, payload, peak_kb = "error", DAMAGED, 0
    answered = False
    try:
        if receiver.poll(limits.wall_seconds):
            kind, payload, peak_kb = receiver.recv()
            answered = True
    except (EOFError, OSError):  # the child died before it answered
        pass
    finally:
        receiver.close()
        child.join(timeout=5 if answered else 0)  # a child that answered ends by itself
        if child.is_alive():
            child.kill()
            child.join()
    seconds = time.perf_counter() - start
    log.info(
        "read %s in a child: %s in %.2f s, peak %d kB, exit code %s",
        filename,
        kind,
        seconds,
        peak_kb,
        child.exitcode,
        extra={"seconds": seconds, "child_peak_kb": peak_kb, "exitcode": child.exitcode},
    )
    if kind != "table":
        raise ImportFileError(payload)
    return Reading(packed=payload, seconds=seconds, child_peak_kb=peak_kb)


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _read_in_child(sender, content, filename, max_rows, encoding, limits: Limits) -> None:
    _limit(resource.RLIMIT_AS, limits.memory_bytes)  # then allocations fail: MemoryError
    _limit(resource.RLIMIT_CPU, limits.cpu_seconds, 1)  # then SIGXCPU ends the child
    _limit(resource.RLIMIT_CORE, 0)  # and leaves no core file
    try:
        table = read_table(content, filename, max_rows=max_rows, encoding=encoding)
        del content
        reply = ("table", pack_table(table))
    except ImportFileError as error:
        reply = ("error", str(error))
    except Exception:  # MemoryError, RecursionError, or a reader's own bug: the same answer
        reply = ("error", DAMAGED)
    sender.send((*reply, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    sender.close()


def _limit(which: int, value: int, grace: int = 0) -> None:
    """Lower a resource limit of this process to `value`, and its hard limit to `value` +
    `grace` (neither above the hard limit it had)."""
    _, hard = resource.getrlimit(which)
    soft, hard_wanted = value, value + grace
    if hard != resource.RLIM_INFINITY:
        soft, hard_wanted = min(soft, hard), min(hard_wanted, hard)
    resource.setrlimit(which, (soft, hard_wanted))
