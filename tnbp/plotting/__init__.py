"""Figures for studies (matplotlib, non-interactive backend)."""

from .figures import (
    noise_statistic_panel,
    plot_dqnn_toy_variances,
    plot_entanglement_vs_depth,
    plot_gradient_variance,
    plot_qbm_hidden_units,
)
from .kernel_scaling import plot_qntk_scaling
from .visible_states import plot_fidelity_gradient, plot_visible_distance

__all__ = [
    "noise_statistic_panel",
    "plot_dqnn_toy_variances",
    "plot_entanglement_vs_depth",
    "plot_fidelity_gradient",
    "plot_gradient_variance",
    "plot_qbm_hidden_units",
    "plot_qntk_scaling",
    "plot_visible_distance",
]
