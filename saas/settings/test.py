"""Test settings: the same database as development, fast hashing, no throttle."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")

from saas.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SIGNUP_RATE_PER_HOUR = 0
# Tests of the login throttle turn it on; elsewhere, failed logins in earlier tests must not lock later ones.
LOGIN_FAILURES_PER_ACCOUNT = LOGIN_FAILURES_PER_ADDRESS = 0
GRAPHQL_COST_PER_MINUTE = 0  # tests/api/test_limits.py turns it on
TENANT_SPARE_SCHEMAS = 0  # the pool's tests fill it themselves: a signup's refill job copies nothing
PUBLIC_URL_SCHEME = "http"
PUBLIC_URL_PORT = ""
BASE_DOMAIN = "localhost"
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (worker threads in task tests close theirs)
# Uploaded files of the tests stay out of the development folder, in a folder of this process's own: xdist's
# workers (and runs side by side) each have tenants named acme whose files would otherwise land on one another's.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="saas-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
