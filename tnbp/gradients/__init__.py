"""Gradients of costs with respect to circuit parameters, and their exact ensemble moments."""

from .api import gradient, gradient_batch, gradient_with_diagnostics
from .diagnostics import GradientDiagnostics
from .dqnn import dqnn_cost, dqnn_gradient
from .dqnn_matrix import dqnn_matrix_cost, dqnn_matrix_derivative
from .moments import GradientMoments, exact_gradient_variance

__all__ = [
    "dqnn_gradient",
    "dqnn_cost",
    "dqnn_matrix_cost",
    "dqnn_matrix_derivative",
    "GradientDiagnostics",
    "GradientMoments",
    "exact_gradient_variance",
    "gradient",
    "gradient_batch",
    "gradient_with_diagnostics",
]
