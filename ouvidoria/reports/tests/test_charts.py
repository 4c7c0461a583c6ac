"""The report PDFs' charts: counts tick at whole numbers."""

import matplotlib.pyplot as plt

from ouvidoria.reports.render import bar_chart_figure, bar_chart_svg


def test_a_chart_of_counts_ticks_only_at_whole_numbers():
    # Few cases a month: matplotlib's default ticks would be 0, 0.5, 1, 1.5 …
    fig = bar_chart_figure("Recebidas", ["jan", "fev", "mar"], {"Período": [1, 3, 2]})
    ticks = [t for t in fig.axes[0].get_yticks() if 0 <= t <= 3]
    plt.close(fig)
    assert len(ticks) >= 2
    assert all(float(t).is_integer() for t in ticks), ticks


def test_a_chart_of_rates_keeps_its_fractional_ticks_and_the_svg_is_a_data_uri():
    fig = bar_chart_figure("Taxas", ["jan"], {"No prazo": [0.4]}, counts=False)
    ticks = list(fig.axes[0].get_yticks())
    plt.close(fig)
    assert any(not float(t).is_integer() for t in ticks)
    assert bar_chart_svg("Recebidas", ["jan"], {"Período": [2]}).startswith("data:image/svg+xml;base64,")
