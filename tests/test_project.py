"""Project-wide invariants."""

import gettext
import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_are_current(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_french_catalog_is_compiled_and_complete():
    po = (ROOT / "saas/locale/fr/LC_MESSAGES/django.po").read_text()
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"', po, flags=re.M)
    assert entries and all(translated for _, translated in entries), "untranslated French messages"
    catalog = gettext.GNUTranslations((ROOT / "saas/locale/fr/LC_MESSAGES/django.mo").open("rb"))
    stale = [msgid for msgid, translated in entries if catalog.gettext(msgid) != translated]
    assert stale == [], "django.mo is stale: run `make messages`"
