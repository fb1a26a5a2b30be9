"""Figures for studies (matplotlib, non-interactive backend)."""

from .area_volume import plot_area_volume_law
from .depth_crossover import plot_depth_crossover
from .figures import (
    noise_statistic_panel,
    plot_dqnn_toy_variances,
    plot_entanglement_vs_depth,
    plot_gradient_variance,
)
from .hidden_units import plot_fidelity_hidden_units, plot_qbm_hidden_units
from .kernel_scaling import plot_qntk_scaling
from .qbm_profile import plot_qbm_gradient_profile
from .trace_distances import (
    plot_trace_distance_histograms,
    plot_trace_distance_scaling,
)
from .visible_states import plot_fidelity_gradient, plot_visible_distance

__all__ = [
    "noise_statistic_panel",
    "plot_area_volume_law",
    "plot_depth_crossover",
    "plot_dqnn_toy_variances",
    "plot_entanglement_vs_depth",
    "plot_fidelity_gradient",
    "plot_fidelity_hidden_units",
    "plot_gradient_variance",
    "plot_qbm_gradient_profile",
    "plot_qbm_hidden_units",
    "plot_qntk_scaling",
    "plot_trace_distance_histograms",
    "plot_trace_distance_scaling",
    "plot_visible_distance",
]
