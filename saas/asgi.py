"""ASGI entry point, for completeness: production serves WSGI (DESIGN.md section 3)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")

application = get_asgi_application()
