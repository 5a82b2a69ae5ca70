from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_units
from dajuan.org import selectors
from dajuan.org.forms import OrgImportForm
from dajuan.org.importing import Source, org_import_check, org_import_commit, template_workbook
from dajuan.org.importing.stash import stash_drop, stash_get, stash_put
from dajuan.org.models import Unit

IMPORT_SESSION_KEY = "org_import_token"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_tree(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_UNIT)
    units = selectors.unit_tree(user=request.user)
    return render(request, "org/unit_tree.html", {"units": units})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), code=code)
    members_decision = decide(request.user, Action.VIEW_MEMBERS, unit)
    context = {
        "unit": unit,
        "ancestors": Unit.objects.get_ancestors(unit),
        "children": Unit.objects.get_children(unit),
        "members": selectors.unit_members(unit=unit) if members_decision else None,
        "members_decision": members_decision,
    }
    return render(request, "org/unit_detail.html", context)


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """组织机构导入, step 1: upload and see every problem (the dry run). Clean files are kept on the
    server under a token in the session, for step 2 to read back and check again."""
    require(request.user, Action.IMPORT_ORG)
    if request.method == "GET":
        return render(request, "org/import_upload.html", {"form": OrgImportForm()})
    form = OrgImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "org/import_upload.html", {"form": form})
    sources = [Source(name=file.name, data=file.read()) for file in form.cleaned_data["files"]]
    report = org_import_check(sources, by=request.user)
    stash_drop(request.session.pop(IMPORT_SESSION_KEY, None))  # a new upload replaces the last one
    token = None
    if report.ok:
        token = stash_put(sources)
        request.session[IMPORT_SESSION_KEY] = token
    return render(request, "org/import_upload.html", {"form": OrgImportForm(), "report": report, "token": token})


@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    """Step 2: the files kept at step 1 (never anything sent by the browser), checked again, written."""
    require(request.user, Action.IMPORT_ORG)
    token = request.session.get(IMPORT_SESSION_KEY)
    sources = stash_get(token) if token and request.POST.get("token") == token else None
    if sources is None:
        messages.error(request, _("This import is no longer waiting for confirmation: it expired, or a newer "
                                  "upload replaced it. Upload the file again."))
        return redirect("org:import")
    report = org_import_commit(sources, by=request.user)
    stash_drop(request.session.pop(IMPORT_SESSION_KEY))
    if not report.committed:
        return render(request, "org/import_upload.html", {"form": OrgImportForm(), "report": report})
    counts = report.counts
    messages.success(request, _(
        "Imported: %(units)s new units, %(renamed)s renamed; %(users)s new people; %(roles)s new roles."
    ) % {"units": counts.units_created, "renamed": counts.units_renamed, "users": counts.users_created,
         "roles": counts.memberships_created})
    return redirect("org:unit-tree")


def import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook with both sheets, their headers and a help sheet."""
    require(request.user, Action.IMPORT_ORG)
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="org-import-template.xlsx"'
    return response
