"""Bank statement files read into plain lines (DOMAIN.md 8.3): CAMT.053 (ISO 20022 XML, read with lxml), OFX
(ofxtools) and MT940 (mt-940). A file that cannot be read is refused whole (`file_malformed`); a line that cannot
be read (no amount, a bad date…) is set aside with its reason while the others are kept."""

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import mt940
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree
from ofxtools.models.base import Aggregate
from ofxtools.Parser import OFXTree
from schwifty import IBAN

from saas.banking import error_codes
from saas.banking.enums import StatementFormat

# The libraries log every line they read, or cannot read, at INFO and ERROR levels; the import report already
# says which lines were set aside and why.
logging.getLogger("mt940").setLevel(logging.CRITICAL)
logging.getLogger("ofxtools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class StatementLine:
    line: int
    date: dt.date
    amount: Decimal
    currency: str = ""
    value_date: dt.date | None = None
    counterparty_name: str = ""
    counterparty_iban: str = ""
    reference: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""


@dataclass(frozen=True)
class RejectedLine:
    line: int
    reference: str
    code: str
    reason: str


@dataclass
class Statement:
    """One account's statement in a file (a CAMT.053 or MT940 file may hold several)."""

    account: str = ""
    currency: str = ""
    lines: list[StatementLine] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)


class LineError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def detect_format(content: bytes) -> str | None:
    """The statement format `content` is written in, from its markers; None when it is none of them."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"OFXHEADER") or b"<OFX>" in head[:4096].upper():
        return StatementFormat.OFX
    if head.startswith(b"<"):
        return StatementFormat.CAMT053 if b"BkToCstmrStmt" in content else None
    if re.search(rb"^:20:", head, re.MULTILINE) and re.search(rb"^:(25|60[FM]|61):", head, re.MULTILINE):
        return StatementFormat.MT940
    return None


def parse(content: bytes, statement_format: str) -> list[Statement]:
    """The statements of a file of a known format; refused (`file_malformed`) when it cannot be read."""
    readers = {StatementFormat.CAMT053: _camt053, StatementFormat.OFX: _ofx, StatementFormat.MT940: _mt940}
    return readers[statement_format](content)


def malformed(detail: str) -> ValidationError:
    return ValidationError(_("The file cannot be read: %(detail)s") % {"detail": detail},
                           code=error_codes.FILE_MALFORMED)


def _read_line(statement: Statement, line: int, reference: str, read, *args) -> None:
    """Keep the line `read(*args)` gives, or set it aside with the reason it could not be read."""
    try:
        statement.lines.append(read(*args))
    except LineError as error:
        statement.rejected.append(RejectedLine(line=line, reference=reference, code=error.code, reason=error.reason))


def _amount(text: str | None) -> Decimal:
    if text is None or not text.strip():
        raise LineError(error_codes.AMOUNT_MISSING, _("No amount."))
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise LineError(error_codes.AMOUNT_INVALID, _("Invalid amount: %(value)s.") % {"value": text}) from None
    if not amount.is_finite() or amount == 0 or amount != amount.quantize(Decimal("0.01")):
        raise LineError(error_codes.AMOUNT_INVALID, _("Invalid amount: %(value)s.") % {"value": text})
    return amount.quantize(Decimal("0.01"))


def _date(text: str | None, *, required: bool = True) -> dt.date | None:
    if text is None or not text.strip():
        if required:
            raise LineError(error_codes.DATE_MISSING, _("No booking date."))
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise LineError(error_codes.DATE_INVALID, _("Invalid date: %(value)s.") % {"value": text}) from None


def _iban_in(text: str) -> str:
    """The first valid IBAN written in free text (MT940 :86:, OFX memo), compact; '' if none."""
    for candidate in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b", text.upper()):
        try:
            return IBAN(candidate).compact
        except ValueError:
            continue
    return ""


def _clean(*parts: str | None) -> str:
    return " ".join(" ".join(part.split()) for part in parts if part and part.strip())


# CAMT.053 ----------------------------------------------------------------------------------------------------

# Bank files come from outside: no entity expansion, no network access, no huge trees (XXE, billion laughs).
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _camt053(content: bytes) -> list[Statement]:
    try:
        root = etree.parse(io.BytesIO(content), _XML).getroot()
    except etree.XMLSyntaxError as error:
        raise malformed(str(error)) from None
    nodes = root.findall(".//{*}BkToCstmrStmt/{*}Stmt")
    if not nodes:
        raise malformed(_("no statement (Stmt) in the document"))
    statements = []
    for node in nodes:
        statement = Statement(account=_clean(node.findtext("{*}Acct/{*}Id/{*}IBAN")
                                             or node.findtext("{*}Acct/{*}Id/{*}Othr/{*}Id")),
                              currency=_clean(node.findtext("{*}Acct/{*}Ccy")))
        for entry in node.iterfind("{*}Ntry"):
            reference = _clean(entry.findtext("{*}AcctSvcrRef") or entry.findtext("{*}NtryRef"))
            _read_line(statement, entry.sourceline, reference, _camt_entry, entry, statement)
        statements.append(statement)
    return statements


def _camt_entry(entry, statement: Statement) -> StatementLine:
    status = _clean(entry.findtext("{*}Sts/{*}Cd") or entry.findtext("{*}Sts"))
    if status and status != "BOOK":
        raise LineError(error_codes.NOT_BOOKED, _("Not booked yet (status %(status)s).") % {"status": status})
    amount_node = entry.find("{*}Amt")
    amount = _amount(amount_node.text if amount_node is not None else None)
    direction = _clean(entry.findtext("{*}CdtDbtInd"))
    if direction not in ("CRDT", "DBIT"):
        raise LineError(error_codes.AMOUNT_INVALID, _("No credit/debit indicator."))
    if amount < 0:
        raise LineError(error_codes.AMOUNT_INVALID, _("Invalid amount: %(value)s.") % {"value": amount_node.text})
    booked = entry.findtext("{*}BookgDt/{*}Dt") or entry.findtext("{*}BookgDt/{*}DtTm")
    value = entry.findtext("{*}ValDt/{*}Dt") or entry.findtext("{*}ValDt/{*}DtTm")
    # The counterparty is the debtor of money coming in and the creditor of money going out.
    party = "Dbtr" if direction == "CRDT" else "Cdtr"
    details = entry.findall("{*}NtryDtls/{*}TxDtls")
    names, ibans, texts, end_to_end = [], [], [], ""
    for detail in details:
        names.append(_clean(detail.findtext(f"{{*}}RltdPties/{{*}}{party}/{{*}}Nm")
                            or detail.findtext(f"{{*}}RltdPties/{{*}}{party}/{{*}}Pty/{{*}}Nm")))
        ibans.append(_clean(detail.findtext(f"{{*}}RltdPties/{{*}}{party}Acct/{{*}}Id/{{*}}IBAN")))
        texts.extend(node.text for node in detail.iterfind("{*}RmtInf/{*}Ustrd"))
        texts.append(detail.findtext("{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref"))
        found = _clean(detail.findtext("{*}Refs/{*}EndToEndId"))
        end_to_end = end_to_end or ("" if found == "NOTPROVIDED" else found)
    if not any(texts):
        texts.append(entry.findtext("{*}AddtlNtryInf"))
    return StatementLine(
        line=entry.sourceline, date=_date(booked), value_date=_date(value, required=False),
        amount=amount if direction == "CRDT" else -amount,
        currency=amount_node.get("Ccy", "") or statement.currency,
        counterparty_name=next((name for name in names if name), "")[:140],
        counterparty_iban=next((iban for iban in ibans if iban), "").replace(" ", "")[:34],
        reference=_clean(*texts), end_to_end_id=end_to_end[:35],
        bank_reference=_clean(entry.findtext("{*}AcctSvcrRef") or entry.findtext("{*}NtryRef"))[:120])


# OFX ---------------------------------------------------------------------------------------------------------

def _ofx(content: bytes) -> list[Statement]:
    # ofxtools closes what a cut file leaves open: a file that stops before </OFX> is incomplete.
    if not re.search(rb"</OFX>\s*\Z", content, re.IGNORECASE):
        raise malformed(_("the file is incomplete (it does not end with </OFX>)"))
    try:
        root = OFXTree().parse(io.BytesIO(content))
    except Exception as error:  # noqa: BLE001 — ofxtools raises many kinds (header, SGML, encoding errors)
        raise malformed(str(error) or type(error).__name__) from None
    text = content.decode("latin-1")
    # ofxtools keeps no line numbers: the report gives the line where each <STMTTRN> opens.
    openings = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"<STMTTRN>", text, re.IGNORECASE)]
    nodes = root.findall(".//STMTRS") + root.findall(".//CCSTMTRS")
    if not nodes:
        raise malformed(_("no statement (STMTRS) in the document"))
    statements, position = [], 0
    for node in nodes:
        statement = Statement(account=_clean(node.findtext(".//BANKACCTFROM/ACCTID")
                                             or node.findtext(".//CCACCTFROM/ACCTID")),
                              currency=_clean(node.findtext("CURDEF")))
        for transaction in node.iterfind("BANKTRANLIST/STMTTRN"):
            line = openings[position] if position < len(openings) else 0
            position += 1
            reference = _clean(transaction.findtext("FITID"))
            _read_line(statement, line, reference, _ofx_transaction, transaction, line, statement)
        statements.append(statement)
    return statements


def _ofx_transaction(node, line: int, statement: Statement) -> StatementLine:
    amount = _amount(node.findtext("TRNAMT"))
    if not _clean(node.findtext("DTPOSTED")):
        raise LineError(error_codes.DATE_MISSING, _("No booking date."))
    try:
        transaction = Aggregate.from_etree(node)
    except Exception as error:  # noqa: BLE001 — ofxtools reports any invalid element this way
        message = str(error)
        if "dtposted" in message or "dtavail" in message or "dtuser" in message:
            raise LineError(error_codes.DATE_INVALID, _("Invalid date: %(value)s.")
                            % {"value": node.findtext("DTPOSTED")}) from None
        raise LineError(error_codes.LINE_INVALID, message) from None
    memo = transaction.memo or ""
    return StatementLine(
        line=line, date=transaction.dtposted.date(), value_date=transaction.dtavail.date() if transaction.dtavail
        else None, amount=amount, currency=(transaction.currency and transaction.currency.cursym) or statement.currency,
        counterparty_name=_clean(transaction.name)[:140], counterparty_iban=_iban_in(memo),
        reference=_clean(memo, transaction.refnum, transaction.checknum),
        bank_reference=_clean(transaction.fitid)[:120])


# MT940 -------------------------------------------------------------------------------------------------------

_TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)


@dataclass
class _Mt940Block:
    """A statement of an MT940 file as written: its header fields and its movements (:61: and their :86:)."""

    header: list[str]
    movements: list[tuple[int, list[str]]] = field(default_factory=list)
    closed: bool = False


def _mt940(content: bytes) -> list[Statement]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("latin-1")  # SWIFT files from French banks are often ISO-8859-1
    text = text.replace("\r\n", "\n")
    tags = [(match.group(1), match.start()) for match in _TAG.finditer(text)]
    blocks: list[_Mt940Block] = []
    for (name, start), (_next, end) in zip(tags, [*tags[1:], ("", len(text))], strict=True):
        chunk, line = text[start:end].rstrip("\n- }"), text.count("\n", 0, start) + 1
        if name == "20":
            blocks.append(_Mt940Block(header=[chunk]))
        elif not blocks:
            raise malformed(_("the file does not start with a :20: field"))
        elif blocks[-1].closed:
            continue
        elif name == "61":
            blocks[-1].movements.append((line, [chunk]))
        elif name == "86" and blocks[-1].movements:
            blocks[-1].movements[-1][1].append(chunk)
        elif name in ("62F", "62M"):
            blocks[-1].closed = True
        elif name in ("25", "28C", "60F", "60M"):
            blocks[-1].header.append(chunk)
    statements = []
    for block in blocks:
        header = "\n".join(block.header)
        currency = re.search(r"^:60[FM]:[CD]\d{6}([A-Z]{3})", header, re.MULTILINE)
        if not block.closed:
            raise malformed(_("a statement has no closing balance (:62F:)"))
        if currency is None:
            raise malformed(_("a statement has no opening balance (:60F:)"))
        account = re.search(r"^:25:(.*)$", header, re.MULTILINE)
        statement = Statement(account=_clean(account.group(1)) if account else "", currency=currency.group(1))
        for line, chunks in block.movements:
            bank_reference = re.search(r"//(\S+)", chunks[0].splitlines()[0])
            _read_line(statement, line, bank_reference.group(1) if bank_reference else "", _mt940_line, header,
                       chunks, line, statement)
        statements.append(statement)
    return statements


def _mt940_line(header: str, chunks: list[str], line: int, statement: Statement) -> StatementLine:
    parsed = mt940.models.Transactions()
    # The library reads a statement at once; fed one line at a time (with its statement's header), a bad line
    # is set aside instead of refusing the file.
    try:
        parsed.parse("\n".join([header, *chunks]) + "\n")
    except ValueError as error:
        if "month" in str(error) or "day" in str(error):
            raise LineError(error_codes.DATE_INVALID, _("Invalid date: %(line)s") % {"line": chunks[0]}) from None
        raise LineError(error_codes.LINE_INVALID, _("Invalid line: %(line)s") % {"line": chunks[0]}) from None
    except (RuntimeError, InvalidOperation):
        raise LineError(error_codes.LINE_INVALID, _("Invalid line: %(line)s") % {"line": chunks[0]}) from None
    if len(parsed.transactions) != 1:
        raise LineError(error_codes.LINE_INVALID, _("Invalid line: %(line)s") % {"line": chunks[0]})
    data = parsed.transactions[0].data
    amount = data["amount"].amount
    if amount == 0:
        raise LineError(error_codes.AMOUNT_INVALID, _("Invalid amount: %(value)s.") % {"value": amount})
    details = _clean(data.get("transaction_details"))
    customer_reference = _clean(data.get("customer_reference"))
    entry_date = data.get("entry_date") or data["date"]
    return StatementLine(
        line=line, date=dt.date(entry_date.year, entry_date.month, entry_date.day),
        value_date=dt.date(data["date"].year, data["date"].month, data["date"].day),
        amount=Decimal(amount).quantize(Decimal("0.01")), currency=data["amount"].currency or statement.currency,
        counterparty_iban=_iban_in(details),
        reference=_clean(details, "" if customer_reference == "NONREF" else customer_reference),
        bank_reference=_clean(data.get("bank_reference"))[:120])
