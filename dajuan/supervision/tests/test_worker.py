from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TransactionTestCase
from django_tasks_db.models import DBTaskResult

from dajuan.notify.choices import MessageStatus
from dajuan.notify.models import Message
from dajuan.notify.services import outbox_add
from dajuan.supervision.models import SweepRun
from dajuan.testing import build_cast


class WorkerCommandTests(TransactionTestCase):
    """A TransactionTestCase: the django-tasks worker checks its connection between tasks the way a
    long-running process does, which a test wrapped in one transaction would not survive."""

    def test_once_runs_a_sweep_and_a_delivery_through_the_task_queue(self):
        build_cast(self)
        outbox_add([self.handler.pk, self.unit_leader.pk], key="test:1", kind="test", subject="督办提醒", body="b")
        call_command("worker", "--once", stdout=StringIO())
        self.assertEqual(SweepRun.objects.count(), 1)
        results = DBTaskResult.objects.all()
        self.assertEqual(sorted(r.task_path.rsplit(".", 1)[-1] for r in results),
                         ["deliver_outbox", "run_hotspots", "run_sweep"])
        self.assertEqual({r.status for r in results}, {"SUCCESSFUL"})
        self.assertEqual({m.status for m in Message.objects.filter(key="test:1")}, {MessageStatus.SENT})


class CommandInputTests(SimpleTestCase):
    def test_bad_worker_options_name_the_fix(self):
        with self.assertRaisesMessage(CommandError, "--sweep-every must be a positive number"):
            call_command("worker", "--sweep-every", "0")
        with self.assertRaisesMessage(CommandError, "--hotspots-every must be a positive number"):
            call_command("worker", "--hotspots-every", "-1")

    def test_sweep_command_rejects_a_bad_time(self):
        with self.assertRaisesMessage(CommandError, "use ISO 8601"):
            call_command("supervision_sweep", "--at", "next tuesday")
