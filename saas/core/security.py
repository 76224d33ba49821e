"""The Content-Security-Policy header (Django 5.2 has none of its own; Django 6 adds one).

One static policy for the whole product (settings.CONTENT_SECURITY_POLICY): no page needs nonces, since no
template holds an inline script. django-csp would add per-view policies and nonces that nothing here uses.
"""

from django.conf import settings

HEADER = "Content-Security-Policy"


def csp_exempt(response):
    """Leave this response without the policy (GraphiQL, a development tool that loads its code from a CDN)."""
    response.csp_exempt = True
    return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and HEADER not in response and not getattr(response, "csp_exempt", False):
            response[HEADER] = policy
        return response
