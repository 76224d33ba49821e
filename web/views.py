"""Placeholder pages until the web app lands (issue 7): they talk to services, never to the ORM."""

from django.contrib.auth import login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from saas.records.selectors.records import document_get_for_actor
from tenants import services
from tenants.selectors import membership_get


def public_home(request):
    return render(request, "web/public_home.html")


def tenant_home(request):
    return render(request, "web/tenant_home.html", {"tenant": request.tenant})


def tenant_switch_login(request):
    """Landing of a `tenantSwitch` link: the one-time token opens a session on this host."""
    user = services.login_token_consume(secret=request.GET.get("token", ""), tenant=request.tenant)
    if user is None:
        return HttpResponse("This link is invalid, used or expired.", status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect("/")


def document_download(request, document_id: int):
    """A document's file, for members of the tenant only (missing and forbidden answer the same 404)."""
    if membership_get(user=request.user, tenant=request.tenant) is None:
        raise Http404
    document = document_get_for_actor(actor=request.user, document_id=document_id)
    if document is None:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file_name,
                        content_type=document.content_type)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
