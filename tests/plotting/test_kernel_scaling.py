"""The QNTK-scaling figure (tnbp.plotting.kernel_scaling) with and without the meta-kernel.

The figure is caught at ``_save`` (still open) and its artists read: a table
from ``qntk_ensemble(..., meta=False)`` has no meta-kernel column values, and
its sixth panel says so instead of showing empty axes.
"""

import pytest

import tnbp
from tnbp.plotting import kernel_scaling

OBS = [(1.0, "Z", (0,))]


@pytest.fixture
def caught(catch_figures):
    """Figures handed to ``kernel_scaling._save``, still open (tests/plotting/conftest.py)."""
    return catch_figures(kernel_scaling)


@pytest.mark.parametrize("meta", [False, True])
def test_meta_kernel_panel_drawn_or_explained(caught, meta):
    sizes = [(2, 2), (2, 4), (3, 4)]
    table = tnbp.qntk_ensemble(
        tnbp.ansatz.design_rotations,
        sizes,
        observable=OBS,
        samples=4,
        meta=meta,
        seed=0,
        executor="serial",
    )
    summary = tnbp.qntk_summary(table, OBS)
    kernel_scaling.plot_qntk_scaling(summary, "unused.png", n=2, layers=4)
    mu = caught[0].axes[5]
    assert mu.get_title().startswith("meta-kernel spread")
    notes = [t.get_text() for t in mu.texts]
    if meta:  # the rms of mu with bars, on log axes with a tick at each L
        assert mu.axison and mu.has_data() and not notes
        assert [int(t) for t in mu.get_xticks()] == [2, 4]
    else:  # no empty axes: the panel says what is missing and how to get it
        assert not mu.axison and not mu.has_data()
        assert notes == [
            "no meta-kernel in this table\n(qntk_ensemble(..., meta=True))"
        ]
