"""案件导入: upload → map the columns (guessed from the headers, changeable) → the dry run lists every
problem → commit. The file is kept server-side (org's import stash) under a token in the session; the
commit reads it back from there and checks it again."""

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.intake.importing import FIELDS, case_import_check, case_import_commit
from dajuan.org.importing.report import Source
from dajuan.org.importing.stash import stash_drop, stash_get, stash_put

SESSION_KEY = "case_import_token"
PROGRESS_SESSION_KEY = "case_import_progress"  # outlives the commit, so the page can show the last count
MAX_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger or work-order file (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it."))
        return upload


def _progress_key(token: str) -> str:
    return f"dajuan:case-import-progress:{token}"


def mapping_from(post) -> dict[str, str]:
    return {f.name: post.get(f"map_{f.name}", "") for f in FIELDS if post.get(f"map_{f.name}", "")}


def _page(request, *, form=None, report=None, status=200):
    rows = [{"field": f, "chosen": report.mapping.get(f.name, "") if report else ""} for f in FIELDS]
    return render(request, "intake/import.html", {"form": form or UploadForm(), "report": report, "rows": rows},
                  status=status)


@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.IMPORT_CASES)
    if request.method == "GET":
        return _page(request)
    step = request.POST.get("step", "upload")
    if step == "upload":
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, form=form, status=400)
        upload = form.cleaned_data["file"]
        source = Source(name=upload.name, data=upload.read())
        stash_drop(request.session.pop(SESSION_KEY, None))
        request.session[SESSION_KEY] = request.session[PROGRESS_SESSION_KEY] = stash_put([source])
        report = case_import_check(source.name, source.data, by=request.user)
        return _page(request, report=report, status=200 if report.ok else 400)
    sources = stash_get(request.session.get(SESSION_KEY))
    if not sources:
        form = UploadForm()
        form.add_error(None, _("The uploaded file has expired; upload it again."))
        return _page(request, form=form, status=400)
    [source] = sources
    mapping = mapping_from(request.POST)
    if step == "commit":
        token = request.session.get(SESSION_KEY)

        def progress(done: int, total: int) -> None:
            if done == total or done % 20 == 0:
                cache.set(_progress_key(token), (done, total), timeout=3600)

        report = case_import_commit(source.name, source.data, mapping, by=request.user, progress=progress)
        if report.committed:
            stash_drop(request.session.pop(SESSION_KEY, None))
    else:
        report = case_import_check(source.name, source.data, mapping, by=request.user)
    return _page(request, report=report, status=200 if report.ok else 400)


def case_import_progress(request: HttpRequest) -> HttpResponse:
    """The import page polls this (htmx) while its commit request runs: rows written of rows to write."""
    require(request.user, Action.IMPORT_CASES)
    token = request.session.get(PROGRESS_SESSION_KEY)
    done, total = cache.get(_progress_key(token), (0, 0)) if token else (0, 0)
    return render(request, "intake/_import_progress.html", {"done": done, "total": total})
