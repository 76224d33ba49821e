"""The public host's pages (landing, signup) and the few plain views of the tenant hosts.

Pages run named GraphQL operations (web.gql); the document download streams a file, which GraphQL cannot,
and reads it through the records selector that applies the same access rule as the `Document` type.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from saas.records.selectors.records import document_get_for_actor
from tenants.selectors import membership_get
from web import gql

SIGNUP_FIELDS = ("companyName", "slug", "email", "language")


def public_home(request):
    """The landing page, with the signup form."""
    return signup(request)


def signup(request):
    values = {"companyName": "", "slug": "", "email": "", "language": (get_language() or "fr")[:2]}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in SIGNUP_FIELDS}
        if values["language"] not in dict(settings.LANGUAGES):
            values["language"] = settings.LANGUAGE_CODE
        payload = gql.run(request, "Signup", {"input": {**values, "password": request.POST.get("password", "")}})
        payload = payload["signup"]
        if not gql.failed(payload):
            return HttpResponseRedirect(f"{payload['url']}login/?{urlencode({'email': values['email']})}")
        errors = gql.form_errors(payload)
    return render(request, "web/public/home.html", {
        "values": values, "errors": errors, "base_domain": settings.BASE_DOMAIN,
        "languages": settings.LANGUAGES,
    }, status=400 if errors else 200)


@require_GET
def slug_check(request):
    """The live availability of a subdomain, as the signup form shows it under the field."""
    slug = request.GET.get("slug", "").strip()
    answer = gql.run(request, "SlugAvailable", {"slug": slug})["slugAvailable"] if slug else None
    return render(request, "web/public/_slug_status.html", {"answer": answer, "base_domain": settings.BASE_DOMAIN})


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
