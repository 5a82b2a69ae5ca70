"""Django's SQLite backend with a writer queue.

SQLite lets one connection write at a time; a writer that finds the lock taken is put to sleep by
SQLite's busy handler for 1, 2, 5, 10, 15 … ms before it looks again, whatever the holder needs. A
registration holds the lock for about two milliseconds, so with two server processes the second one
often slept three to eight — the database idle, the core idle. Here every transaction (BEGIN
IMMEDIATE, as settings ask) first takes a lock of the operating system beside the database file: the
threads of a process queue on a thread lock, the processes on `flock`, looked at every fraction of a
millisecond. When it is free, SQLite's own lock is free too, unless a statement outside any
transaction writes at that moment — SQLite's busy handler still covers that, and every connection
that does not come through this backend.

The wait is bounded by the connection's timeout (OPTIONS["timeout"], as SQLite's own wait is); then
the transaction fails with "database is locked", as it would have without the queue.
"""

import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POLL_SECONDS = 0.0002


class WriterQueue:
    """The writer lock of one database file, for this process."""

    def __init__(self, path: str):
        self.path = f"{path}-writers.lock"
        self._threads = threading.Lock()
        self._fd: int | None = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise OperationalError("database is locked (another thread of this process is writing)")
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise OperationalError("database is locked (another process is writing)") from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def _forget_queues() -> None:
    # A forked child must not share its parent's lock file description (flock would treat parent and
    # child as one holder) nor inherit a thread lock held at the fork.
    _queues.clear()


os.register_at_fork(after_in_child=_forget_queues)


def writer_queue(path: str) -> WriterQueue:
    path = os.path.abspath(path)
    with _queues_lock:
        if path not in _queues:
            _queues[path] = WriterQueue(path)
        return _queues[path]


class DatabaseWrapper(base.DatabaseWrapper):
    _queued: WriterQueue | None = None

    def _writer_queue(self) -> WriterQueue | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return writer_queue(name)

    def _start_transaction_under_autocommit(self):
        queue = self._writer_queue()
        if queue is not None:
            queue.acquire(float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5)))
            self._queued = queue
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        if self._queued is not None:
            queue, self._queued = self._queued, None
            queue.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
