from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.testing import PERSONAS, DistrictTestCase


class PreferenceRuleTests(DistrictTestCase):
    def test_a_person_chooses_their_own_channels_and_only_an_admin_chooses_for_others(self):
        for persona in PERSONAS:
            user = self.fresh(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertTrue(decide(user, Action.SET_NOTIFICATION_PREFERENCE, user))
                self.assertIs(bool(decide(user, Action.SET_NOTIFICATION_PREFERENCE, self.handler)),
                              persona in {"admin", "handler"})
        self.assertTrue(decide(self.nobody, Action.SET_NOTIFICATION_PREFERENCE, self.nobody))
