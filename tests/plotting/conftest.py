"""Shared fixtures of the plotting tests."""

import matplotlib.pyplot as plt
import pytest


@pytest.fixture
def catch_figures(monkeypatch, tmp_path):
    """``catch(module)``: the figures that module hands to ``_save``, still open.

    The PNG is written as usual; the figures are closed after the test.
    """
    figs = []

    def keep(fig, path):
        figs.append(fig)
        out = tmp_path / "f.png"
        fig.savefig(out)
        return out

    def catch(module):
        monkeypatch.setattr(module, "_save", keep)
        return figs

    yield catch
    for fig in figs:
        plt.close(fig)
