"""The registry import page: upload a spreadsheet, see the dry run's report (every problem located by
row and column), then commit the same file — all rows or none."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.enterprise.importing import COLUMNS, registry_import_check, registry_import_commit

MAX_BYTES = 10 * 1024 * 1024


class RegistryImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it."))
        return upload


@require_http_methods(["GET", "POST"])
def registry_import(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CARE)
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = registry_import_commit if request.POST.get("commit") else registry_import_check
            report = run(upload.name, upload.read(), by=request.user)
            status = 200 if report.ok else 400
        else:
            status = 400
    return render(request, "enterprise/registry_import.html", {
        "form": form, "report": report, "columns": sorted(set(COLUMNS))}, status=status)
