"""The bars of a chart: in proportion to the largest value, every value printed, nothing drawn
or scaled when there is nothing to show."""

from telcobill.portal.usage.charts import bar_chart


def test_bars_in_proportion_with_their_values_and_the_estimate_marked():
    chart = bar_chart("sms", "SMS", "Nombre de SMS", [("oct. 2026", 10, "10", False), ("nov. 2026", 40, "40", True)],
                      lambda top: str(int(top)))

    assert [(bar.label, bar.value, bar.width, bar.estimate) for bar in chart.bars] == [
        ("oct. 2026", "10", 46.5, False), ("nov. 2026", "40", 186.0, True)]
    assert [bar.y for bar in chart.bars] == [31, 57]
    assert (chart.scale, chart.height) == ("40", 26 + 2 * 26 + 40)
    assert chart.description == "oct. 2026 : 10 ; nov. 2026 : 40 *"


def test_nothing_to_show_draws_no_bar_and_no_scale():
    chart = bar_chart("sms", "SMS", "Nombre de SMS", [("oct. 2026", 0, "0", False)], lambda top: str(int(top)))

    assert [bar.width for bar in chart.bars] == [0.0]
    assert chart.scale == ""
