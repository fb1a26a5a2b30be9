"""Entropies, purity and mutual information against the formulas of their docstrings.

The references build reduced density matrices from the statevector with numpy
and diagonalize them; they share no code with tnbp's spectrum routing.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz
from tnbp.estimators.estimate import clip_error

N = 6
#: eigenvalues of 8 x 8 reduced states agree to ~1e-15; entropies of
#: eigenvalues ~1e-2 (a 3-qubit block of a 6-qubit Haar-like state) to ~1e-13
ATOL = 1e-10
SETS = [(0,), (0, 2, 5), (1, 2), (3, 4, 5), (0, 1, 2, 3)]


@pytest.fixture(scope="module")
def states():
    circ = ansatz.haar_brickwork(N, 4, seed=11)
    dense = tnbp.simulate(circ, backend="dense")
    return dense.statevector, {"dense": dense, "mps": tnbp.simulate(circ)}


def _rho(psi, qubits):
    """Tr over the complement of ``qubits`` (kept in the listed order)."""
    rest = [q for q in range(N) if q not in qubits]
    m = np.transpose(psi.reshape((2,) * N), [*qubits, *rest])
    m = m.reshape(2 ** len(qubits), -1)
    return m @ m.conj().T


def _renyi(rho, alpha):
    """S_alpha = log2(Tr rho^alpha) / (1 - alpha); S_1 = -Tr rho log2 rho (bits)."""
    p = np.clip(np.linalg.eigvalsh(rho), 0, None)
    p = p[p > 1e-14]
    if alpha == 1:
        return float(-np.sum(p * np.log2(p)))
    if alpha == 0:
        return float(np.log2(p.size))
    if np.isinf(alpha):
        return float(-np.log2(p.max()))
    return float(np.log2(np.sum(p**alpha)) / (1 - alpha))


@pytest.mark.parametrize("alpha", [0, 0.5, 1, 2, 3, np.inf])
@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_renyi_entropies_follow_their_definition(states, backend, alpha):
    psi, sts = states
    st = sts[backend]
    for qubits in SETS:
        expected = _renyi(_rho(psi, qubits), alpha)
        assert_allclose(tnbp.subsystem_entropy(st, qubits, alpha), expected, atol=ATOL)
        assert 0 <= expected <= len(qubits) + ATOL
    profile = tnbp.entropy_profile(st, alpha)
    assert profile.shape == (N - 1,) and profile.dtype == np.float64
    for cut in range(1, N):
        expected = _renyi(_rho(psi, tuple(range(cut))), alpha)
        assert_allclose(tnbp.entropy(st, cut, alpha), expected, atol=ATOL)
        assert_allclose(profile[cut - 1], expected, atol=ATOL)  # element k: cut k + 1


@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_purity_and_mutual_information_follow_their_definition(states, backend):
    psi, sts = states
    st = sts[backend]
    for qubits in SETS:
        rho = _rho(psi, qubits)
        assert_allclose(
            tnbp.purity(st, qubits), np.trace(rho @ rho).real, atol=ATOL, rtol=0
        )
    for a, b in [((0,), (1,)), ((0, 2), (5,)), ((1,), (3, 4, 5))]:
        for alpha in (1, 2):
            expected = (
                _renyi(_rho(psi, a), alpha)
                + _renyi(_rho(psi, b), alpha)
                - _renyi(_rho(psi, a + b), alpha)
            )
            mi = tnbp.mutual_information(st, a, b, alpha)
            assert_allclose(mi, expected, atol=ATOL)


def _h2(t):
    return -t * np.log2(t) - (1 - t) * np.log2(1 - t)


def test_truncation_errors_follow_their_formulas():
    """Fannes-Audenaert for S_1, log2(P / (P - 4T)) for S_2, 4T for purity.

    T = 0.041 here: the von Neumann bounds are below the trivial ones; the
    Renyi-2 bound is capped at ``k`` bits where the purity is below 4T. Every
    bound is then clipped to the physical range (clip_error; a no-op here).
    """
    st = tnbp.simulate(ansatz.haar_brickwork(10, 6, seed=0), max_bond=12)
    T = st.truncation_distance
    assert 0.02 < T < 0.1
    uncapped = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        for cut in (1, 3, 5):
            k = min(cut, 10 - cut)  # pure state: the smaller side
            fannes = T * np.log2(2.0**k - 1) + _h2(T)
            e = tnbp.entropy(st, cut)
            assert e.truncation_error == pytest.approx(
                clip_error(min(k, fannes), e, 0.0, k), rel=1e-12
            )
            P = float(tnbp.purity(st, range(cut)))
            renyi2 = k if P <= 4 * T else min(k, np.log2(P / (P - 4 * T)))
            uncapped += renyi2 < k
            e2 = tnbp.entropy(st, cut, alpha=2)
            assert e2.truncation_error == pytest.approx(
                clip_error(renyi2, e2, 0.0, k), rel=1e-12
            )
            e3 = tnbp.entropy(st, cut, alpha=3)  # no continuity bound: the range
            assert e3.truncation_error == pytest.approx(max(e3, k - e3), rel=1e-12)
        profile = tnbp.entropy_profile(st)
        cuts = [tnbp.entropy(st, c).truncation_error for c in range(1, 10)]
        assert uncapped  # the Renyi-2 formula itself was checked, not only its cap
        assert profile.truncation_error == max(cuts)
        assert tnbp.purity(st, (2, 7)).truncation_error == pytest.approx(4 * T)
        a, b = (0, 1), (7,)
        mi = tnbp.mutual_information(st, a, b)
        parts = [tnbp.subsystem_entropy(st, q).truncation_error for q in (a, b, a + b)]
        assert mi.truncation_error == pytest.approx(sum(parts), rel=1e-12)
