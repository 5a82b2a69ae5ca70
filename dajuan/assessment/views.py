from django.http import HttpResponse


def period_list(request):
    return HttpResponse("")
