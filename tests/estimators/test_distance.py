"""Trace distance to the maximally mixed state against its definition."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz

N = 6
#: eigenvalues of <= 16 x 16 Hermitian matrices: ~1e-15 absolute
ATOL = 1e-12


def _rho(psi, qubits):
    rest = [q for q in range(N) if q not in qubits]
    m = np.transpose(psi.reshape((2,) * N), [*qubits, *rest])
    m = m.reshape(2 ** len(qubits), -1)
    return m @ m.conj().T


@pytest.mark.parametrize("backend", ["dense", "mps"])
def test_trace_distance_follows_its_definition(backend):
    """1/2 ||rho_A - I / 2^|A| ||_1 from the eigenvalues of the difference."""
    circ = ansatz.hardware_efficient(N, 2, seed=4)
    psi = tnbp.simulate(circ, backend="dense").statevector
    st = tnbp.simulate(circ, backend=backend)
    for qubits in [(0,), (2, 5), (0, 1, 3), (1, 2, 3, 4)]:
        d = 2 ** len(qubits)
        diff = _rho(psi, qubits) - np.eye(d) / d
        expected = 0.5 * np.abs(np.linalg.eigvalsh(diff)).sum()
        value = tnbp.trace_distance_to_maximally_mixed(st, qubits)
        assert_allclose(value, expected, atol=ATOL)
        assert 0 <= value <= 1 - 1 / d + ATOL
        assert value.truncation_error == 0


def test_truncation_error_is_the_state_distance():
    st = tnbp.simulate(ansatz.haar_brickwork(10, 6, seed=0), max_bond=12)
    assert st.truncation_distance > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        value = tnbp.trace_distance_to_maximally_mixed(st, (0, 4))
    assert value.truncation_error == st.truncation_distance


def test_fidelity_error_bound_follows_the_target_rank():
    """A truncated state: T for a pure target, 2 sqrt(T (2 - T)) for a mixed one,
    each clipped to the range [0, 1] around the value (clip_error)."""
    from tnbp.estimators.estimate import clip_error, fidelity_error
    from tnbp.models.observables import fidelity_cost

    circ = ansatz.hardware_efficient(8, 4, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        st = tnbp.simulate(circ, backend="mps", max_bond=4)
        T = st.truncation_distance
        assert T > 0
        pure = fidelity_cost(np.array([1.0, 0.0, 0.0, 0.0]), (0, 1))
        mixed = fidelity_cost(np.diag([0.5, 0.5, 0.0, 0.0]), (0, 1))
        assert (pure.target_rank, mixed.target_rank) == (1, 2)
        f_pure, f_mixed = tnbp.fidelity(st, pure), tnbp.fidelity(st, mixed)
    assert f_pure.truncation_error == pytest.approx(
        clip_error(fidelity_error(T, pure_target=True), f_pure, 0.0, 1.0)
    )
    mixed_bound = fidelity_error(T, pure_target=False)
    assert f_mixed.truncation_error == pytest.approx(
        clip_error(mixed_bound, f_mixed, 0.0, 1.0)
    )
    # T = 0.087: the mixed-target bound 0.82 exceeds max(F, 1 - F) = 0.54
    assert f_mixed.truncation_error == pytest.approx(max(f_mixed, 1 - f_mixed))
    assert f_mixed.truncation_error < mixed_bound
    assert f_mixed.truncation_error > f_pure.truncation_error
