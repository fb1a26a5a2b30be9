"""Figures for studies (matplotlib, non-interactive backend)."""

from .figures import (
    noise_statistic_panel,
    plot_dqnn_toy_variances,
    plot_entanglement_vs_depth,
    plot_gradient_variance,
    plot_qbm_hidden_units,
)
from .kernel_scaling import plot_qntk_scaling
from .qbm_profile import plot_qbm_gradient_profile

__all__ = [
    "noise_statistic_panel",
    "plot_dqnn_toy_variances",
    "plot_entanglement_vs_depth",
    "plot_gradient_variance",
    "plot_qbm_gradient_profile",
    "plot_qbm_hidden_units",
    "plot_qntk_scaling",
]
