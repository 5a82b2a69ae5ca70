"""The loop in a real browser (dajuan.testing_browser). A dispatcher dispatches, the handler claims and
replies, the requester rates 不满意 so the case reopens, the handler replies again, the requester rates
满意 and the case closes. Screenshots of each step go to test-artifacts/browser/."""

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source
from dajuan.cases.models import Case
from dajuan.testing import LoopTestCase
from dajuan.testing_browser import BrowserTestCase, expect


class LoopInTheBrowserTests(BrowserTestCase):
    def setUp(self):
        class Cast(LoopTestCase):  # the same cast and fixtures as the view tests, written for real here
            pass

        Cast.setUpTestData()
        for name in ("dispatcher", "handler", "unit_leader", "housing", "requester", "property_mgmt"):
            setattr(self, name, getattr(Cast, name))
        self.shot = 0
        self.new_case = transitions.register(
            title="厂区门前道路积水", content="雨后厂区门前积水半米，货车无法进出，请尽快疏通排水。",
            source=Source.ENTERPRISE_PORTAL, requester_kind=RequesterKind.ENTERPRISE, requester_name="钱企业",
            requester_phone="13912345678", requester_user=self.requester, category=self.property_mgmt,
            address="谯城区药都路88号", by=self.dispatcher)

    def open_case(self, page):
        page.goto(f"{self.live_server_url}/cases/{self.new_case.number}/")
        expect(page.locator("[data-case-header]")).to_contain_text(self.new_case.number)

    def snap(self, page, name):
        self.shot += 1
        self.screenshot(page, f"loop-{self.shot:02d}-{name}", full_page=True)

    def act(self, page, key):
        page.locator(f'a[data-action="{key}"]').click()
        form = page.locator(f'form[data-form="{key}"]')
        expect(form).to_be_visible()
        return form

    def status(self, page):
        return page.locator("[data-status]")

    def test_dispatch_claim_reply_unsatisfied_reopen_reply_satisfied_close(self):
        # 1. The dispatcher sees the new case in the inbox and dispatches it, previewing the deadlines.
        dispatcher = self.page_for(self.dispatcher)
        dispatcher.goto(f"{self.live_server_url}/inbox/received/")
        expect(dispatcher.locator("[data-count=received]")).to_have_text("1")
        dispatcher.locator(f'tr[data-case="{self.new_case.number}"] a').click()
        form = self.act(dispatcher, "dispatch")
        expect(form.locator("[data-dispatch-preview]")).to_contain_text("截止")
        form.locator("select[name=priority]").select_option("urgent")
        expect(form.locator("[data-preview-reply]")).to_be_visible()
        form.locator("input[name=lead_unit]").fill("QC-ZJJ")
        self.snap(dispatcher, "dispatcher-dispatch-form")
        form.locator("[data-submit]").click()
        expect(self.status(dispatcher)).to_have_attribute("data-status", CaseStatus.DISPATCHED)
        expect(dispatcher.locator("[data-assignments]")).to_contain_text("区住建局")
        self.snap(dispatcher, "dispatched")

        # 2. The handler claims it from the 待认领 inbox, then tries an empty reply (refused at the field)
        handler = self.page_for(self.handler)
        handler.goto(f"{self.live_server_url}/inbox/to_claim/")
        handler.locator(f'tr[data-case="{self.new_case.number}"] a').click()
        self.act(handler, "claim").locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.IN_PROGRESS)
        self.snap(handler, "claimed")
        form = self.act(handler, "reply")
        form.locator("[data-submit]").click()
        expect(handler.locator('[data-error-for="text"]')).to_be_visible()
        self.snap(handler, "reply-refused-empty")
        form = handler.locator('form[data-form="reply"]')
        form.locator("textarea[name=text]").fill("已安排市政疏通排水管道。")
        form.locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.REPLIED)
        expect(handler.locator("[data-timeline]")).to_contain_text("已安排市政疏通排水管道。")
        self.snap(handler, "replied")

        # 3. The requester is not satisfied: the case reopens to the same unit.
        requester = self.page_for(self.requester)
        self.open_case(requester)
        form = self.act(requester, "evaluate")
        form.get_by_label("不满意").check()
        form.locator("textarea[name=comment]").fill("第二天又积水了。")
        self.snap(requester, "rating-unsatisfied")
        form.locator("[data-submit]").click()
        expect(self.status(requester)).to_have_attribute("data-status", CaseStatus.DISPATCHED)
        expect(requester.locator("[data-timeline]")).to_contain_text("第二天又积水了。")
        self.snap(requester, "reopened")

        # 4. The handler claims the reopened case and replies again.
        self.open_case(handler)
        self.act(handler, "claim").locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.IN_PROGRESS)
        form = self.act(handler, "reply")
        form.locator("textarea[name=text]").fill("已更换排水管并加装截水沟，连续三天雨后无积水。")
        form.locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.REPLIED)
        self.snap(handler, "replied-again")

        # 5. The requester is satisfied: the case closes.
        self.open_case(requester)
        form = self.act(requester, "evaluate")
        form.get_by_label("满意", exact=True).check()
        form.locator("[data-submit]").click()
        expect(self.status(requester)).to_have_attribute("data-status", CaseStatus.CLOSED)
        expect(requester.locator("[data-satisfaction]")).to_have_text("满意")
        self.snap(requester, "closed")

        case = Case.objects.get(pk=self.new_case.pk)
        self.assertEqual((case.status, case.reopen_count, case.satisfaction), (CaseStatus.CLOSED, 1, "satisfied"))

    def test_reply_review_submit_send_back_resubmit_approve(self):
        """答复审核: 住建局 reviews replies. The handler submits, the leader finds it in 待审核 and sends it
        back with a reason, the handler edits the offered text and resubmits, the leader approves it out,
        and the requester sees the reply (never the review in between)."""
        from dajuan.org.models import Unit

        Unit.objects.filter(pk=self.housing.pk).update(reply_review=True)
        self.housing.refresh_from_db()
        transitions.dispatch(self.new_case, lead_unit=self.housing, by=self.dispatcher)
        transitions.claim(self.new_case.assignments.get(), by=self.handler)

        # 1. The handler may not reply directly (the button says why) and submits for review.
        handler = self.page_for(self.handler)
        self.open_case(handler)
        expect(handler.locator('button[data-action="reply"]')).to_be_disabled()
        expect(handler.locator('button[data-action="reply"]')).to_have_attribute("data-reason", re_contains("审核"))
        form = self.act(handler, "submit-reply")
        form.locator("textarea[name=text]").fill("已安排市政疏通排水管道。")
        form.locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.REVIEWING)
        self.snap(handler, "review-submitted")

        # 2. The leader finds it in 待审核 and sends it back; an empty reason is refused at the field.
        leader = self.page_for(self.unit_leader)
        leader.goto(f"{self.live_server_url}/inbox/to_review/")
        expect(leader.locator("[data-count=to_review]")).to_have_text("1")
        self.snap(leader, "review-inbox")
        leader.locator(f'tr[data-case="{self.new_case.number}"] a').click()
        form = self.act(leader, "send-back-reply")
        form.locator("[data-submit]").click()
        expect(leader.locator('[data-error-for="reason"]')).to_be_visible()
        form = leader.locator('form[data-form="send-back-reply"]')
        form.locator("textarea[name=reason]").fill("请写明复查安排。")
        form.locator("[data-submit]").click()
        expect(self.status(leader)).to_have_attribute("data-status", CaseStatus.IN_PROGRESS)
        expect(leader.locator("[data-timeline]")).to_contain_text("请写明复查安排。")
        self.snap(leader, "review-sent-back")

        # 3. The handler sees why, edits the text offered again, and resubmits.
        self.open_case(handler)
        expect(handler.locator("[data-timeline]")).to_contain_text("请写明复查安排。")
        form = self.act(handler, "submit-reply")
        text = form.locator("textarea[name=text]")
        expect(text).to_have_value("已安排市政疏通排水管道。")
        text.fill("已安排市政疏通排水管道，三日后复查。")
        form.locator("[data-submit]").click()
        expect(self.status(handler)).to_have_attribute("data-status", CaseStatus.REVIEWING)
        self.snap(handler, "review-resubmitted")

        # 4. The leader reads the resubmitted reply and approves it: it goes out.
        self.open_case(leader)
        form = self.act(leader, "approve-reply")
        expect(form.locator("textarea[name=submitted]")).to_have_value("已安排市政疏通排水管道，三日后复查。")
        self.snap(leader, "review-approve-form")
        form.locator("[data-submit]").click()
        expect(self.status(leader)).to_have_attribute("data-status", CaseStatus.REPLIED)
        self.snap(leader, "review-approved")

        # 5. The requester sees the reply and can evaluate; the review itself is internal.
        requester = self.page_for(self.requester)
        self.open_case(requester)
        expect(requester.locator("[data-timeline]")).to_contain_text("已安排市政疏通排水管道，三日后复查。")
        expect(requester.locator("[data-timeline]")).not_to_contain_text("请写明复查安排。")
        expect(requester.locator('a[data-action="evaluate"]')).to_be_visible()
        self.snap(requester, "review-requester-sees-reply")
        case = Case.objects.get(pk=self.new_case.pk)
        self.assertEqual(list(case.events.order_by("seq").values_list("verb", flat=True))[-4:],
                         ["reply_submitted", "reply_sent_back", "reply_submitted", "replied"])


def re_contains(text: str):
    import re

    return re.compile(re.escape(text))
