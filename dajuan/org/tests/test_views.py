from django.urls import reverse
from django.utils import translation

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.org.choices import UnitKind
from dajuan.org.services import unit_add
from dajuan.testing import DistrictTestCase, choose_language


class UnitTreeViewTests(DistrictTestCase):
    def test_staff_see_the_whole_tree(self):
        self.client.force_login(self.handler)
        response = self.client.get(reverse("org:unit-tree"))
        self.assertEqual(response.status_code, 200)
        for name in ("谯城区", "区人社局", "东关社区第一网格"):
            self.assertContains(response, name)
        self.assertContains(response, reverse("org:unit-detail", args=["QC-HXL-DG-01"]))

    def test_a_person_with_no_role_is_refused(self):
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(reverse("org:unit-tree")).status_code, 403)

    def test_login_is_required(self):
        response = self.client.get(reverse("org:unit-tree"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_page_costs_the_same_queries_for_a_small_and_a_larger_tree(self):
        self.client.force_login(self.admin)
        with self.assertNumQueries(4):
            self.client.get(reverse("org:unit-tree"))
        for n in range(30):
            town = unit_add(code=f"T{n}", name=f"乡镇{n}", kind=UnitKind.TOWN, parent=self.district)
            unit_add(code=f"T{n}-V", name=f"村{n}", kind=UnitKind.VILLAGE, parent=town)
        with self.assertNumQueries(4):
            response = self.client.get(reverse("org:unit-tree"))
        self.assertContains(response, "村29")


class UnitDetailViewTests(DistrictTestCase):
    def test_staff_see_a_unit_with_its_place_in_the_tree(self):
        self.client.force_login(self.dispatcher)
        response = self.client.get(reverse("org:unit-detail", args=["QC-HXL-DG"]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "东关社区")
        self.assertContains(response, reverse("org:unit-detail", args=["QC-HXL"]))  # breadcrumb
        self.assertContains(response, reverse("org:unit-detail", args=["QC-HXL-DG-01"]))  # child

    def test_an_unknown_code_is_404(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("org:unit-detail", args=["QC-NOPE"])).status_code, 404)

    def test_a_person_with_no_role_sees_no_unit(self):
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(reverse("org:unit-detail", args=["QC-ZJJ"])).status_code, 404)

    def test_members_are_listed_with_masked_phones(self):
        self.handler.phone = "13812341234"
        self.handler.save(update_fields=["phone"])
        self.client.force_login(self.unit_leader)
        response = self.client.get(reverse("org:unit-detail", args=["QC-ZJJ"]))
        self.assertContains(response, "李承办")
        self.assertContains(response, "138****1234")
        self.assertNotContains(response, "13812341234")

    def test_a_handler_looking_at_another_unit_is_told_why_its_people_are_hidden(self):
        self.client.force_login(self.handler)
        choose_language(self.client, "en")
        response = self.client.get(reverse("org:unit-detail", args=["QC-RSJ"]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "赵另办")
        with translation.override("en"):
            reason = decide(self.fresh(self.handler), Action.VIEW_MEMBERS, self.labour).reason
        self.assertTrue(reason)
        self.assertContains(response, reason)

    def test_a_town_leader_sees_the_people_of_a_grid_in_their_subtree(self):
        self.client.force_login(self.town_leader)
        self.assertContains(self.client.get(reverse("org:unit-detail", args=["QC-HXL-DG-01"])), "吴网格")
