"""The manual journal entry form: a journal, a date, a label and its debit and credit lines (entryCreate).

Entries are not laid out in blocks like other records: their lines are the entry, so the form is written here;
the API checks the balance, the accounts and the fiscal year, and its refusals land on the line they name.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web import gql
from web.app.forms import run_mutation
from web.app.lists import list_url
from web.app.pages import member_page, render_page

LINE_ROWS = 4  # empty rows offered; rows left empty are not sent
LINE_FIELDS = ("account", "label", "debit", "credit")


def _typed(post) -> tuple[dict, list[dict]]:
    header = {name: post.get(name, "").strip() for name in ("journal", "date", "label", "pieceRef")}
    header["post"] = "post" in post
    rows = max(LINE_ROWS, sum(1 for key in post if key.startswith("account-")))
    lines = [{name: post.get(f"{name}-{index}", "").strip() for name in LINE_FIELDS} for index in range(rows)]
    return header, lines


def _amount(text: str) -> str:
    try:
        return str(Decimal(text.replace(" ", "").replace(",", ".") or "0"))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None


def _entry_input(header: dict, lines: list[dict]) -> tuple[dict, dict, list[int]]:
    """EntryInput from what was typed (lines without an account left out), the errors of unreadable values (a
    line's keyed `lines.<row>.<field>`, as the API names them) and the rows sent."""
    errors: dict[str, list[str]] = {}
    try:
        date = dt.date.fromisoformat(header["date"]).isoformat()
    except ValueError:
        errors["date"] = [_("Enter a date (YYYY-MM-DD).")]
        date = None
    sent = []
    for row, line in enumerate(lines):
        if not line["account"]:
            continue
        amounts = {}
        for name in ("debit", "credit"):
            try:
                amounts[name] = _amount(line[name])
            except ValueError as error:
                errors[f"lines.{row}.{name}"] = [str(error)]
        sent.append((row, {"account": line["account"], "label": line["label"], **amounts}))
    if not sent:
        errors["lines"] = [_("Enter the lines of the entry: an account and a debit or a credit on each.")]
    entry = {"journal": header["journal"], "date": date, "label": header["label"], "pieceRef": header["pieceRef"],
             "post": header["post"], "lines": [line for _row, line in sent]}
    return entry, errors, [row for row, _line in sent]


@member_page
@require_http_methods(["GET", "POST"])
def entry_new(request):
    header = {"journal": "OD", "date": dt.date.today().isoformat(), "label": "", "pieceRef": "", "post": True}
    lines = [dict.fromkeys(LINE_FIELDS, "") for _row in range(LINE_ROWS)]
    errors, general = {}, []
    if request.method == "POST":
        header, lines = _typed(request.POST)
        entry, errors, rows = _entry_input(header, lines)
        if not errors:
            payload = run_mutation(request, "EntryCreate", {"input": entry})
            if not gql.failed(payload):
                return HttpResponseRedirect(reverse("record", args=[payload["id"]]))
            errors, general = _api_errors(payload, rows)
    for row, line in enumerate(lines):
        line["errors"] = {name: errors.get(f"lines.{row}.{name}", []) for name in LINE_FIELDS}
    journals = gql.run(request, "EntryFormChoices")["journals"]
    return render_page(request, "web/app/entry_form.html", {
        "header": header, "lines": lines, "errors": errors, "general": general, "journals": journals,
        "list_url": list_url("journal_entries"),
    }, title=_("New journal entry"), status=400 if errors or general else 200)


def _api_errors(payload: dict, rows: list[int]) -> tuple[dict, list[str]]:
    """The API numbers the lines it was sent; the form's rows include the empty ones left out."""
    errors: dict[str, list[str]] = {}
    general = []
    for message in payload["messages"]:
        field = message.get("field") or ""
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(rows):
            field = f"lines.{rows[int(parts[1])]}.{parts[2]}"
        if field in ("journal", "date", "label", "pieceRef") or field.startswith("lines."):
            errors.setdefault(field, []).append(message["message"])
        else:
            general.append(message["message"])
    return errors, general
