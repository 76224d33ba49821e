"""Shared by the banking tests: the operation documents of the web app, ids, a bank account, CAMT.053 builder."""

from pathlib import Path

from django.utils import timezone
from django_tenants.utils import schema_context

from saas.banking import services

FILES = Path(__file__).parent / "files"
OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations" / "app" / "banking"
IBAN = "FR7630006000011234567890189"
CUSTOMER_IBAN = "FR1420041010050500013M02606"


def op(name: str) -> str:
    """An operation document of graphql/operations/app/banking: the tests run what the web app runs."""
    return (OPERATIONS / f"{name}.graphql").read_text()


def bank_account(actor, iban: str = IBAN, **fields):
    with schema_context("acme"):
        return services.bank_account_create(actor=actor, name=fields.pop("name", "Main account"), iban=iban,
                                            **fields)


def camt(*entries: dict, iban: str = IBAN) -> bytes:
    """A CAMT.053 statement with one <Ntry> per dict: amount (signed), date, reference, name, iban, bank_ref."""
    lines = []
    for entry in entries:
        amount = entry["amount"]
        direction, party = ("CRDT", "Dbtr") if not str(amount).startswith("-") else ("DBIT", "Cdtr")
        date = entry.get("date") or timezone.localdate()
        party_iban = (f"<{party}Acct><Id><IBAN>{entry['iban']}</IBAN></Id></{party}Acct>" if entry.get("iban")
                      else "")
        lines.append(f"""
      <Ntry>
        <Amt Ccy="EUR">{str(amount).lstrip("-")}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>{date.isoformat()}</Dt></BookgDt><ValDt><Dt>{date.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{entry["bank_ref"]}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><{party}><Nm>{entry.get("name", "")}</Nm></{party}>{party_iban}</RltdPties>
          <RmtInf><Ustrd>{entry.get("reference", "")}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
  <GrpHdr><MsgId>TEST</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>
  <Stmt><Id>TEST</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{"".join(lines)}
  </Stmt>
</BkToCstmrStmt></Document>""".encode()
