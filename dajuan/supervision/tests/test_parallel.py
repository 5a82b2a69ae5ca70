"""Two sweeps in two real processes against the same PostgreSQL database, started together: every
case is escalated once per level, every mark and message exists once, and the ledger stays valid."""

import os
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TransactionTestCase

from dajuan.cases.choices import LimitUnit, Priority, Verb
from dajuan.cases.ledger import verify_chains
from dajuan.cases.models import Category, DeadlinePolicy, Event
from dajuan.notify.models import Message
from dajuan.supervision.actor import system_actor
from dajuan.supervision.choices import MarkKind
from dajuan.supervision.models import SweepMark, SweepRun
from dajuan.supervision.tests.helpers import local, make_case
from dajuan.testing import build_cast

CASES = 24


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@unittest.skipUnless(connection.vendor == "postgresql", "two processes need a shared server database")
class ParallelSweepTests(TransactionTestCase):
    def setUp(self):
        build_cast(self)
        User = get_user_model()
        self.requester = User.objects.create_user(username="qiye", password=None, full_name="钱企业")
        self.property_mgmt = Category.objects.create(code="JS-WY", name="物业管理")
        DeadlinePolicy.objects.create(category=None, priority=Priority.NORMAL, reply_limit=5,
                                      limit_unit=LimitUnit.WORKING_DAYS)
        self.cases = [make_case(self, dispatched=local(2026, 3, 2, 9)) for _ in range(CASES)]
        system_actor()

    def reload(self, case):
        return type(case).objects.get(pk=case.pk)

    def test_two_workers_never_escalate_or_notify_twice(self):
        go = Path(tempfile.mkdtemp()) / "go"
        env = {**os.environ, "DAJUAN_DATABASE_URL": _database_url()}
        command = [sys.executable, "-m", "dajuan", "supervision_sweep", "--at", "2026-03-20T09:00+08:00",
                   "--start-when", str(go)]
        workers = [subprocess.Popen([*command, "--worker", f"w{i}"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        time.sleep(3)  # both processes have loaded Django and are polling for the flag
        go.touch()
        outputs = [w.communicate(timeout=300) for w in workers]
        for worker, (_out, err) in zip(workers, outputs, strict=True):
            self.assertEqual(worker.returncode, 0, err)

        for case in self.cases:
            levels = [e.payload["level"] for e in Event.objects.filter(case=case, verb=Verb.SUPERVISED).order_by("seq")]
            self.assertEqual(levels, [1, 2, 3], case.number)
            for kind in (MarkKind.OVERDUE, MarkKind.CLAIM_MISSED):
                self.assertEqual(SweepMark.objects.filter(case=case, kind=kind).count(), 1)
        marks = SweepMark.objects.count()
        self.assertEqual(marks, 2 * CASES)
        # Each mark told the bureau's two people once; each 督办/挂牌督办 event reached its people once.
        self.assertEqual(Message.objects.filter(key__startswith="mark:").count(), 2 * marks)
        runs = list(SweepRun.objects.order_by("pk"))
        self.assertEqual(len(runs), 2)
        self.assertEqual(sum(r.counts.get("level_1", 0) for r in runs), CASES)
        self.assertEqual(sum(r.counts.get("overdue", 0) for r in runs), CASES)
        self.assertTrue(runs[0].started_at < runs[1].finished_at and runs[1].started_at < runs[0].finished_at,
                        "the two sweeps ran at the same time")
        self.assertEqual([b for _n, b in verify_chains() if b], [])
