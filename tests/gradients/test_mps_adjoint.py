"""The MPS adjoint sweep: exact where nothing truncates, flagged where it does."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, observables
from tnbp.gradients.mps_adjoint import _operators
from tnbp.models.operators import as_observable

#: untruncated MPS: the sweep is exact up to rounding (~1e-15 seen); 1e-10
#: leaves room for the rounding of a few hundred gates and environments
EXACT = 1e-10


def _mps_adjoint(circ, obs, **opts):
    return tnbp.gradient_with_diagnostics(
        circ, obs, method="adjoint", backend="mps", **opts
    )


@pytest.mark.parametrize(
    ("circ", "obs"),
    [
        # brick layers: every site changes in every moment
        (
            ansatz.hardware_efficient(7, 4, pattern="brick", seed=1),
            [(1.0, "Z", (0,)), (0.5, "XY", (0, 1))],
        ),
        # staircase of one-gate moments: environments are reused between moments
        (
            ansatz.unitary_qnn(6, nearest_neighbour=True, layers=2, seed=3),
            [(1.0, "Z", (0,)), (0.7, "YX", (0, 1)), (0.1, "Y", (1,))],
        ),
        # non-adjacent gates (swapped together by quimb) and a three-qubit term
        (
            ansatz.unitary_qnn(5, seed=4),
            [(1.0, "ZZ", (0, 4)), (0.2, "XYZ", (1, 3, 4)), (0.4, "Y", (2,))],
        ),
        # fixed Haar gates between the rotations
        (
            ansatz.hardware_efficient(6, 2, seed=5).compose(
                ansatz.haar_brickwork(6, 2, seed=6)
            ),
            [(1.0, "ZZ", (2, 3))],
        ),
    ],
)
def test_untruncated_sweep_is_exact(circ, obs):
    ref = tnbp.gradient(circ, obs, backend="dense")
    got, diag = _mps_adjoint(circ, obs, sim_opts={"cutoff": 0.0})
    assert np.abs(ref).max() > 1e-2
    assert_allclose(got, ref, rtol=0, atol=EXACT)
    assert diag.trusted and diag.min_fidelity > 1 - 1e-12


def test_fidelity_cost_matches_dense():
    circ = ansatz.hardware_efficient(8, 4, pattern="brick", seed=5)
    cost = observables.fidelity_cost(np.diag([0.5, 0.2, 0.2, 0.1]), [0, 1])
    ref = tnbp.gradient(circ, cost, backend="dense")
    got = tnbp.gradient(circ, cost, method="adjoint", backend="mps")
    assert_allclose(got, ref, rtol=0, atol=EXACT)


def test_beyond_dense_matches_exact_lightcone_contraction():
    """n = 40, brick depth 5: the tn backend is exact and independent of the MPS."""
    circ = ansatz.hardware_efficient(40, 5, pattern="brick", seed=7)
    obs = [(1.0, "ZZ", (0, 1)), (0.3, "X", (1,))]
    ref = tnbp.gradient(circ, obs, backend="tn")
    got, diag = _mps_adjoint(circ, obs, sim_opts={"max_bond": 64})
    assert np.abs(ref).max() > 1e-2
    # depth 5 needs bond 2^3 <= 64: nothing beyond cutoff 1e-12 is discarded,
    # whose amplitude error sqrt(1e-12) ~ 1e-6 bounds the deviation
    assert_allclose(got, ref, rtol=0, atol=1e-6)
    assert diag.trusted


def test_one_backward_run_per_operator_product():
    """psi forward, psi backward and one lambda: terms on <= 2 qubits merge."""
    circ = ansatz.hardware_efficient(5, 2, seed=0)
    obs = [(1.0, "Z", (0,)), (0.5, "XX", (0, 1)), (0.2, "Y", (1,))]
    _, diag = _mps_adjoint(circ, obs)
    assert diag.simulations == 3
    parts = _operators(as_observable(obs, 5))
    assert [[q for _, q in p] for p in parts] == [[(0, 1)]]
    # a one-qubit term on a qubit no pair holds keeps its own matrix, and a
    # three-qubit term is a product of three one-qubit factors
    parts = _operators(as_observable([(1.0, "Z", (3,)), (1.0, "XYZ", (0, 2, 4))], 5))
    assert [[q for _, q in p] for p in parts] == [[(3,)], [(0,), (2,), (4,)]]


def test_observable_annihilating_the_state_gives_zero():
    """lambda = O psi = 0 (a projector the state is orthogonal to) is skipped."""
    circ = tnbp.Circuit(3)
    circ.ry(0.4, 1)
    circ.cz(0, 1)  # qubit 0 stays |0>
    circ.cnot(1, 2)
    one = np.diag([0.0, 1.0])
    obs = tnbp.models.operators.Observable(
        (tnbp.models.operators.Term(1.0, (0,), (one,)),), 0.0, "p1"
    )
    got, diag = _mps_adjoint(circ, obs)
    assert_allclose(got, 0.0, atol=0)
    assert diag.simulations == 2  # forward, and psi backward: no lambda


def test_auto_bond_reuses_the_forward_cap():
    circ = ansatz.hardware_efficient(8, 3, pattern="brick", seed=2)
    obs = [(1.0, "Z", (3,))]
    ref = tnbp.gradient(circ, obs, backend="dense")
    got, _ = _mps_adjoint(circ, obs, sim_opts={"max_bond": "auto"})
    assert_allclose(got, ref, rtol=0, atol=EXACT)


def test_truncated_sweep_is_flagged_and_improves_with_the_bond():
    """A volume-law circuit at a small cap: flagged, and errors shrink with chi."""
    circ = ansatz.hardware_efficient(12, 12, pattern="brick", seed=5)
    cost = observables.fidelity_cost(np.diag([0.5, 0.2, 0.2, 0.1]), [0, 1])
    ref = tnbp.gradient(circ, cost, backend="dense")
    errors = {}
    for chi in (4, 16, 64):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tnbp.TruncationWarning)
            got, diag = _mps_adjoint(circ, cost, sim_opts={"max_bond": chi})
        errors[chi] = np.abs(got - ref).max()
        if chi < 64:  # 2^6 = 64 holds the 12-qubit state
            # the two forward runs (visible state, sweep) are flagged at least
            assert not diag.trusted and diag.untrusted_runs >= 2
            assert diag.min_fidelity < 1 - 1e-6
    assert errors[4] > errors[16] > errors[64]
    assert errors[64] < 1e-6  # cutoff 1e-12 only: amplitudes ~1e-6
    with pytest.warns(tnbp.TruncationWarning, match="raise max_bond"):
        tnbp.gradient(
            circ, cost, method="adjoint", backend="mps", sim_opts={"max_bond": 4}
        )


@pytest.mark.parametrize(
    ("circ", "cost"),
    [
        (ansatz.free_fermion_brickwork(5, 5, seed=11), "local"),
        (ansatz.unitary_qnn(5, seed=11), "global"),
    ],
)
def test_projector_costs_keep_the_truncation_record_exact(circ, cost):
    """Projectors off the orthogonality centre used to break the gauge the record
    reads its norms from: untruncated sweeps reported discarded weights ~1."""
    obs = getattr(observables, f"{cost}_cost")(range(5), "+-01+")
    ref = tnbp.gradient(circ, obs, backend="dense", initial="01011")
    got, diag = _mps_adjoint(circ, obs, initial="01011", sim_opts={"cutoff": 0.0})
    assert_allclose(got, ref, rtol=0, atol=EXACT)
    assert diag.trusted and diag.max_discarded_weight < 1e-12
