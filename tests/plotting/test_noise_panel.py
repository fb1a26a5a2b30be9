"""noise_statistic_panel: dots, hollow dots outside the band, theory line, band, log axes."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from tnbp.plotting.figures import noise_statistic_panel  # noqa: E402


def test_panel_draws_points_theory_band_and_marks_points_outside():
    x = np.array([1e-3, 1e-4, 1e-2])  # unsorted: drawn in order of x
    theory = 3.0 * x
    low, high = 0.7 * theory, 1.3 * theory
    measured = np.array([1.1, 1.0, 2.0]) * theory  # the last is outside
    fig, ax = plt.subplots()
    try:
        noise_statistic_panel(
            ax,
            x,
            measured,
            theory,
            low,
            high,
            measured_label="measured",
            theory_label="eq. 69",
            band_label="90% band",
            extra=[(x, 2 * x, "late time")],
        )
        lines = {line.get_label(): line for line in ax.get_lines()}
        np.testing.assert_allclose(lines["eq. 69"].get_xdata(), np.sort(x))
        np.testing.assert_allclose(lines["eq. 69"].get_ydata(), 3 * np.sort(x))
        assert lines["late time"].get_linestyle() == "--"
        inside, outside = lines["measured"], lines["outside the band"]
        np.testing.assert_allclose(inside.get_xdata(), [1e-4, 1e-3])
        np.testing.assert_allclose(outside.get_xdata(), [1e-2])
        assert outside.get_markerfacecolor() == "none"
        (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert band.get_label() == "90% band"
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert set(texts) == {
            "90% band",
            "eq. 69",
            "late time",
            "measured",
            "outside the band",
        }
    finally:
        plt.close(fig)


def test_panel_without_points_outside_has_no_hollow_entry():
    x = np.array([1.0, 2.0])
    fig, ax = plt.subplots()
    try:
        noise_statistic_panel(
            ax,
            x,
            x,
            x,
            0.5 * x,
            2 * x,
            measured_label="m",
            theory_label="t",
            band_label="b",
        )
        assert "outside the band" not in [line.get_label() for line in ax.get_lines()]
    finally:
        plt.close(fig)


def test_panel_rings_flagged_points_in_order_of_x():
    x = np.array([1e-3, 1e-4, 1e-2])
    theory = 3.0 * x
    fig, ax = plt.subplots()
    try:
        noise_statistic_panel(
            ax,
            x,
            theory,
            theory,
            0.7 * theory,
            1.3 * theory,
            measured_label="measured",
            theory_label="eq. 31",
            band_label="band",
            flagged=[False, True, False],  # the point at x = 1e-4
            flagged_label="K not frozen",
        )
        ring = {line.get_label(): line for line in ax.get_lines()}["K not frozen"]
        np.testing.assert_allclose(ring.get_xdata(), [1e-4])
        np.testing.assert_allclose(ring.get_ydata(), [3e-4])
        assert ring.get_marker() == "s" and ring.get_markerfacecolor() == "none"
    finally:
        plt.close(fig)
