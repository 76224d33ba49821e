"""Spare schemas: copied from the template ahead of signups, renamed at signup, never behind the template."""

import threading
import uuid

from django.core.management import call_command
from django.db import connection, connections
from django_tenants.utils import schema_context

from saas.companies.models import Company, CompanyEvent
from tenants import pool, schemas, selectors, services
from tenants.models import SpareSchema, User
from tests.conftest import PASSWORD
from tests.tenants.test_schemas import catalog
from tests.tenants.test_signup import SIGNUP, signup_input


def spare_names() -> set[str]:
    return set(SpareSchema.objects.values_list("schema_name", flat=True))


def existing(names: set[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(names)])
        return {name for (name,) in cursor.fetchall()}


def no_cloning(monkeypatch) -> None:
    def refuse(schema_name):
        raise AssertionError(f"{schema_name} was cloned from the template's DDL instead of taking a spare")

    monkeypatch.setattr(schemas, "create_schema_from_template", refuse)


def test_signup_takes_a_spare_schema_and_the_pool_shrinks(public_api, monkeypatch):
    assert pool.fill(2) == 2
    spares = spare_names()
    assert len(spares) == 2 and existing(spares) == spares
    no_cloning(monkeypatch)

    result = public_api.execute(SIGNUP, {"input": signup_input()})

    assert result["data"]["signup"]["__typename"] == "SignupSuccess", result
    assert pool.spare_count() == 1
    taken = spares - spare_names()
    assert len(taken) == 1 and existing(taken) == set()  # renamed to the new tenant
    # The renamed spare is a full tenant: same catalog as the template, history triggers, default data.
    assert catalog("initech") == catalog(schemas.template_schema_name())
    with schema_context("initech"):
        company = Company.objects.get()
        assert company.name == "Initech"
        Company.objects.filter(pk=company.pk).update(name="Initech SA")
        assert CompanyEvent.objects.filter(pgh_obj=company).latest("pgh_id").name == "Initech SA"


def test_signup_falls_back_to_the_template_ddl_when_the_pool_is_empty(public_api):
    assert pool.spare_count() == 0
    result = public_api.execute(SIGNUP, {"input": signup_input()})
    assert result["data"]["signup"]["__typename"] == "SignupSuccess", result
    assert catalog("initech") == catalog(schemas.template_schema_name())


def test_a_spare_behind_the_template_is_not_taken_and_the_next_fill_drops_it(public_api):
    pool.fill(1)
    (spare,) = spare_names()
    # A migration reaches the template (the rollout migrates it first): the spare is now behind it.
    # An explicit id: the sequence is not rolled back with the test, and the template's cached DDL names its value.
    template = schemas.template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {template}.django_migrations (id, app, name, applied) "
                       f"SELECT max(id) + 1, 'crm', '9999_newer', now() FROM {template}.django_migrations")
    assert pool.spare_count() == 0

    result = public_api.execute(SIGNUP, {"input": signup_input()})

    assert result["data"]["signup"]["__typename"] == "SignupSuccess", result
    assert existing({spare}) == {spare} and spare_names() == {spare}
    # The cached DDL is behind the template too (the rollout has not cached the new one yet): nothing is
    # copied, and the fill stops instead of copying stale spares forever.
    assert pool.fill(1) == 0
    assert existing({spare}) == set() and spare_names() == set()


def test_schema_pool_command_fills_and_discards(db, capsys):
    call_command("schema_pool", "--fill", "2")
    assert "2 spare schema(s) copied" in capsys.readouterr().out
    spares = spare_names()
    assert len(spares) == 2 and pool.spare_count() == 2
    call_command("schema_pool", "--discard")
    assert "2 spare schema(s) dropped" in capsys.readouterr().out
    assert existing(spares) == set() and spare_names() == set()


def test_two_signups_at_once_take_two_different_spares_without_waiting(django_db_blocker, monkeypatch):
    """Committed for real (two connections): the first signup holds its spare while the second one runs."""
    run = uuid.uuid4().hex[:8]
    slugs = [f"spare-{run}-a", f"spare-{run}-b"]
    first_holds, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    initializers = services.run_tenant_initializers

    def held_initializers(seed):
        if seed.schema_name == slugs[0]:
            first_holds.set()
            release.wait(60)
        return initializers(seed)

    def signup(slug: str) -> None:
        try:
            services.signup(company_name=slug, slug=slug, email=f"{slug}@example.com", password=PASSWORD)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        try:
            pool.fill(2)
            spares = spare_names()
            assert len(spares) == 2
            monkeypatch.setattr(services, "run_tenant_initializers", held_initializers)
            no_cloning(monkeypatch)
            first = threading.Thread(target=signup, args=(slugs[0],))
            first.start()
            assert first_holds.wait(60)
            # The first signup has renamed a spare and holds its row: the second takes the other one at once.
            second = threading.Thread(target=signup, args=(slugs[1],))
            second.start()
            second.join(60)
            assert not second.is_alive(), "the second signup waited for the first one"
            release.set()
            first.join(60)
            assert errors == []
            assert set(selectors.tenant_schema_names()) >= set(slugs)
            assert existing(spares) == set() and spare_names() == set()
        finally:
            release.set()
            connection.set_schema_to_public()
            for slug in slugs:
                if (tenant := selectors.tenant_get(slug=slug)) is not None:
                    services.tenant_delete(tenant=tenant, confirm=True)
            User.objects.filter(email__in=[f"{slug}@example.com" for slug in slugs]).delete()
            pool.discard_all()

