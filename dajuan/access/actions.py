from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Everything a person can be allowed or refused. Each has exactly one rule in policy.RULES."""

    VIEW_UNIT = "view_unit", _("View a unit")
    MANAGE_UNIT = "manage_unit", _("Create or change units")
    IMPORT_ORG = "import_org", _("Import units and people")
    VIEW_MEMBERS = "view_members", _("View a unit's people")
    GRANT_ROLE = "grant_role", _("Grant or revoke roles in a unit")
    MANAGE_CALENDAR = "manage_calendar", _("Edit the holiday calendar")
    VIEW_AUDIT = "view_audit", _("View the audit log")
    CREATE_API_TOKEN = "create_api_token", _("Create an API token")
    REVOKE_API_TOKEN = "revoke_api_token", _("Revoke an API token")
    USE_WORKBENCH = "use_workbench", _("Use the staff workbench: inboxes, case list and export")
    # The loop (cases): case-level unless noted.
    VIEW_CASE = "view_case", _("View a case")
    REGISTER_CASE = "register_case", _("Register a case")
    REJECT_CASE = "reject_case", _("Reject a case")
    MERGE_CASE = "merge_case", _("Merge a case into another")
    DISPATCH_CASE = "dispatch_case", _("Dispatch a case")
    CLAIM_ASSIGNMENT = "claim_assignment", _("Claim an assignment")  # object: Assignment
    RETURN_ASSIGNMENT = "return_assignment", _("Return a case to the dispatcher")  # object: Assignment
    REPORT_ASSIST = "report_assist", _("Report an assisting unit's input")  # object: Assignment
    TRANSFER_CASE = "transfer_case", _("Transfer a case to another unit")
    SUMMON_ASSIST = "summon_assist", _("Summon or release assisting units")
    REQUEST_EXTENSION = "request_extension", _("Request an extension")
    DECIDE_EXTENSION = "decide_extension", _("Approve or deny an extension")
    SUSPEND_CASE = "suspend_case", _("Suspend or resume a case")
    NOTE_PROGRESS = "note_progress", _("Note progress")
    REPLY_CASE = "reply_case", _("Reply to a case")
    SUBMIT_REPLY = "submit_reply", _("Submit a reply for the unit leader's review")  # 提交审核
    REVIEW_REPLY = "review_reply", _("Approve or send back a reply awaiting review")  # 答复审核
    OVERRIDE_ASSIST = "override_assist", _("Reply without waiting for assisting units")
    EVALUATE_CASE = "evaluate_case", _("Evaluate a case")
    RECORD_CALLBACK = "record_callback", _("Record an evaluation from a callback")
    CLOSE_CASE = "close_case", _("Close a case")
    REOPEN_CASE = "reopen_case", _("Reopen a case")
    SUPERVISE_CASE = "supervise_case", _("Supervise a case")
    COMMENT_CASE = "comment_case", _("Comment on a case")
    VIEW_CASE_INTERNALS = "view_case_internals", _("See a case's internal notes and supervision")
    VIEW_REQUESTER_CONTACT = "view_requester_contact", _("See the requester's phone number")
    # Notifications (notify): object is the person whose preference it is.
    SET_NOTIFICATION_PREFERENCE = "set_notification_preference", _("Choose how a person is notified")
    # Supervision (督查).
    VIEW_SUPERVISION = "view_supervision", _("View supervision sweeps, flags and rules")
    CONFIGURE_SUPERVISION = "configure_supervision", _("Change supervision rules and sampling rates")
    SPOT_CHECK = "spot_check", _("Draw spot checks and call requesters back")  # object: Case or None
    VIEW_INSPECTIONS = "view_inspections", _("View field inspections and undercover checks")
    RECORD_INSPECTION = "record_inspection", _("Record field inspections and undercover checks")
    VIEW_NOTICE = "view_notice", _("View supervision notices")  # object: Notice or None
    COMPOSE_NOTICE = "compose_notice", _("Compose and publish supervision notices")
    # Intake and enterprises (object: none).
    IMPORT_CASES = "import_cases", _("Import cases from a spreadsheet")
    MANAGE_ENTERPRISE = "manage_enterprise", _("Register enterprises and their accounts")
    USE_ENTERPRISE_PORTAL = "use_enterprise_portal", _("Submit and follow cases for an enterprise")
    # Enterprise service (包保, 早餐会, 惠企政策, 微信矩阵群).
    VIEW_ENTERPRISE_SERVICE = "view_enterprise_service", _("See the enterprise registry, care, meetings and figures")
    MANAGE_CARE = "manage_care", _("Assign care teams and import the enterprise registry")
    RECORD_VISIT = "record_visit", _("Record a care-team visit")  # object: Enterprise
    RECORD_VISIT_CALLBACK = "record_visit_callback", _("Record a phone callback about a visit")
    MANAGE_MEETINGS = "manage_meetings", _("Plan, publish and staff breakfast meetings")
    HOST_MEETING = "host_meeting", _("Run a meeting: invitations, attendance, minutes, problems")  # object: Meeting
    BOOK_MEETING = "book_meeting", _("Book or answer an invitation to a meeting for an enterprise")
    MANAGE_POLICIES = "manage_policies", _("Register and push policies, answer groups")
    # Figures (dashboard, issue 7) and assessment (分层分档考核).
    VIEW_DASHBOARD = "view_dashboard", _("View the figures of a unit")  # object: Unit
    VIEW_ASSESSMENT = "view_assessment", _("View assessment scores and rankings")
    MANAGE_ASSESSMENT = "manage_assessment", _("Define indicators, enter manual scores, publish and correct")
    # Dispatch intelligence (routing).
    VIEW_ROUTING = "view_routing", _("See the suggested category and unit for a case")
    TRAIN_ROUTER = "train_router", _("Train the router or switch its version")  # object: None
    VIEW_SIMILAR = "view_similar", _("See similar past cases and possible duplicates")
    VIEW_ANSWERS = "view_answers", _("Read the standard answers")  # object: None
    MANAGE_ANSWERS = "manage_answers", _("Create standard answers, from a case's reply or anew")  # object: Case or None
    PUSH_ANSWER = "push_answer", _("Push a standard answer to enterprises")  # object: Answer or None
    VIEW_HOTSPOT = "view_hotspot", _("See a hotspot warning and the cases behind it")  # object: Hotspot or None
    ACKNOWLEDGE_HOTSPOT = "acknowledge_hotspot", _("Acknowledge a hotspot warning")  # object: Hotspot
