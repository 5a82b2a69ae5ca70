"""The case page, its action forms (htmx partials; the same forms work without JavaScript) and the
dispatch deadline preview."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import Priority
from dajuan.cases.errors import StaleCase
from dajuan.cases.models import Category
from dajuan.core.errors import DomainError
from dajuan.workbench import actions
from dajuan.workbench.casepage import case_context, case_for, dispatch_preview, unit_options


def _page_context(request, case, **extra) -> dict:
    return case_context(request.user, case) | {"buttons": actions.action_bar(request.user, case)} | extra


def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    return render(request, "workbench/case_detail.html", _page_context(request, case))


def _form_response(request, case, spec, form, *, status=200, error=None):
    context = {"case": case, "spec": spec, "form": form, "error": error,
               "unit_options": unit_options(request.user) if spec.key in ("dispatch", "transfer", "summon") else ()}
    if request.headers.get("HX-Request"):
        return render(request, "workbench/_action_form.html", context, status=status)
    return render(request, "workbench/case_detail.html",
                  _page_context(request, case, open_form=context), status=status)


@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """GET: the action's form. POST: run the transition; on any error show the form again with the
    error at its field and everything typed kept; on success go back to the case page."""
    case = case_for(request.user, number)
    spec = actions.BY_KEY.get(key)
    if spec is None:
        raise Http404(_("No such action."))
    button = actions.resolve(spec, request.user, case)
    if button is None:
        return _refused(request, case, _("This action is not available while the case is “%(status)s”.")
                        % {"status": case.get_status_display()}, 409)
    if not button.enabled:
        return _refused(request, case, button.reason, 403)
    if request.method == "GET":
        return _form_response(request, case, spec, spec.form(user=request.user, case=case))
    form = spec.form(request.POST, request.FILES, user=request.user, case=case)
    if not form.is_valid():
        return _form_response(request, case, spec, form, status=400)
    try:
        if form.cleaned_data["version"] != case.version:
            raise StaleCase(case.number)
        spec.perform(button.target, form.cleaned_data, request.user)
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error.message))
        return _form_response(request, case, spec, form, status=error.http_status, error=error)
    url = reverse("workbench:case_detail", args=[case.number])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(request, case, message, status):
    if request.headers.get("HX-Request"):
        return render(request, "workbench/_action_refused.html", {"message": message}, status=status)
    return render(request, "workbench/case_detail.html", _page_context(request, case, refused=message),
                  status=status)


@require_GET
def dispatch_preview_view(request: HttpRequest, number: str) -> HttpResponse:
    """The deadlines a dispatch with the form's category and priority would set (nothing is written)."""
    case = case_for(request.user, number)
    require(request.user, Action.DISPATCH_CASE, case)
    category = Category.objects.filter(code=request.GET.get("category", ""), is_active=True).first()
    priority = request.GET.get("priority") or case.priority
    if category is None or priority not in Priority.values:
        return render(request, "workbench/_dispatch_preview.html",
                      {"problem": _("Choose a category and a priority to see the deadlines.")})
    return render(request, "workbench/_dispatch_preview.html",
                  {"preview": dispatch_preview(category, priority), "category": category})
