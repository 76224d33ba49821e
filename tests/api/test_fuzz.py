"""The endpoint fuzzed with queries and mutations generated from the schema (hypothesis-graphql).

Valid documents with arbitrary argument values, and documents with one schema violation each, are posted as a
tenant's administrator, with DEBUG off as in production: whatever they ask, the answer is JSON with a status
below 500, no traceback, and every error carries a code. Derandomized and bounded (1,000 documents), so it runs
in the normal suite in well under a minute.
"""

import datetime

from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries
from strawberry.relay import to_base64

from saas.api.schema import schema

GRAPH = schema._schema
# ~35 ms each (a third generating, two thirds the request): about 35 s on this 2-core machine.
EXAMPLES = 1000
# Mutations that would end or change the fuzzing session itself.
SESSION_CHANGING = {"login", "loginWithToken", "logout", "passwordChange", "passwordResetConfirm", "tenantSwitch",
                    "memberDeactivate", "memberRoleSet", "userRoleSet", "invitationAccept"}
TYPES = ("Account", "Contact", "Invoice", "Quote", "Company", "User", "Comment", "Tag")
SCALARS = {
    # Ids of this tenant, of another one, and garbage.
    "ID": st.one_of(st.builds(lambda type_name, schema_name, pk: to_base64(type_name, f"{schema_name}.{pk}"),
                              st.sampled_from(TYPES), st.sampled_from(["acme", "globex", ""]),
                              st.integers(-1, 3)), st.text(max_size=12)).map(nodes.String),
    "Date": st.dates().map(nodes.String),
    "DateTime": st.datetimes(timezones=st.just(datetime.UTC)).map(lambda value: nodes.String(value.isoformat())),
    "Time": st.times().map(nodes.String),
    "Decimal": st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9,
                                     max_value=10**9), st.text(max_size=8)).map(nodes.String),
    "JSON": st.just(nodes.Object([])),
    "Upload": st.just(nodes.String("not a file")),
}
MUTATIONS = [name for name in GRAPH.mutation_type.fields if name not in SESSION_CHANGING]
QUERIES = list(GRAPH.query_type.fields)
# Negative documents violate an argument: fields with a required one, or one of a built-in scalar type.
WITH_ARGUMENTS = [name for name in QUERIES if GRAPH.query_type.fields[name].args]
MUTATIONS_WITH_ARGUMENTS = [name for name in MUTATIONS if GRAPH.mutation_type.fields[name].args]
# One root field per document: generating from the whole schema at once costs ~125 ms a document, one field ~10.
DOCUMENTS = st.one_of(
    st.sampled_from(QUERIES).flatmap(lambda name: queries(GRAPH, fields=[name], custom_scalars=SCALARS)),
    st.sampled_from(MUTATIONS).flatmap(lambda name: mutations(GRAPH, fields=[name], custom_scalars=SCALARS)),
    # A third of the documents break the schema once (twice as slow to generate).
    st.one_of(
        st.sampled_from(WITH_ARGUMENTS).flatmap(
            lambda name: queries(GRAPH, fields=[name], custom_scalars=SCALARS, mode=Mode.NEGATIVE)),
        st.sampled_from(MUTATIONS_WITH_ARGUMENTS).flatmap(
            lambda name: mutations(GRAPH, fields=[name], custom_scalars=SCALARS, mode=Mode.NEGATIVE))),
)


def test_generated_documents_never_break_the_endpoint(acme_admin_api):
    statuses, uncoded = {}, []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(document=DOCUMENTS)
    def post(document: str):
        response = acme_admin_api.post(document)
        connection.set_schema_to_public()
        assert response.status_code < 500, (document, response.content[:2000])
        assert b"Traceback" not in response.content, document
        body = response.json()
        assert "data" in body or "errors" in body, document
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        uncoded.extend((document, error["message"]) for error in body.get("errors") or ()
                       if not (error.get("extensions") or {}).get("code"))

    with override_settings(DEBUG=False):
        post()
    assert sum(statuses.values()) >= EXAMPLES and statuses.get(200, 0) > EXAMPLES // 2, statuses
    # Every refusal names its reason with a code, never an "Internal error." or a raw exception text.
    assert not uncoded, uncoded[:20]
