"""Each worker's in-process replica of the denylist, kept within a bounded delay of Redis.

Why a replica: a Redis round trip from Python (~80 µs) costs more than verifying an RS256
signature (~52 µs), so asking Redis on every request would make the denylist the most expensive
part of a JWT request. Instead a request checks two dictionaries (well under a microsecond), and
before doing so, if the replica was last synced more than ``DENYLIST_SYNC_INTERVAL`` seconds
ago, the worker syncs it first, in one pipelined round trip that returns only what changed.
Hence the bound: **a request is never checked against a replica older than the interval**, so a
revocation reaches every worker within ``DENYLIST_SYNC_INTERVAL`` (0.5 s by default) of its
commit, and the worker that revoked applies it at once. The cost is one round trip per worker
per interval, whatever the traffic.

Why not pub/sub: a subscriber needs a thread per worker, loses messages while disconnected
(so it needs this resync anyway) and gives no bound a request can check; the version counter
does, and an idle worker costs nothing.

In Redis (keys under the cache's KEY_PREFIX):

* ``identity:deny:seq`` — a counter, one step per denylist entry;
* ``identity:deny:log`` — sorted set of ``"<seq>|<kind>|<value>|<exp>"`` scored by seq: the
  delta a worker fetches (``ZRANGEBYSCORE (last_seq +inf``), trimmed to the last 100,000;
* ``identity:deny:live`` — sorted set of ``"<kind>|<value>"`` scored by expiry: the full copy
  for a worker that starts or falls behind, pruned as entries expire; the set itself expires
  with its last entry (each entry's TTL is its token's remaining life).

The issuer's sync also reads, in the same round trip, the versions this site registered on the
same Redis (:func:`identity.core.broadcast.carried`: the signing keys' version, for one), so a
key rotation reaches every worker within the same bound at no extra round trip. The replica
knows nothing of what those versions stand for.

The database (:class:`~identity.jwt.models.DeniedToken`) is the record. When Redis has lost its
data (the counter is gone), one worker rebuilds Redis from the database; when Redis cannot be
reached, the issuer's workers sync from the database instead (an indexed query of recent rows
per interval), so revocation keeps its bound while Redis is down. A site without Redis syncs
from the database all the time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.cache import caches
from django.utils import timezone
from django_redis import get_redis_connection  # type: ignore[import-untyped]  # ships no type information

from identity.conf import identity_settings, on_reload
from identity.core import broadcast
from identity.core.caching import is_redis
from identity.jwt.models import DeniedToken

logger = logging.getLogger("identity.jwt.denylist")

Entry = tuple[str, str, float]  # (kind, value, expiry as Unix time)


class RedisNotReady(Exception):
    """Redis answers but holds no denylist yet: another worker is copying it from the database."""


LOG_KEEP = 100_000
#: Rows inserted this long before a database sync are read again, so a transaction that
#: committed late (or a server whose clock lags) is not missed.
DATABASE_MARGIN = timedelta(seconds=30)
_PRUNE_EVERY = 60.0
#: While Redis is unreachable, it is tried again this often (the database serves meanwhile).
REDIS_RETRY_SECONDS = 5.0

# KEYS: seq, log, live. ARGV: now, keep, then kind|value, exp pairs. Adds only entries that
# are new or later than the copy already there, so replaying the database is idempotent.
_ADD_SCRIPT = """
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local latest = 0
for i = 3, #ARGV, 2 do
  local member = ARGV[i]
  local exp = tonumber(ARGV[i + 1])
  local current = redis.call('ZSCORE', KEYS[3], member)
  if exp > now and ((not current) or tonumber(current) < exp) then
    seq = redis.call('INCR', KEYS[1])
    redis.call('ZADD', KEYS[3], exp, member)
    redis.call('ZADD', KEYS[2], seq, seq .. '|' .. member .. '|' .. ARGV[i + 1])
  end
  if exp > latest then latest = exp end
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], 0) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[2]))
local ttl = redis.call('TTL', KEYS[3])
local wanted = math.ceil(latest - now) + 1
if latest > 0 and ttl ~= -2 and (ttl == -1 or ttl < wanted) then
  redis.call('EXPIRE', KEYS[3], wanted)
  redis.call('EXPIRE', KEYS[2], wanted)
end
return seq
"""


class Replica:
    """One worker's copy of the denylist. ``database``: this site holds the record (the
    issuer), and its syncs carry this site's versions; a remote service that opted in syncs
    another issuer's denylist from Redis only."""

    def __init__(self, alias: str | None, *, database: bool, interval: float) -> None:
        self.alias = alias if is_redis(alias) else None
        self.database = database
        self.interval = float(interval)
        self.jti: dict[str, float] = {}
        self.sid: dict[str, float] = {}
        self.last_seq: int | None = None
        self.synced_at = float("-inf")
        self.db_cursor: Any = None
        self.pending: list[Entry] = []
        self.degraded = False
        self._pruned_at = time.monotonic()
        self._redis_retry_at = float("-inf")
        self._lock = threading.Lock()
        self._script: Any = None

    # --- Redis plumbing ----------------------------------------------------------------------

    def _client(self) -> Any:
        return get_redis_connection(self.alias) if self.alias is not None else None

    def _key(self, name: str) -> str:
        return str(caches[self.alias].make_key(f"identity:{name}"))  # type: ignore[index]

    def _keys(self) -> list[str]:
        return [self._key("deny:seq"), self._key("deny:log"), self._key("deny:live")]

    def _push(self, client: Any, entries: Iterable[Entry]) -> None:
        args: list[Any] = [time.time(), LOG_KEEP]
        for kind, value, exp in entries:
            args += [f"{kind}|{value}", repr(float(exp))]
        if self._script is None:
            self._script = client.register_script(_ADD_SCRIPT)
        self._script(keys=self._keys(), args=args, client=client)

    # --- the request path --------------------------------------------------------------------

    def sync_if_due(self) -> None:
        if time.monotonic() - self.synced_at >= self.interval:
            self.sync()

    def is_denied(self, jti: Any, sid: Any) -> bool:
        """Whether a token with this ``jti`` / ``sid`` is revoked: dictionary lookups, after a
        sync if the replica is older than the interval."""
        if time.monotonic() - self.synced_at >= self.interval:
            self.sync()
        now = time.time()
        if jti is not None and self.jti.get(jti, 0) > now:
            return True
        return sid is not None and self.sid.get(sid, 0) > now

    def sync(self, force: bool = False) -> None:
        with self._lock:
            started = time.monotonic()
            if not force and started - self.synced_at < self.interval:
                return  # another thread synced while this one waited
            client = self._client() if started >= self._redis_retry_at else None
            if client is not None:
                try:
                    if self.degraded and self.database:
                        self._rebuild(client)  # what was revoked during the outage
                    self._sync_redis(client, started)
                    self.synced_at = started
                    if self.degraded:
                        logger.warning("Denylist: Redis is back; syncing from it again.")
                    self.degraded = False
                    self._prune()
                    return
                except Exception as exc:  # noqa: BLE001 - any Redis failure means "use the record"
                    if not self.degraded:
                        logger.warning("Denylist: Redis unavailable (%s); %s.", exc, self._fallback_text())
                    self.degraded = True
                    self.last_seq = None  # reload in full once Redis answers again
                    # Requests must not each wait on a dead server's connect timeout.
                    self._redis_retry_at = started + REDIS_RETRY_SECONDS
            if self.database:
                self._sync_database()
            self.synced_at = started
            self._prune()

    def _fallback_text(self) -> str:
        if self.database:
            return "syncing from the database until it is back"
        return "keeping the last copy until it is back"

    # --- syncing from Redis ------------------------------------------------------------------

    def _carried(self) -> list[broadcast.Version]:
        """This site's versions kept in the same Redis (none for another issuer's denylist)."""
        return broadcast.carried(self.alias) if self.database else []

    def _sync_redis(self, client: Any, started: float) -> None:
        if self.pending:
            pending, self.pending = self.pending, []  # a request thread may append meanwhile
            try:
                self._push(client, pending)
            except Exception:
                self.pending = pending + self.pending
                raise
        seq_key, log_key, _live_key = self._keys()
        if self.last_seq is None:
            self._reload_redis(client, started)
            return
        carried = self._carried()
        pipe = client.pipeline(transaction=False)
        pipe.get(seq_key)
        pipe.zrangebyscore(log_key, f"({self.last_seq}", "+inf")
        for version in carried:
            version.read_into(pipe)
        seq, raw, *versions = pipe.execute()
        _deliver(carried, versions, started)
        if seq is None or int(seq) < self.last_seq:
            self._reload_redis(client, started)  # Redis lost its data, or was rebuilt since
            return
        seq = int(seq)
        entries = [_parse(item) for item in raw]
        expected = list(range(self.last_seq + 1, seq + 1))
        if [n for n, _ in entries] != expected:
            self._reload_redis(client, started)  # the log was trimmed past us (or expired)
            return
        self._apply(entry for _, entry in entries)
        self.last_seq = seq

    def _reload_redis(self, client: Any, started: float) -> None:
        """Load the whole live set (merged into what this worker knows: a denial is never
        undone before it expires)."""
        seq, live = self._snapshot(client, started)
        if seq is None and self.database:
            if not self._rebuild(client):  # Redis restarted empty and another worker is refilling it
                raise RedisNotReady("Redis is being rebuilt from the database")
            seq, live = self._snapshot(client, started)
        self._apply((*member.decode().split("|", 1), float(score)) for member, score in live)  # type: ignore[misc]
        self._apply(self.pending)  # revocations Redis has not accepted yet
        self.last_seq = int(seq or 0)

    def _snapshot(self, client: Any, started: float) -> tuple[Any, list[tuple[bytes, float]]]:
        seq_key, _log_key, live_key = self._keys()
        carried = self._carried()
        pipe = client.pipeline(transaction=True)  # MULTI: the counter and the set agree
        pipe.get(seq_key)
        pipe.zrangebyscore(live_key, time.time(), "+inf", withscores=True)
        for version in carried:
            version.read_into(pipe)
        seq, live, *versions = pipe.execute()
        _deliver(carried, versions, started)
        return seq, live

    def _rebuild(self, client: Any) -> bool:
        """Copy the live denylist from the database into Redis, one worker at a time; False if
        another worker holds the job."""
        if not client.set(self._key("deny:rebuild"), 1, nx=True, ex=30):
            return False
        try:
            self._push_all(client)  # also creates the counter when there is nothing to copy
        finally:
            client.delete(self._key("deny:rebuild"))
        return True

    def _push_all(self, client: Any) -> int:
        rows = DeniedToken.objects.filter(expires_at__gt=timezone.now()).values_list("kind", "value", "expires_at")
        entries = [(kind, value, expires_at.timestamp()) for kind, value, expires_at in rows.iterator(chunk_size=2000)]
        for start in range(0, max(len(entries), 1), 2000):
            self._push(client, entries[start : start + 2000])
        return len(entries)

    # --- syncing from the database -----------------------------------------------------------

    def _sync_database(self) -> None:
        now = timezone.now()
        rows = DeniedToken.objects.filter(expires_at__gt=now)
        if self.db_cursor is not None:
            rows = rows.filter(created_at__gte=self.db_cursor - DATABASE_MARGIN)
        self._apply(
            (kind, value, expires_at.timestamp())
            for kind, value, expires_at in rows.values_list("kind", "value", "expires_at")
        )
        self.db_cursor = now

    # --- writing -----------------------------------------------------------------------------

    def _apply(self, entries: Iterable[Entry]) -> None:
        for kind, value, exp in entries:
            target = self.jti if kind == "jti" else self.sid
            if target.get(value, 0) < exp:
                target[value] = exp

    def publish(self, entries: list[Entry]) -> None:
        """Apply ``entries`` here at once and copy them to Redis for the other workers."""
        self._apply(entries)
        client = self._client()
        if client is None:
            return
        try:
            self._push(client, entries)
        except Exception as exc:  # noqa: BLE001 - the database has them; pushed again at the next sync
            logger.warning("Denylist: could not copy %d entries to Redis (%s); will retry.", len(entries), exc)
            self.pending.extend(entries)

    def resync(self) -> int:
        """Copy every live database entry to Redis (idempotent). The cleanup runs it, so an
        entry a Redis outage kept out of Redis gets there even if the worker that made it is
        gone."""
        client = self._client()
        if client is None or not self.database:
            return 0
        return self._push_all(client)

    def _prune(self) -> None:
        if time.monotonic() - self._pruned_at < _PRUNE_EVERY:
            return
        now = time.time()
        for entries in (self.jti, self.sid):
            # In place, from a snapshot: a request thread may add a revocation meanwhile.
            for key, exp in list(entries.items()):
                if exp <= now:
                    entries.pop(key, None)
        self._pruned_at = time.monotonic()


def _parse(item: bytes) -> tuple[int, Entry]:
    seq, kind, value, exp = item.decode().split("|", 3)
    return int(seq), (kind, value, float(exp))


def _deliver(carried: list[broadcast.Version], values: list[Any], read_at: float) -> None:
    for version, value in zip(carried, values, strict=True):
        version.observe(value, read_at)


# --- the replicas of this process ------------------------------------------------------------

_replicas: dict[str, Replica] = {}


def issuer_replica() -> Replica:
    """The replica of this site's own denylist (database-backed)."""
    replica = _replicas.get("issuer")
    if replica is None:
        replica = Replica(
            identity_settings.DENYLIST_CACHE, database=True, interval=identity_settings.DENYLIST_SYNC_INTERVAL
        )
        _replicas["issuer"] = replica
    return replica


def remote_replica() -> Replica:
    """The replica of another issuer's denylist, from its Redis only (REMOTE_JWT_DENYLIST)."""
    replica = _replicas.get("remote")
    if replica is None:
        replica = Replica(
            identity_settings.DENYLIST_CACHE, database=False, interval=identity_settings.DENYLIST_SYNC_INTERVAL
        )
        _replicas["remote"] = replica
    return replica


@on_reload
def _reset() -> None:
    _replicas.clear()
