"""Gradients of costs with respect to circuit parameters, and their exact ensemble moments."""

from .api import gradient, gradient_batch
from .moments import GradientMoments, exact_gradient_variance

__all__ = [
    "GradientMoments",
    "exact_gradient_variance",
    "gradient",
    "gradient_batch",
]
