from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions live in public, created once: from a tenant migration they would land in that schema only."""

    dependencies = [("tenants", "0001_initial")]

    operations = [TrigramExtension()]
