from tests.conftest import messages

UPDATE = """mutation($id: ID!, $input: CompanyInput!) { companyUpdate(id: $id, input: $input) { __typename
  ... on Company { name siren siret vatNumber rcs shareCapital paymentTermsDays latePenaltyText }
  ... on OperationInfo { messages { field code } } } }"""


def company_id(api) -> str:
    return api.execute("{ companies { id } }")["data"]["companies"][0]["id"]


def test_admin_completes_the_legal_mentions_of_the_company(acme_admin_api):
    result = acme_admin_api.execute(UPDATE, {"id": company_id(acme_admin_api), "input": {
        "siren": "732 829 320", "siret": "73282932000074", "vatNumber": "FR40303265045", "rcs": "RCS Lyon 732 829 320",
        "shareCapital": "10000", "legalForm": "SAS"}})["data"]["companyUpdate"]
    assert (result["siren"], result["siret"], result["vatNumber"]) == ("732829320", "73282932000074",
                                                                       "FR40303265045")
    assert (result["rcs"], result["shareCapital"], result["paymentTermsDays"]) == ("RCS Lyon 732 829 320", "10000",
                                                                                    30)
    assert "BCE" in result["latePenaltyText"]


def test_bad_identifiers_are_refused(acme_admin_api):
    result = acme_admin_api.execute(UPDATE, {"id": company_id(acme_admin_api), "input": {
        "siren": "123", "vatNumber": "XX", "shareCapital": "-1"}})
    assert messages(result["data"]["companyUpdate"]) == {"siren": "siren_invalid", "vatNumber": "vat_invalid",
                                                         "shareCapital": "negative_amount"}


def test_a_second_legal_entity_can_become_the_default(acme_admin_api):
    created = acme_admin_api.execute('mutation { companyCreate(input: {name: "Acme Services"}, isDefault: true) '
                                     '{ ... on Company { name isDefault } } }')["data"]["companyCreate"]
    assert created == {"name": "Acme Services", "isDefault": True}
    companies = acme_admin_api.execute("{ companies { name isDefault } }")["data"]["companies"]
    assert sorted((c["name"], c["isDefault"]) for c in companies) == [("Acme", False), ("Acme Services", True)]
