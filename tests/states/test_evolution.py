"""Real-time evolution by the Chebyshev series, against exact exponentials."""

import numpy as np
import pytest
import scipy.linalg as sla
from numpy.testing import assert_allclose

import tnbp
from tnbp.limits import CHEBYSHEV_TOL, LANCZOS_STEPS
from tnbp.models import hamiltonian
from tnbp.states import evolution
from tnbp.states.evolution import chebyshev_terms, evolve, spectral_interval

#: |psi - exact| per amplitude: the series' tail is below CHEBYSHEV_TOL = 1e-13,
#: and the ~100 matrix-vector products add rounding of ~1e-14 each
ATOL = 1e-11


def _exact(H, t, initial):
    psi = np.zeros(H.shape[0], complex)
    psi[int(initial, 2)] = 1
    return sla.expm(-1j * t * H) @ psi


@pytest.mark.parametrize("n", [1, 3, 6, 7])  # 7: D = 128 > LANCZOS_STEPS (Lanczos)
@pytest.mark.parametrize("t", [0.0, 0.3, -2.5, 10.0, 40.0])
def test_gue_evolution_matches_expm(n, t):
    H = tnbp.gue_matrix(n, seed=n)
    initial = format(5 % 2**n, f"0{n}b")
    st = evolve(H, t, initial=initial)
    assert isinstance(st, tnbp.DenseState) and st.n == n and st.trusted
    assert_allclose(st.statevector, _exact(H, t, initial), rtol=0, atol=ATOL)


def test_pauli_sum_and_real_matrices():
    """A structured H (symmetries: a start vector in one sector would miss states)."""
    H = hamiltonian.heisenberg_chain(7, J=1.0, h=0.4)
    st = evolve(H, 3.0, initial="0101010")
    assert_allclose(
        st.statevector, _exact(H.to_dense(), 3.0, "0101010"), rtol=0, atol=ATOL
    )
    real = hamiltonian.tfim_chain(6, g=0.7).to_dense().real  # a float matrix
    assert_allclose(
        evolve(real, 1.5).statevector, _exact(real, 1.5, "0" * 6), rtol=0, atol=ATOL
    )


def test_spin_precession_closed_form():
    """exp(-i X t)|0> = cos t |0> - i sin t |1>."""
    H = tnbp.PauliSum(1).add(1.0, "X", (0,))
    for t in (0.1, 1.0, 17.3):
        expected = [np.cos(t), -1j * np.sin(t)]
        assert_allclose(evolve(H, t).statevector, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("seed", range(3))
def test_spectral_interval_holds_the_spectrum(seed):
    """Dense extremes up to LANCZOS_STEPS; Lanczos plus residuals above."""
    for H in (
        tnbp.gue_matrix(8, seed=seed),
        hamiltonian.random_two_local(7, seed=seed).to_dense(),
        hamiltonian.tfim_chain(8, g=1.0).to_dense(),
        np.diag(np.linspace(-3.0, 5.0, 256)),  # evenly spread: slow Ritz convergence
    ):
        assert H.shape[0] > LANCZOS_STEPS
        w = np.linalg.eigvalsh(H)
        low, high = spectral_interval(H)
        assert low <= w[0] and w[-1] <= high
        # and not much wider: 1 % margin on each side plus residuals
        assert high - low < 1.2 * (w[-1] - w[0])


def test_chebyshev_terms_stop_when_the_tail_is_below_tolerance():
    from scipy.special import jv

    for x in (0.0, 0.5, 20.0, 300.0):
        c = chebyshev_terms(x)
        assert c.size > x
        k = np.arange(c.size, c.size + 200)
        assert 2 * np.abs(jv(k, x)).sum() < CHEBYSHEV_TOL
        assert_allclose(c[0], jv(0, x), rtol=1e-15)
        assert_allclose(c[1:], 2 * jv(np.arange(1, c.size), x), rtol=1e-15)


def test_an_interval_that_misses_an_eigenvalue_is_caught(monkeypatch):
    H = tnbp.gue_matrix(4, seed=0)
    monkeypatch.setattr(evolution, "spectral_interval", lambda H: (-0.5, 0.5))
    with pytest.raises(RuntimeError, match="missed an eigenvalue"):
        evolve(H, 10.0)


def test_bad_input_is_refused():
    H = tnbp.gue_matrix(2, seed=0)
    with pytest.raises(TypeError, match="`hamiltonian`"):
        evolve([[1, 0], [0, 1]], 1.0)
    with pytest.raises(ValueError, match="2\\^n x 2\\^n"):
        evolve(np.eye(3), 1.0)
    with pytest.raises(ValueError, match="2\\^n x 2\\^n"):
        evolve(np.eye(4)[:, :2], 1.0)
    with pytest.raises(ValueError, match="Hermitian"):
        evolve(np.triu(np.ones((4, 4))), 1.0)
    with pytest.raises(ValueError, match="finite"):
        evolve(np.full((2, 2), np.nan), 1.0)
    with pytest.raises(ValueError, match="`time`"):
        evolve(H, np.inf)
    with pytest.raises(TypeError, match="`time`"):
        evolve(H, 1j)
    # a|t| products with H: 1e300 asked numpy for 1e300 Bessel values
    with pytest.raises(ValueError, match=r"`time` = 1e\+300: .* at most 1e\+06\."):
        evolve(H, 1e300)
    with pytest.raises(ValueError, match="`initial`"):
        evolve(H, 1.0, initial="010")
