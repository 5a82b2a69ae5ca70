from io import StringIO

from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from dajuan.cases.choices import Verb
from dajuan.notify.choices import MessageStatus
from dajuan.notify.models import Message
from dajuan.supervision.models import SweepRun
from dajuan.testing import LoopTestCase


class WorkerCommandTests(LoopTestCase):
    def test_once_runs_a_sweep_and_a_delivery_through_the_task_queue(self):
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        self.assertEqual(SweepRun.objects.count(), 1)
        results = DBTaskResult.objects.all()
        self.assertEqual(sorted(r.task_path.rsplit(".", 1)[-1] for r in results), ["deliver_outbox", "run_sweep"])
        self.assertEqual({r.status for r in results}, {"SUCCESSFUL"})
        dispatched = self.case.events.get(verb=Verb.DISPATCHED)
        self.assertEqual({m.status for m in Message.objects.filter(event_pk=dispatched.pk)}, {MessageStatus.SENT})

    def test_bad_options_name_the_fix(self):
        with self.assertRaisesMessage(CommandError, "--sweep-every must be a positive number"):
            call_command("worker", "--sweep-every", "0")

    def test_sweep_command_rejects_a_bad_time(self):
        with self.assertRaisesMessage(CommandError, "use ISO 8601"):
            call_command("supervision_sweep", "--at", "next tuesday")
