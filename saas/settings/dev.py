"""Development settings used by `make run`."""

import os

os.environ.setdefault("DEBUG", "true")

from saas.settings.base import *  # noqa: E402,F403
