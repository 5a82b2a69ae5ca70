"""A person's own notifications: the channels they want, and the messages sent to them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.core.errors import DomainError
from dajuan.notify import services
from dajuan.notify.forms import PreferenceForm
from dajuan.notify.models import Message, Preference
from dajuan.worktime.forms import add_domain_error


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SET_NOTIFICATION_PREFERENCE, request.user)
    current = Preference.objects.filter(user=request.user).first()
    initial = {"channels": current.channels, "wecom_webhook": current.wecom_webhook} if current else {}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(request.user, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your notification channels are saved."))
            return redirect("notify:preferences")
    inbox = Message.objects.filter(recipient=request.user).select_related("case").order_by("-created_at")[:50]
    return render(request, "notify/preferences.html", {"form": form, "inbox": inbox},
                  status=400 if form.errors else 200)
