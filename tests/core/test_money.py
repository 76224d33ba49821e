from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from saas.core.money import Allowance, Line, document_totals, line_net, round2, split_incl_vat

D = Decimal


def test_the_running_example_of_domain_md():
    # DOMAIN.md 1.5: 1,350.00 at 20 % and 71.00 at 5.5 % → VAT 270.00 and 3.91 (3.905 half-up), TTC 1,694.91.
    totals = document_totals([Line(D("3"), D("450"), D("20")), Line(D("2"), D("35.50"), D("5.5"))])
    assert totals.bases == {D("20"): D("1350.00"), D("5.5"): D("71.00")}
    assert totals.vat == {D("20"): D("270.00"), D("5.5"): D("3.91")}
    assert (totals.total_excl_vat, totals.total_vat, totals.total_incl_vat) == (D("1421.00"), D("273.91"),
                                                                                 D("1694.91"))


def test_vat_is_computed_per_rate_on_the_total_not_per_line():
    # Seven lines of 0.07 at 20 %: on the base, 0.49 × 20 % = 0.098 → 0.10; rounding each line's VAT
    # (0.014 → 0.01) and adding them up would give 0.07.
    totals = document_totals([Line(D("1"), D("0.07"), D("20"))] * 7)
    assert totals.vat[D("20")] == D("0.10")


def test_line_discount_and_four_decimal_unit_prices():
    assert line_net(Line(D("3"), D("19.9999"), D("20"), D("10"))) == D("54.00")
    assert line_net(Line(D("0.3333"), D("3"), D("20"))) == D("1.00")


def test_document_allowance_reduces_the_base_of_its_rate():
    totals = document_totals([Line(D("1"), D("100"), D("20"))], [Allowance(D("10"), D("20"))])
    assert (totals.bases[D("20")], totals.vat[D("20")], totals.total_incl_vat) == (D("90.00"), D("18.00"),
                                                                                     D("108.00"))


def test_prices_entered_including_vat():
    assert split_incl_vat(D("12.00"), D("20")) == (D("10.00"), D("2.00"))
    assert split_incl_vat(D("9.99"), D("5.5")) == (D("9.47"), D("0.52"))


amounts = st.decimals(min_value=D("0"), max_value=D("99999"), places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("9999"), places=4)
rates = st.sampled_from([D("0"), D("2.1"), D("5.5"), D("10"), D("20")])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(Line, quantities, amounts, rates, st.sampled_from([D("0"), D("5"), D("12.5")])),
                min_size=1, max_size=12))
def test_en16931_consistency_rules_hold(lines):
    totals = document_totals(lines)
    assert totals.lines_total == sum(totals.line_nets)  # BR-CO-10, exact
    assert totals.total_excl_vat == sum(totals.bases.values())  # BR-CO-13
    assert totals.total_vat == sum(totals.vat.values())  # BR-CO-14
    assert totals.total_incl_vat == totals.total_excl_vat + totals.total_vat  # BR-CO-15
    for rate, base in totals.bases.items():
        assert totals.vat[rate] == round2(base * rate / 100)  # BR-CO-17, computed exactly
    assert all(net == net.quantize(D("0.01")) for net in totals.line_nets)
