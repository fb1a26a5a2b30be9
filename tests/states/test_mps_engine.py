"""The lean MPS engine against quimb's gate path and the dense statevector.

Both engines make the same truncations, so bonds, bond history, largest bond
and the number of truncations must be identical, and the fidelity estimate,
discarded weight and state equal to rounding: 1e-10 (each of the ~10^2 gates
adds ~1e-15 of rounding to a norm or an amplitude).
"""

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz
from tnbp.states import mps_engine
from tnbp.states.mps import LEAN_MAX_BOND

TOL = 1e-10  # rounding of ~10^2 gates, see the module docstring


def scattered(n, gates, seed):
    """Random two-qubit gates on random (mostly non-adjacent, either order) pairs,
    with one-qubit rotations in between and a qubit (n - 1) without two-qubit gates."""
    rng = np.random.default_rng(seed)
    c = tnbp.Circuit(n)
    c.ry(0.3, n - 1)
    for _ in range(gates):
        i, j = (int(q) for q in rng.choice(n - 1, 2, replace=False))
        c.rx(float(rng.normal()), i)
        c.apply(unitary_group.rvs(4, random_state=rng), i, j)
        c.rz(float(rng.normal()), j)
    c.h(n - 1)
    return c


CIRCUITS = {
    "haar": lambda: ansatz.haar_brickwork(9, 6, seed=1),
    "hea": lambda: ansatz.hardware_efficient(8, 4, seed=2),
    "scattered": lambda: scattered(8, 25, seed=3),
    **{name: (lambda b=b: b(8, 4)) for name, b in ANSATZ_BUILDERS.items()},
}
#: (max_bond, cutoff): exact (SVD), exact (QR path), truncating by cap, by cutoff
TRUNCATIONS = [(None, 1e-12), (None, 0.0), (3, 0.0), (4, 1e-12), (8, 1e-4)]


def dense_vector(st):
    """The normalized state of an MPSState as a vector."""
    return np.asarray(st.to_quimb().to_dense()).ravel()


def assert_same_run(lean, ref):
    """Identical bonds and counts; fidelity, weights and state equal to TOL."""
    a, b = lean.record, ref.record
    assert a.bond_dims == b.bond_dims
    assert np.array_equal(a.history, b.history)
    assert a.max_bond_reached == b.max_bond_reached
    assert a.num_truncations == b.num_truncations
    assert (a.max_bond, a.cutoff) == (b.max_bond, b.cutoff)
    assert abs(a.fidelity_estimate - b.fidelity_estimate) < TOL
    assert abs(a.discarded_weight - b.discarded_weight) < TOL
    assert abs(a.distance_bound - b.distance_bound) < 1e-6  # sqrt of rounding
    overlap = abs(np.vdot(dense_vector(ref), dense_vector(lean)))
    assert abs(overlap - 1) < TOL


@pytest.mark.parametrize("name", CIRCUITS)
@pytest.mark.parametrize(("max_bond", "cutoff"), TRUNCATIONS)
def test_lean_equals_quimb_path(name, max_bond, cutoff):
    circ = CIRCUITS[name]()
    opts = dict(max_bond=max_bond, cutoff=cutoff)
    with np.errstate(all="raise"):
        lean = tnbp.simulate(circ, engine="lean", **opts)
    ref = tnbp.simulate(circ, engine="quimb", **opts)
    assert_same_run(lean, ref)
    if max_bond is None:  # exact: the dense statevector too
        psi = np.asarray(tnbp.simulate(circ, backend="dense").statevector).ravel()
        assert abs(abs(np.vdot(psi, dense_vector(lean))) - 1) < TOL
        assert lean.fidelity_estimate == pytest.approx(1, abs=TOL)


def test_truncating_runs_really_truncate():
    """The comparisons above include runs that lose weight (not only exact ones)."""
    st = tnbp.simulate(CIRCUITS["scattered"](), engine="lean", max_bond=3)
    assert st.record.num_truncations > 5 and st.fidelity_estimate < 0.9


def test_auto_takes_the_lean_engine(monkeypatch):
    """``engine="auto"`` runs the lean engine (a plan is compiled)."""
    compiled = []
    real = mps_engine.compile_plan
    monkeypatch.setattr(
        "tnbp.states.mps.compile_plan", lambda c: compiled.append(c) or real(c)
    )
    circ = CIRCUITS["haar"]()
    tnbp.simulate(circ, max_bond=4)
    assert len(compiled) == (1 if LEAN_MAX_BOND is None or LEAN_MAX_BOND >= 4 else 0)
    tnbp.simulate(circ, max_bond=4, engine="quimb")
    assert len(compiled) <= 1


def test_entropies_from_the_handed_over_centre():
    """The canonical sweep starting at the run's centre gives the same entropies."""
    circ = CIRCUITS["hea"]()
    lean = tnbp.simulate(circ, engine="lean")
    ref = tnbp.simulate(circ, engine="quimb")
    assert_allclose(tnbp.entropy_profile(lean), tnbp.entropy_profile(ref), atol=TOL)


def test_bad_engine():
    circ = CIRCUITS["haar"]()
    with pytest.raises(ValueError, match="`engine`"):
        tnbp.simulate(circ, engine="fast")


def test_plan_fuses_one_qubit_gates():
    """Every one-qubit gate is folded into a two-qubit gate or the initial state."""
    circ = CIRCUITS["scattered"]()
    plan = mps_engine.compile_plan([circ])
    two = sum(len(g.qubits) == 2 for g in circ.gates)
    assert plan.matrices.shape == (1, two, 4, 4)
    assert plan.num_gates == two
    # qubit n - 1 (no two-qubit gate) gets H RY(0.3) on its initial state
    n = circ.n
    expected = circ.gates[-1].to_matrix() @ circ.gates[0].to_matrix()
    assert_allclose(plan.initial_ops[0, n - 1], expected, atol=1e-15)
