"""Attempt limits shared by every process (sign-in, joining a survey): in Redis when
`REDIS_URL` is set, otherwise in the database's `rate_limits` table.

Each limit is a counter under a key. `claim` charges one attempt to several counters in one
atomic step (one statement, or one Redis script), so two workers, or a burst of parallel
requests, can never both take the last free attempt; a counter that is not due refuses
without being charged, so hammering a refused door never makes its wait longer. A success
gives its attempt back (`refund`), so only failures count.

Two kinds of limit:

- a growing delay (`growing=True`): after `free` attempts, each further attempt must wait 1,
  2, 4 ... up to 60 seconds since the last one. It slows, it never locks out: a right password
  after the wait works. The count is forgotten `window` seconds after the last attempt.
- a cap (`growing=False`): `free` attempts in a window of `window` seconds from the first,
  then none until the window ends.

Keys are hashed (`key`): the table never holds an email, an address or a code. Counters past
their window are deleted by the periodic `purge` (app.tasks); Redis expires its own.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    bindparam,
    case,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

MAX_DELAY = 60  # seconds: the longest wait a growing delay asks for
NEVER = 10**9  # a `free` so large the counter never limits (a count kept to be shown)
# `next_at` of a counter that owes no wait: long past, not "now", so that a request whose
# clock read a moment earlier than a parallel one's is not told to wait for it.
DUE = 0.0

# The clock, in seconds since the epoch; tests replace it to skip ahead.
clock = time.time


class RateLimit(db.Model):
    """One counter: attempts charged in its window, and when the next one may be made."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    free: Mapped[int] = mapped_column(Integer)
    growing: Mapped[bool] = mapped_column(Boolean)
    window_seconds: Mapped[int] = mapped_column(Integer)
    window_ends: Mapped[float] = mapped_column(Float, index=True)
    next_at: Mapped[float] = mapped_column(Float)
    claim: Mapped[str] = mapped_column(String(16))


@dataclass(frozen=True)
class Limit:
    """A counter and its rule (see the module's docstring)."""

    key: str
    free: int
    window: int
    growing: bool = False


@dataclass(frozen=True)
class Claim:
    """The outcome of `claim`: `wait` is 0 when the attempt may go ahead, else the seconds
    until it may; `charged` are the keys the attempt was counted on (to `refund` on success)."""

    wait: int
    charged: tuple[str, ...]
    limits: tuple[Limit, ...]

    @property
    def allowed(self) -> bool:
        return self.wait == 0


def key(kind: str, *parts: object) -> str:
    """Return the counter key of `kind` for these parts (an address, an email ...), hashed so
    that no personal data is stored and every key has the same short length."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"[:64]


def delay_after(hits: int, free: int) -> float:
    """Seconds to wait after `hits` attempts under a growing delay that allows `free`."""
    if hits < free:
        return 0
    return min(2 ** (hits - free), MAX_DELAY)


def claim(*limits: Limit) -> Claim:
    """Charge one attempt to every counter of `limits` that is due, atomically; the attempt
    may go ahead only if all were due. If not, the ones charged are given back at once."""
    # One counter once, in a fixed order (two requests lock the same rows in the same order).
    limits = tuple(sorted({limit.key: limit for limit in limits}.values(), key=lambda x: x.key))
    now, token = clock(), secrets.token_hex(8)
    claim_in = _redis_claim if _redis_url() else _sql_claim
    results = claim_in(limits, now, token)
    charged = tuple(k for k, (got, _next) in results.items() if got == token)
    waits = [next_at - now for k, (got, next_at) in results.items() if got != token]
    outcome = Claim(math.ceil(max(waits)) if waits else 0, charged, limits)
    if not outcome.allowed and charged:
        refund(outcome)
        outcome = Claim(outcome.wait, (), limits)
    return outcome


def refund(outcome: Claim) -> None:
    """Give back the attempt `outcome` charged (the attempt succeeded: only failures count)."""
    keys = [limit.key for limit in outcome.limits if limit.key in outcome.charged]
    if not keys:
        return
    if _redis_url():
        _redis().eval(_REDIS_REFUND, len(keys), *(_redis_key(k) for k in keys))
        return
    table = RateLimit.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.key.in_(keys), table.c.hits > 0)
            .values(
                hits=table.c.hits - 1,
                next_at=case((table.c.hits - 1 < table.c.free, DUE), else_=table.c.next_at),
            )
        )


def count(key_: str) -> int:
    """Return the attempts counted under `key_` in its current window."""
    now = clock()
    if _redis_url():
        hits, ends = _redis().hmget(_redis_key(key_), "hits", "ends")
        return int(hits) if hits is not None and float(ends) > now else 0
    table = RateLimit.__table__
    with db.engine.connect() as conn:
        hits = conn.scalar(
            select(table.c.hits).where(table.c.key == key_, table.c.window_ends > now)
        )
    return hits or 0


def clear(*keys: str) -> None:
    """Forget the counters of `keys`."""
    if not keys:
        return
    if _redis_url():
        _redis().delete(*(_redis_key(k) for k in keys))
        return
    with db.engine.begin() as conn:
        conn.execute(delete(RateLimit.__table__).where(RateLimit.__table__.c.key.in_(keys)))


def clear_all() -> None:
    """Forget every counter of this database (tests start from none)."""
    if _redis_url():
        client = _redis()
        names = list(client.scan_iter(match=_redis_key("*"), count=500))
        if names:
            client.delete(*names)
        return
    with db.engine.begin() as conn:
        conn.execute(delete(RateLimit.__table__))


def purge() -> int:
    """Delete counters that are past their window and owe no wait; return how many. Redis
    expires its own, so there it does nothing."""
    if _redis_url():
        return 0
    now = clock()
    table = RateLimit.__table__
    with db.engine.begin() as conn:
        result = conn.execute(
            delete(table).where(table.c.window_ends <= now, table.c.next_at <= now)
        )
    return result.rowcount or 0


# ---- the database: one upsert ---------------------------------------------------------------


def _ladder(hits, free, now, growing, window_ends):
    """The SQL for `next_at` after `hits` charged attempts (mirrors `delay_after`; a cap waits
    for the end of its window)."""
    over = hits - free
    steps = [(over == n, now + 2**n) for n in range(6)]  # 1, 2, 4 ... 32 s
    return case(
        (hits < free, DUE),
        (~growing, window_ends),
        *steps,
        else_=now + MAX_DELAY,
    )


_statements: dict[tuple[str, int], object] = {}


def _claim_statement(dialect: str, n: int):
    """The upsert that charges `n` counters, built once per dialect and size (its values are
    bound parameters, so it is compiled once too)."""
    stmt = _statements.get((dialect, n))
    if stmt is not None:
        return stmt
    table = RateLimit.__table__
    module = postgresql if dialect == "postgresql" else sqlite
    now = bindparam("now", type_=Float)
    columns = ("key", "free", "growing", "window_seconds", "window_ends", "next_at")
    rows = [
        {
            **{name: bindparam(f"{name}_{i}", type_=table.c[name].type) for name in columns},
            "hits": 1,
            "claim": bindparam("token", type_=String),
        }
        for i in range(n)
    ]
    stmt = module.insert(table).values(rows)
    new, old = stmt.excluded, table.c
    expired = old.window_ends <= now
    due = old.next_at <= now
    hits = old.hits + 1
    ends = case((new.growing, now + new.window_seconds), else_=old.window_ends)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((expired, 1), (due, hits), else_=old.hits),
            "window_ends": case((expired, new.window_ends), (due, ends), else_=old.window_ends),
            "next_at": case(
                (expired, new.next_at),
                (due, _ladder(hits, new.free, now, new.growing, old.window_ends)),
                else_=old.next_at,
            ),
            "claim": case((expired | due, new.claim), else_=old.claim),
            "free": new.free,
            "growing": new.growing,
            "window_seconds": new.window_seconds,
        },
    ).returning(table.c.key, table.c.claim, table.c.next_at)
    _statements[(dialect, n)] = stmt
    return stmt


def _sql_claim(limits, now: float, token: str) -> dict[str, tuple[str, float]]:
    params: dict = {"now": now, "token": token}
    for i, limit in enumerate(limits):
        params.update(
            {
                f"key_{i}": limit.key,
                f"free_{i}": limit.free,
                f"growing_{i}": limit.growing,
                f"window_seconds_{i}": limit.window,
                f"window_ends_{i}": now + limit.window,
                f"next_at_{i}": _first_next_at(limit, now),
            }
        )
    with db.engine.begin() as conn:
        stmt = _claim_statement(conn.dialect.name, len(limits))
        return {k: (got, next_at) for k, got, next_at in conn.execute(stmt, params)}


def _first_next_at(limit: Limit, now: float) -> float:
    if limit.free > 1:
        return DUE
    return now + (delay_after(1, limit.free) if limit.growing else limit.window)


# ---- Redis: one script ----------------------------------------------------------------------

# KEYS: the counters; ARGV: now, token, the longest delay, then free, window and growing (0/1)
# of each key. The same rules as _sql_claim.
_REDIS_CLAIM = """
local now, token, max_delay = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[3 * i + 1])
  local window = tonumber(ARGV[3 * i + 2])
  local growing = ARGV[3 * i + 3] == '1'
  local row = redis.call('HMGET', key, 'hits', 'ends', 'next', 'claim')
  local hits, ends, nxt = tonumber(row[1]), tonumber(row[2]), tonumber(row[3])
  if hits == nil or ends <= now then
    hits, ends, nxt = 0, now + window, 0
  end
  if nxt <= now then
    hits = hits + 1
    if growing then ends = now + window end
    if hits < free then
      nxt = 0
    elseif growing then
      nxt = now + math.min(2 ^ (hits - free), max_delay)
    else
      nxt = ends
    end
    redis.call('HSET', key, 'hits', hits, 'ends', tostring(ends), 'next', tostring(nxt),
               'claim', token, 'free', free)
    local keep = math.max(ends, nxt) - now
    redis.call('PEXPIRE', key, math.ceil(keep * 1000) + 1000)
    out[i] = {token, tostring(nxt)}
  else
    out[i] = {row[4] or '', tostring(nxt)}
  end
end
return out
"""

# KEYS: the counters.
_REDIS_REFUND = """
for _, key in ipairs(KEYS) do
  local row = redis.call('HMGET', key, 'hits', 'free')
  local hits, free = tonumber(row[1]), tonumber(row[2])
  if hits ~= nil and hits > 0 then
    redis.call('HSET', key, 'hits', hits - 1)
    if hits - 1 < free then redis.call('HSET', key, 'next', 0) end
  end
end
return 0
"""

_clients: dict[str, object] = {}


def _redis_url() -> str | None:
    return current_app.config.get("REDIS_URL")


def _redis():
    import redis

    url = _redis_url()
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url)
    return client


def _redis_key(key_: str) -> str:
    from app.config import queue_name

    # Named after the database, like the task queue: two databases on one Redis never mix.
    return f"{queue_name(current_app.config['SQLALCHEMY_DATABASE_URI'])}:limit:{key_}"


def _redis_claim(limits, now: float, token: str) -> dict[str, tuple[str, float]]:
    args: list = [now, token, MAX_DELAY]
    for limit in limits:
        args += [limit.free, limit.window, 1 if limit.growing else 0]
    names = [_redis_key(limit.key) for limit in limits]
    replies = _redis().eval(_REDIS_CLAIM, len(names), *names, *args)
    return {
        limit.key: (got.decode() if isinstance(got, bytes) else got, float(next_at))
        for limit, (got, next_at) in zip(limits, replies, strict=True)
    }
