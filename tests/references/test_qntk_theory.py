"""The QNTK theory functions (eqs. 22, 23/49, 51 of arXiv:2206.09313) and their conventions."""

import numpy as np
import pytest

from tnbp import theory
from tnbp.models.operators import pauli_sum


def test_observable_traces_match_dense_matrices():
    x = np.array([[0, 1], [1, 0]])
    z = np.diag([1.0, -1.0])
    eye = np.eye(2)
    obs = [(1.0, "Z", (0,)), (0.5, "XX", (1, 2)), (-0.3, "Z", (2,))]
    dense = (
        np.kron(np.kron(z, eye), eye)
        + 0.5 * np.kron(np.kron(eye, x), x)
        - 0.3 * np.kron(np.kron(eye, eye), z)
        + 0.7 * np.eye(8)
    )
    traces = theory.observable_traces(pauli_sum(obs, constant=0.7), 3)
    ref = [np.trace(np.linalg.matrix_power(dense, k)) for k in (1, 2, 4)]
    assert traces == pytest.approx(ref, rel=1e-13)  # exact sums, rounding only


def test_eq22_exact_and_large_n():
    # a Pauli on n qubits: Tr O = 0, Tr O^2 = N
    for n in (1, 2, 5, 12):
        dim = 2.0**n
        exact = theory.qntk_mean(10, n, dim, convention="paper")
        assert exact == pytest.approx(10 * dim * dim * 2 / ((dim + 1) * (dim**2 - 1)))
        large = theory.qntk_mean(10, n, dim, large_n=True, convention="paper")
        assert large == pytest.approx(20 / dim)
        # the two agree to O(1/N)
        assert exact / large == pytest.approx(1.0, abs=2 / dim)
    # Tr O lowers the mean: O = identity has zero gradients
    assert theory.qntk_mean(10, 3, 8.0, tr_o=8.0) == pytest.approx(0.0, abs=1e-15)


def test_conventions():
    assert theory.qntk_mean(8, 2, 4.0) == pytest.approx(  # tnbp's, the default
        theory.qntk_mean(8, 2, 4.0, convention="paper") / 4
    )
    assert theory.qntk_std(8, 2, 4.0, 4.0) == pytest.approx(
        theory.qntk_std(8, 2, 4.0, 4.0, convention="paper") / 4
    )
    assert theory.meta_kernel_std(8, 2, 4.0) == pytest.approx(
        theory.meta_kernel_std(8, 2, 4.0, convention="paper") / 16
    )
    assert theory.to_paper_convention(1.5, "qntk") == 6.0
    assert theory.to_paper_convention(1.5, "meta_kernel") == 24.0
    # eq. 23 / 49 and eq. 51 at N = 4, Pauli O (Tr O^2 = Tr O^4 = 4), L = 9
    assert theory.qntk_std(9, 2, 4.0, 4.0, convention="paper") == pytest.approx(
        3 / 16 * np.sqrt(176)
    )
    assert theory.meta_kernel_std(9, 2, 4.0, convention="paper") == pytest.approx(
        np.sqrt(32) * 9 / 64 * 8
    )


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="`convention`"):
        theory.qntk_mean(4, 2, 4.0, convention="physics")
    with pytest.raises(ValueError, match="`tr_o2`"):
        theory.qntk_mean(4, 2, -1.0)
    with pytest.raises(ValueError, match="`tr_o4`"):
        theory.qntk_std(4, 2, 1.0, float("nan"))
    with pytest.raises(ValueError, match="`num_parameters`"):
        theory.meta_kernel_std(0, 2, 4.0)
    with pytest.raises(ValueError, match="`kind`"):
        theory.to_paper_convention(1.0, "K")
    with pytest.raises(ValueError, match="`observable`"):
        theory.observable_traces([(1.0, "Z", (4,))], 2)
