"""Facts about an HTTP request that several layers need, read the same way everywhere."""

from django.conf import settings


def client_address(request) -> str | None:
    """The address of the person behind the request, for per-address throttles and logs.

    Behind a reverse proxy every request comes from the proxy's address: CLIENT_IP_HEADER names the header
    the proxy sets (X-Real-IP, or X-Forwarded-For, whose right-most entry is the one the proxy appended; the
    entries before it come from the client and can be forged).
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.headers.get(header, "")
        if address := forwarded.split(",")[-1].strip():
            return address
    return request.META.get("REMOTE_ADDR") or None
