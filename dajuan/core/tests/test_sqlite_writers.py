"""The SQLite backend's writer queue (dajuan/core/sqlite): transactions queue on an OS lock before BEGIN."""

import os
import tempfile
import threading
import time
import unittest

from django.db import OperationalError, connection, transaction
from django.test import SimpleTestCase, TransactionTestCase

from dajuan.core.sqlite.base import WriterQueue, writer_queue


class WriterQueueTests(SimpleTestCase):
    def setUp(self) -> None:
        self.path = os.path.join(tempfile.mkdtemp(), "db.sqlite3")

    def test_a_second_holder_waits_until_the_first_releases(self):
        # Two queues on one file stand for two processes: flock is per open file.
        first, second = WriterQueue(self.path), WriterQueue(self.path)
        first.acquire(1)
        with self.assertRaisesRegex(OperationalError, "database is locked"):
            second.acquire(0.05)
        released_at = []
        timer = threading.Timer(0.1, lambda: (released_at.append(time.monotonic()), first.release()))
        timer.start()
        second.acquire(5)
        acquired_at = time.monotonic()
        second.release()
        self.assertGreaterEqual(acquired_at, released_at[0])
        self.assertLess(acquired_at - released_at[0], 0.05)  # looked at again within a fraction of a ms

    def test_threads_of_one_process_queue_on_the_same_queue(self):
        queue = writer_queue(self.path)
        self.assertIs(queue, writer_queue(self.path))
        queue.acquire(1)
        failed = []

        def other():
            try:
                queue.acquire(0.05)
            except OperationalError as error:
                failed.append(error)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        queue.release()
        self.assertEqual(len(failed), 1)
        queue.acquire(0.05)  # free again
        queue.release()


@unittest.skipUnless(connection.vendor == "sqlite", "the writer queue is SQLite's")
class BackendTests(TransactionTestCase):
    def test_a_transaction_holds_the_queue_until_commit_or_rollback(self):
        queue = writer_queue(connection.settings_dict["NAME"])
        outside = WriterQueue(connection.settings_dict["NAME"])  # another process, as far as flock can tell
        with transaction.atomic(), self.assertRaises(OperationalError):
            outside.acquire(0.02)
        outside.acquire(0.02)
        outside.release()
        with self.assertRaises(ZeroDivisionError), transaction.atomic():
            raise ZeroDivisionError
        outside.acquire(0.02)  # a rolled-back transaction left the queue too
        outside.release()
        self.assertFalse(queue._threads.locked())
