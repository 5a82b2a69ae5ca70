"""The demo's `inboxes` step gives every log-in persona work in each of their inboxes."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from dajuan.demo import district
from dajuan.demo.inboxes import build_inboxes
from dajuan.workbench.selectors import inbox_counts


class DemoInboxesTests(TestCase):
    def test_every_persona_has_a_full_inbox(self):
        admin, _password = district.create_admin()
        district.build_org(admin, villages_per_town=1, grids_per_village=1)
        logins = district.create_personas(admin)
        made = build_inboxes(admin)
        self.assertGreater(made["cases"], 30)

        empty = {}
        for username, _pw, _desc in logins:
            user = get_user_model().objects.get(username=username)
            counts = {c.inbox.key: c.count for _g, cs in inbox_counts(user) for c in cs}
            self.assertTrue(counts, username)
            # Every inbox of the bureau, the dispatcher, supervisor, leader and inspector has work; the
            # street and its grid at least have cases to claim.
            wanted = {"to_claim"} if username in ("town", "grid") else set(counts)
            empty[username] = sorted(k for k in wanted if not counts[k])
        self.assertEqual({k: v for k, v in empty.items() if v}, {})
