"""Company details (legal mentions, bank details, terms), API tokens and the lead conversion mapping."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app import meta
from web.app.pages import member_page, render_page
from web.app.settings import admin_page, saved

# CompanyInput's fields, in the order of the form, by section; numbers are sent as numbers (or null).
COMPANY_SECTIONS = (
    (gettext_lazy("Identity"), (("name", gettext_lazy("Name")), ("legalForm", gettext_lazy("Legal form")),
                                ("shareCapital", gettext_lazy("Share capital")), ("siren", "SIREN"),
                                ("siret", "SIRET"), ("vatNumber", gettext_lazy("VAT number")),
                                ("rcs", gettext_lazy("Trade register (RCS)")))),
    (gettext_lazy("Address and contact"), (("street", gettext_lazy("Street")),
                                           ("postalCode", gettext_lazy("Postal code")), ("city", gettext_lazy("City")),
                                           ("country", gettext_lazy("Country")), ("email", gettext_lazy("Email")),
                                           ("phone", gettext_lazy("Phone")), ("website", gettext_lazy("Website")))),
    (gettext_lazy("Bank and terms"), (("iban", "IBAN"), ("bic", "BIC"),
                                      ("paymentTermsDays", gettext_lazy("Payment terms (days)")),
                                      ("latePenaltyText", gettext_lazy("Late payment penalties")),
                                      ("terms", gettext_lazy("Terms and conditions")))),
)
LONG_TEXTS = {"latePenaltyText", "terms"}
NUMBERS = {"shareCapital", "paymentTermsDays"}


def _company_input(post) -> tuple[dict, dict, dict]:
    """What the form typed (to show again), the CompanyInput it makes, and the fields that are not numbers."""
    typed = {name: post.get(name, "").strip() for _section, fields in COMPANY_SECTIONS for name, _label in fields}
    company = {name: (value or None) if name in NUMBERS else value for name, value in typed.items()}
    errors = {}
    if company["paymentTermsDays"] is not None:
        try:
            company["paymentTermsDays"] = int(company["paymentTermsDays"])
        except ValueError:
            company["paymentTermsDays"] = -1  # refused by the API with its own message
    if company["shareCapital"] is not None:
        # Written the French way or not (10 000,50 or 10000.50); anything else, a currency sign included, is
        # the field's error (the API's Decimal would refuse the whole request).
        amount = company["shareCapital"].replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            company["shareCapital"] = str(Decimal(amount))
            if not Decimal(amount).is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["shareCapital"] = [_("Enter an amount in figures, such as 10000 or 10 000,00.")]
    return typed, company, errors


@admin_page
def company(request):
    """The details of one of the tenant's legal entities (the default one unless `?id=` names another)."""
    companies = gql.run(request, "CompanyDetails")["companies"]
    wanted = request.GET.get("id")
    current = next((c for c in companies if c["id"] == wanted), None) if wanted else \
        next((c for c in companies if c["isDefault"]), companies[0] if companies else None)
    if current is None:
        raise Http404
    values = {name: "" if current[name] is None else str(current[name])
              for _section, fields in COMPANY_SECTIONS for name, _label in fields}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values, fields, errors = _company_input(request.POST)
        if not errors:
            payload = gql.run(request, "CompanyUpdate", {"id": current["id"], "input": fields})["companyUpdate"]
            if not gql.failed(payload):
                return saved(request)
            errors = gql.form_errors(payload)
    sections = [{"label": label, "fields": [{"name": name, "label": field_label, "value": values[name],
                                             "long": name in LONG_TEXTS, "errors": errors.get(name, [])}
                                            for name, field_label in fields]}
                for label, fields in COMPANY_SECTIONS]
    return render_page(request, "web/app/settings/company.html", {
        "companies": companies, "current": current, "sections": sections, "errors": errors,
    }, title=_("Company details"), status=400 if errors else 200)


@member_page
def api_tokens(request):
    """My API tokens: the secret of a new one is shown on this answer only."""
    new = {"name": "", "expiresAt": ""}
    errors: dict[str, list[str]] = {}
    created = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            payload = gql.run(request, "ApiTokenRevoke", {"id": request.POST.get("id", "")})["apiTokenRevoke"]
            if not gql.failed(payload):
                return saved(request)
            errors = gql.form_errors(payload)
        else:
            new = {"name": request.POST.get("name", "").strip(), "expiresAt": request.POST.get("expiresAt", "")}
            payload = gql.run(request, "ApiTokenCreate", {"name": new["name"], "expiresAt": _end_of(new["expiresAt"])})
            payload = payload["apiTokenCreate"]
            if gql.failed(payload):
                errors = gql.form_errors(payload)
            else:
                created, new = payload, {"name": "", "expiresAt": ""}
    return render_page(request, "web/app/settings/api_tokens.html", {
        "tokens": gql.run(request, "ApiTokens")["apiTokens"], "new": new, "errors": errors, "created": created,
    }, title=_("API tokens"), status=400 if errors else 200)


def _end_of(day: str) -> str | None:
    """A date typed in the form as the API's DateTime: the token works until that day's end, in my time zone."""
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(date, dt.time.max)).isoformat()




@admin_page
def lead_conversion(request):
    """Which lead field fills which field of the account, contact and deal a conversion makes."""
    errors: dict[str, list[str]] = {}
    new = {"target": "", "leadField": ""}
    if request.method == "POST":
        target, _sep, target_field = request.POST.get("target", "").partition(":")
        lead_field = request.POST.get("leadField") or None
        new = {"target": request.POST.get("target", ""), "leadField": lead_field or ""}
        payload = gql.run(request, "LeadConversionRuleSet", {"target": target, "targetField": target_field,
                                                             "leadField": lead_field})["leadConversionRuleSet"]
        if not gql.failed(payload):
            return saved(request)
        errors = gql.form_errors(payload)
    data = gql.run(request, "LeadConversion")
    fields = data["leadConversionFields"]
    # What a conversion makes (the fields besides the lead's), named as their record types are.
    by_type = meta.catalog(request).by_graphql_type
    labels = {key: by_type[key[:1].upper() + key[1:]]["label"] for key in fields if key not in ("lead", "__typename")}
    rules = [{**rule, "targetLabel": labels.get(rule["target"], rule["target"])}
             for rule in data["leadConversionRules"]]
    return render_page(request, "web/app/settings/lead_conversion.html", {
        "rules": rules, "lead_fields": fields["lead"], "errors": errors, "new": new,
        "targets": [{"key": key, "label": label, "fields": fields[key]} for key, label in labels.items()],
    }, title=_("Lead conversion"), status=400 if errors else 200)
