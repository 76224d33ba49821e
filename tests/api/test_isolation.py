"""The isolation proof: every query field and mutation that takes ids, called with ids the caller must not reach —
minted in another tenant, or naming records of its own tenant its role does not let it see.

Nothing here names a field: the calls are generated from the schema itself. Both tenants get the same records
(so the same primary keys); every id the other tenant's graph hands out is then passed, generically, to every
field or mutation argument (or input field) of type ID, with plausible dummy values for the other required
arguments. Each call must answer nothing — null, an empty list, an OperationInfo refusal or a coded error —
and no row of either tenant may change. The same calls then run as a salesperson, every module private, with the
ids of the records the administrator owns (above the salesperson in the role tree, so out of its sight).
"""

import json
from collections import defaultdict

import pytest
from django.db import connection
from strawberry.relay import from_base64

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_required_argument,
    is_required_input_field,
)
from saas.access import modules
from saas.api.schema import schema
from saas.records import registry
from tests.access.conftest import staff
from tests.access.helpers import set_default
from tests.conftest import logged_in
from tests.web import data

GRAPH = schema._schema
DUMMIES = {"String": "x", "Int": 1, "Float": 1.0, "Boolean": True, "Decimal": "1", "Date": "2026-01-15",
           "DateTime": "2026-01-15T10:00:00+00:00", "Time": "10:00:00", "JSON": {}, "Upload": None}
IBAN = "FR7630006000011234567890189"
FALLBACK_TYPES = ("Account", "Contact", "Invoice", "Comment", "User")


def world(api) -> None:
    """The same records in a tenant, through its API, in the same order: the same primary keys in both."""
    def run(query: str, **variables) -> dict:
        result = api.execute(query, variables)
        assert "errors" not in result, result
        return next(iter(result["data"].values()))

    account = data.account(api, "Customer", **data.ADDRESS)["id"]
    contact = run('mutation($a: ID) { contactCreate(input: {lastName: "Doe", accountId: $a}) '
                  '{ ... on Contact { id } } }', a=account)["id"]
    run('mutation { leadCreate(input: {lastName: "Lee", company: "Lead SA"}) { __typename } }')
    run('mutation($a: ID!, $c: ID) { dealCreate(input: {name: "Deal", accountId: $a, contactId: $c}) { __typename } }',
        a=account, c=contact)
    family = run('mutation { productFamilyCreate(input: {name: "Tools"}) { ... on ProductFamily { id } } }')["id"]
    item = run('mutation($f: ID) { productCreate(input: {sku: "SAW", name: "Saw", salePrice: "10", familyId: $f}) '
               '{ ... on Product { id } } }', f=family)["id"]
    run('mutation { serviceCreate(input: {sku: "FIX", name: "Fix", salePrice: "50"}) { __typename } }')
    quote = run("mutation($a: ID!) { quoteCreate(accountId: $a) { ... on Quote { id } } }", a=account)["id"]
    run('mutation($q: ID!, $i: ID) { quoteLineAdd(quoteId: $q, input: {itemId: $i, quantity: "2"}) { __typename } }',
        q=quote, i=item)
    invoice = data.issued_invoice(api, account)
    run('mutation($a: ID!, $i: ID!) { paymentRecord(input: {accountId: $a, amount: "100", '
        'allocations: [{invoiceId: $i, amount: "100"}]}) { __typename } }', a=account, i=invoice)
    run("mutation($i: ID!) { creditNoteCreate(invoiceId: $i, full: false) { __typename } }", i=invoice)
    data.comment(api, account, "Hello")
    data.tag(api, account, "VIP")
    run('mutation($r: [ID!]!) { activityCreate(input: {subject: "Call", recordIds: $r}) { __typename } }', r=[account])
    run(f'mutation {{ bankAccountCreate(input: {{name: "Main", iban: "{IBAN}"}}) {{ __typename }} }}')
    run(f'mutation($a: ID!) {{ sepaMandateCreate(input: {{accountId: $a, iban: "{IBAN}"}}) {{ __typename }} }}',
        a=account)
    run('mutation { savedFilterSave(module: "accounts", name: "Mine") { __typename } }')
    run('mutation { priceListCreate(name: "Retail") { __typename } }')


def selection(type_, depth: int) -> str:
    """Ids of what a type holds, `depth` levels down (connections through their first 5 edges)."""
    type_ = get_named_type(type_)
    if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
        inner = " ".join(f"... on {possible.name} {{ {selection(possible, depth)} }}"
                         for possible in GRAPH.get_possible_types(type_))
        return f"__typename {inner}"
    if not isinstance(type_, GraphQLObjectType):
        return ""
    parts = ["__typename"] + (["id"] if "id" in type_.fields else [])
    if "edges" in type_.fields:
        node = get_named_type(get_named_type(type_.fields["edges"].type).fields["node"].type)
        return f"edges {{ node {{ {selection(node, depth)} }} }}"
    for name, field in type_.fields.items() if depth > 0 else ():
        target = get_named_type(field.type)
        if name == "id" or any(is_required_argument(a) for a in field.args.values()):
            continue
        if isinstance(target, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            arguments = "(first: 5)" if "first" in field.args else ""
            parts.append(f"{name}{arguments} {{ {selection(target, depth - 1)} }}")
    return " ".join(parts)


def harvest(api) -> dict[str, set[str]]:
    """Every global id the tenant's graph hands out through its argument-free query fields, by type."""
    found: dict[str, set[str]] = defaultdict(set)

    def collect(value):
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                try:
                    type_name, _ = from_base64(value["id"])
                    found[type_name].add(value["id"])
                except ValueError:
                    pass
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for name, field in GRAPH.query_type.fields.items():
        if any(is_required_argument(argument) for argument in field.args.values()):
            continue
        arguments = "(first: 20)" if "first" in field.args else ""
        result = api.execute(f"{{ {name}{arguments} {{ {selection(field.type, 1)} }} }}")
        collect(result.get("data"))
    return found


def id_slots(type_, path: str, seen: frozenset = frozenset()) -> list[str]:
    """Paths of the ID values an argument holds (itself, its list, its input fields; recursive inputs once)."""
    named = get_named_type(type_)
    if named.name == "ID":
        return [path]
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        return [slot for name, field in named.fields.items()
                for slot in id_slots(field.type, f"{path}.{name}", seen | {named.name})]
    return []


def value(type_, path: str, ids: dict[str, str], seen: frozenset = frozenset()):
    """A value for an input type: the foreign id at ID slots, a plausible dummy elsewhere (required parts only,
    and every part holding ids)."""
    if isinstance(type_, GraphQLNonNull):
        return value(type_.of_type, path, ids, seen)
    if isinstance(type_, GraphQLList):
        return [value(type_.of_type, path, ids, seen)]
    if type_.name == "ID":
        return ids[path]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        inner = seen | {type_.name}
        fields = {name: field for name, field in type_.fields.items()
                  if is_required_input_field(field) or id_slots(field.type, f"{path}.{name}", inner)}
        if type_.is_one_of:
            fields = dict([next(iter((fields or type_.fields).items()))])
        return {name: value(field.type, f"{path}.{name}", ids, inner) for name, field in fields.items()}
    return DUMMIES.get(type_.name, "x")


def calls(root: GraphQLObjectType, foreign: dict[str, list[str]]):
    """(field name, query, variables) for every field of `root` taking ids, once per candidate foreign id."""
    # A slot whose name names no type gets ids of the record types most things point to.
    pool = [foreign[type_name][0] for type_name in FALLBACK_TYPES if type_name in foreign]
    for name, field in root.fields.items():
        slots = [slot for argument_name, argument in field.args.items()
                 for slot in id_slots(argument.type, argument_name)]
        if not slots:
            continue
        candidates = {slot: guessed(name, slot, foreign) or pool for slot in slots}
        arguments = {argument_name: argument for argument_name, argument in field.args.items()
                     if is_required_argument(argument) or id_slots(argument.type, argument_name)}
        declared = ", ".join(f"${a}: {argument.type}" for a, argument in arguments.items())
        passed = ", ".join(f"{a}: ${a}" for a in arguments)
        operation = "mutation" if root is GRAPH.mutation_type else "query"
        query = f"{operation}({declared}) {{ {name}({passed}) {{ {result_selection(field.type)} }} }}"
        for turn in range(max(len(ids) for ids in candidates.values())):
            ids = {slot: options[turn % len(options)] for slot, options in candidates.items()}
            yield name, query, {a: value(argument.type, a, ids) for a, argument in arguments.items()}


def guessed(field_name: str, slot: str, foreign: dict[str, list[str]]) -> list[str]:
    """Foreign ids of the types a slot's name points to (`invoiceId` → Invoice, `orderConfirm(id)` → SalesOrder)."""
    key = slot.rsplit(".", 1)[-1]
    key = key.removesuffix("Ids").removesuffix("Id").removesuffix("s") if key not in ("id", "ids") else field_name
    return [ids[0] for type_name, ids in foreign.items()
            if key.lower().startswith(type_name.lower()) or type_name.lower().endswith(key.lower())]


def result_selection(type_) -> str:
    named = get_named_type(type_)
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        refusal = " ... on OperationInfo { messages { code } }" if "OperationInfo" in [
            t.name for t in GRAPH.get_possible_types(named)] else ""
        return "__typename" + refusal
    if isinstance(named, GraphQLObjectType):
        return "__typename" + (" edges { cursor }" if "edges" in named.fields else "")
    return ""


def answered_nothing(value) -> bool:
    if value is None or value == [] or value is False:
        return True
    if isinstance(value, list):
        return all(answered_nothing(item) for item in value)
    if isinstance(value, dict):
        return value.get("__typename") == "OperationInfo" or value.get("edges") == []
    return False


def row_counts(schema_name: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_type = 'BASE TABLE'", [schema_name])
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema_name}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def align_sequences(*schema_names: str) -> None:
    """Start every id sequence of the tenants at the same value (other tests move them: sequences ignore rollbacks)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, max(last_value) FROM pg_sequences WHERE schemaname = ANY(%s) "
                       "GROUP BY sequencename HAVING max(last_value) IS NOT NULL", [list(schema_names)])
        for sequence, last_value in cursor.fetchall():
            for schema_name in schema_names:
                cursor.execute("SELECT setval(%s, %s)", [f'"{schema_name}"."{sequence}"', last_value])


@pytest.fixture
def two_worlds(acme, globex):
    align_sequences("acme", "globex")
    acme_api, globex_api = logged_in(acme), logged_in(globex)
    world(acme_api)
    world(globex_api)
    return acme_api, harvest(acme_api), harvest(globex_api)


def probe(api, ids: dict[str, list[str]]) -> int:
    """Call every query field and mutation taking ids with `ids`; each must answer nothing, with coded errors.
    Returns how many calls were made."""
    leaks, uncoded, made = [], [], 0
    for root in (GRAPH.query_type, GRAPH.mutation_type):
        for name, query, variables in calls(root, ids):
            response = api.post(query, variables)
            connection.set_schema_to_public()
            assert response.status_code < 500, (name, response.content[:500])
            assert b"Traceback" not in response.content
            result = response.json()
            made += 1
            if not answered_nothing((result.get("data") or {}).get(name)):
                leaks.append((name, json.dumps(variables), result))
            uncoded += [(name, error["message"]) for error in result.get("errors", [])
                        if not (error.get("extensions") or {}).get("code")]
    assert leaks == []
    assert uncoded == [], "\n".join(map(str, uncoded))
    return made


def test_every_field_taking_ids_answers_nothing_for_ids_of_another_tenant(two_worlds):
    api, local, foreign = two_worlds
    # given: the other tenant's ids, for records whose primary key also exists here
    foreign = {type_name: sorted(ids) for type_name, ids in foreign.items()}
    same_keys = {type_name for type_name, ids in foreign.items()
                 if {from_base64(i)[1].split(".")[-1] for i in ids}
                 & {from_base64(i)[1].split(".")[-1] for i in local.get(type_name, ())}}
    assert {"Account", "Contact", "Invoice", "Quote", "Payment", "CreditNote", "Comment", "Tag",
            "Company", "ProductFamily", "Product"} <= same_keys, sorted(same_keys)
    before = {name: row_counts(name) for name in ("acme", "globex")}

    # when: every query field and mutation taking ids is called with them
    made = probe(api, foreign)

    # then: nothing was found, nothing was written, every refusal says why with a code
    assert made > 150
    assert {name: row_counts(name) for name in ("acme", "globex")} == before


def test_every_field_taking_ids_answers_nothing_for_records_the_user_may_not_see(acme):
    # given: the administrator's records, every module private, and a salesperson below it in the role tree
    admin_api = logged_in(acme)
    world(admin_api)
    for module in modules.all_modules():
        if module.owned:
            set_default(admin_api, module.key, "PRIVATE")
    record_types = {record_type.graphql_type for record_type in registry.all_types()
                    if modules.get(record_type.key).owned}
    hidden = {type_name: sorted(ids) for type_name, ids in harvest(admin_api).items() if type_name in record_types}
    assert {"Account", "Contact", "Lead", "Deal", "Quote", "Invoice", "Payment", "CreditNote", "Product",
            "JournalEntry"} <= set(hidden), sorted(hidden)
    _user, sales_api = staff("seller@acme.example.com", "Sales")
    assert harvest(sales_api).keys() & record_types == set()
    before = row_counts("acme")

    # when: every query field and mutation taking ids is called with them, as the salesperson
    made = probe(sales_api, hidden)

    # then: not found or forbidden everywhere, nothing written
    assert made > 150
    assert row_counts("acme") == before
