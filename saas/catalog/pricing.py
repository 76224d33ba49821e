"""Price lists and pricing strategies: which price an account pays for an item, and why."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from saas.catalog import error_codes
from saas.catalog.models import Item, PriceList, PriceRule, PriceRuleKind, Product, ProductFamily

SCOPE_RANK = {"item": 2, "family": 1, "all": 0}
CENT = Decimal("0.0001")


@dataclass(frozen=True)
class PriceExplanation:
    unit_price: Decimal
    base_price: Decimal
    rule: PriceRule | None
    price_list: PriceList | None
    explanation: str


def price_list_create(*, actor, name: str, is_default: bool = False) -> PriceList:
    """A new price list; making it the default takes the flag from the previous default."""
    name = (name or "").strip()
    if not name or PriceList.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": ValidationError(_("Give the list a name not used yet."),
                                                       code=error_codes.PRICE_LIST_NAME)})
    if is_default:
        PriceList.objects.filter(is_default=True).update(is_default=False)
    return PriceList.objects.create(name=name, is_default=is_default)


def price_list_assign(*, actor, price_list: PriceList, accounts: list) -> PriceList:
    """The accounts that pay this list's prices (an account may follow several lists)."""
    price_list.accounts.add(*accounts)
    return price_list


def price_rule_add(*, actor, price_list: PriceList, kind: str, value: Decimal, item: Item | None = None,
                   family: ProductFamily | None = None, min_quantity: Decimal = Decimal("1"),
                   valid_from: dt.date | None = None, valid_to: dt.date | None = None, priority: int = 0) -> PriceRule:
    """Add a rule; two rules for the same target, quantity and priority whose dates overlap are refused."""
    errors = {}
    if kind not in PriceRuleKind.values:
        errors["kind"] = ValidationError(_("Unknown rule kind."), code=error_codes.RULE_TARGET)
    if value is None or value < 0:
        errors["value"] = ValidationError(_("A rule's value cannot be negative."), code=error_codes.NEGATIVE_VALUE)
    if kind == PriceRuleKind.DISCOUNT and value is not None and value > 100:
        errors["value"] = ValidationError(_("A discount is at most 100 %."), code=error_codes.NEGATIVE_VALUE)
    if min_quantity is None or min_quantity <= 0:
        errors["minQuantity"] = ValidationError(_("A quantity is positive."), code=error_codes.QUANTITY)
    if item is not None and family is not None:
        errors["familyId"] = ValidationError(_("A rule targets an item or a family, not both."),
                                             code=error_codes.RULE_TARGET)
    if valid_from and valid_to and valid_to < valid_from:
        errors["validTo"] = ValidationError(_("The end is before the start."), code=error_codes.RULE_DATES)
    rule = PriceRule(price_list=price_list, kind=kind, value=value, family=family, min_quantity=min_quantity,
                     valid_from=valid_from, valid_to=valid_to, priority=priority,
                     product=item if isinstance(item, Product) else None,
                     service=item if item is not None and not isinstance(item, Product) else None)
    if not errors and _conflicting(rule).exists():
        errors["priority"] = ValidationError(
            _("Another rule of this list already prices this target at this quantity and priority on these dates."),
            code=error_codes.RULE_CONFLICT)
    if errors:
        raise ValidationError(errors)
    rule.full_clean()
    rule.save()
    return rule


def _conflicting(rule: PriceRule):
    overlap = Q()
    if rule.valid_to:
        overlap &= Q(valid_from__isnull=True) | Q(valid_from__lte=rule.valid_to)
    if rule.valid_from:
        overlap &= Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from)
    return PriceRule.objects.filter(overlap, price_list=rule.price_list, product=rule.product, service=rule.service,
                                    family=rule.family, min_quantity=rule.min_quantity, priority=rule.priority)


def price_for(*, actor, item: Item, account=None, quantity: Decimal = Decimal("1"),
              date: dt.date | None = None) -> PriceExplanation:
    """The unit price excl. VAT the account pays for `quantity` of `item` on `date`, and the rule behind it.

    Lists: the account's active lists, then the default list. Within them, the most specific rule wins
    (item, then its family or an ancestor family, then all items), then the largest quantity break
    reached, then the highest priority, then an account's list over the default one.
    """
    date = date or dt.date.today()
    base = item.sale_price
    lists = list(PriceList.objects.filter(Q(accounts=account) if account is not None else Q(pk__in=[]),
                                          active=True).distinct())
    default = PriceList.objects.filter(is_default=True, active=True).first()
    if default is not None and default not in lists:
        lists.append(default)
    if not lists:
        return PriceExplanation(base, base, None, None, _("Catalog price."))
    families = _family_chain(item.family)
    target = Q(product=item) if isinstance(item, Product) else Q(service=item)
    candidates = PriceRule.objects.filter(
        Q(price_list__in=lists), target | Q(family__in=families) | Q(product=None, service=None, family=None),
        Q(valid_from__isnull=True) | Q(valid_from__lte=date), Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        min_quantity__lte=quantity).select_related("price_list")
    depth = {family.pk: index for index, family in enumerate(families)}

    def rank(rule: PriceRule):
        closeness = -depth.get(rule.family_id, 0)
        return (SCOPE_RANK[rule.scope], closeness, rule.min_quantity, rule.priority, not rule.price_list.is_default)

    for rule in sorted(candidates, key=rank, reverse=True):
        price = _apply(rule, item)
        if price is not None:
            return PriceExplanation(price, base, rule, rule.price_list, _describe(rule))
    return PriceExplanation(base, base, None, None, _("Catalog price: no rule applies."))


def _apply(rule: PriceRule, item: Item) -> Decimal | None:
    if rule.kind == PriceRuleKind.FIXED_PRICE:
        return rule.value.quantize(CENT)
    if rule.kind == PriceRuleKind.DISCOUNT:
        return (item.sale_price * (100 - rule.value) / 100).quantize(CENT, ROUND_HALF_UP)
    if item.purchase_price is None:
        return None  # a markup on cost needs a cost: the next rule applies
    return (item.purchase_price * (100 + rule.value) / 100).quantize(CENT, ROUND_HALF_UP)


def _describe(rule: PriceRule) -> str:
    target = {"item": _("this item"), "family": _("its family"), "all": _("all items")}[rule.scope]
    return _("%(list)s: %(kind)s %(value)s on %(target)s from %(quantity)s units") % {
        "list": rule.price_list.name, "kind": rule.get_kind_display(), "value": rule.value.normalize(),
        "target": target, "quantity": rule.min_quantity.normalize()}


def _family_chain(family: ProductFamily | None) -> list[ProductFamily]:
    chain = []
    while family is not None and family not in chain:
        chain.append(family)
        family = family.parent
    return chain
