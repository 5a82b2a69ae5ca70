from django.urls import reverse

from dajuan.notify.models import Message, Preference
from dajuan.testing import LoopTestCase


class PreferencePageTests(LoopTestCase):
    def test_a_channel_without_its_address_is_refused_at_the_field_and_nothing_is_saved(self):
        self.client.force_login(self.handler)
        response = self.client.post(reverse("notify:preferences"), {"channels": ["wecom"], "wecom_webhook": ""})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].errors["wecom_webhook"])
        self.assertFalse(Preference.objects.exists())

    def test_saving_channels_and_seeing_ones_own_messages_only(self):
        self.client.force_login(self.handler)
        url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
        response = self.client.post(reverse("notify:preferences"), {"channels": ["wecom"], "wecom_webhook": url})
        self.assertRedirects(response, reverse("notify:preferences"))
        self.assertEqual(Preference.objects.get(user=self.handler).channels, ["wecom"])
        page = self.client.get(reverse("notify:preferences"))
        mine = Message.objects.filter(recipient=self.handler).first()
        self.assertContains(page, mine.subject)
        self.assertEqual(len(page.context["inbox"]), Message.objects.filter(recipient=self.handler).count())
