"""The lean MPS engine against quimb's gate path and the dense statevector.

Both engines make the same truncations, so bonds, bond history, largest bond
and the number of truncations must be identical, and the fidelity estimate,
discarded weight and state equal to rounding: 1e-10 (each of the ~10^2 gates
adds ~1e-15 of rounding to a norm or an amplitude).
"""

import warnings

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp import ansatz
from tnbp.states import mps_engine

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


def edge_cases():
    """No two-qubit gate on most qubits, a SWAP over the whole chain, fixed gates."""
    c = tnbp.Circuit(5)
    c.h(2)
    c.cnot(4, 0)
    c.cz(3, 1)
    c.swap(0, 4)
    c.rx(0.4, 2)
    return c


def two_qubits():
    c = tnbp.Circuit(2)
    c.h(0)
    c.cnot(0, 1)
    c.ry(0.2, 1)
    return c


CIRCUITS = {
    "edge_cases": edge_cases,
    "two_qubits": two_qubits,
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


@pytest.mark.parametrize("name", ["edge_cases", "two_qubits", "hea"])
def test_other_initial_states(name):
    circ = CIRCUITS[name]()
    initial = "10" * (circ.n // 2) + "1" * (circ.n % 2)
    lean = tnbp.simulate(circ, initial=initial, engine="lean")
    assert_same_run(lean, tnbp.simulate(circ, initial=initial, engine="quimb"))
    psi = np.asarray(tnbp.simulate(circ, initial=initial, backend="dense").statevector)
    assert abs(abs(np.vdot(psi.ravel(), dense_vector(lean))) - 1) < TOL


def test_only_one_qubit_gates():
    c = tnbp.Circuit(3)
    c.h(0)
    c.rx(0.3, 2)
    batch = tnbp.simulate_batch([c, c], initial="011")
    for st in (tnbp.simulate(c, initial="011", engine="lean"), batch[1]):
        assert st.bond_dims == [1, 1] and st.record.history.shape == (2, 2)
        psi = tnbp.simulate(c, initial="011", backend="dense").statevector
        assert abs(abs(np.vdot(np.ravel(psi), dense_vector(st))) - 1) < TOL
    assert_allclose(batch.entropy_profiles(), 0, atol=1e-12)  # a product state


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
    assert len(compiled) == 1
    tnbp.simulate(circ, max_bond=4, engine="quimb")
    assert len(compiled) == 1  # quimb's path compiles no plan


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


# ------------------------------------------------------------------ batches


def bound_instances(seed, count):
    """One hardware-efficient structure at ``count`` random angle sets."""
    base = ansatz.hardware_efficient(8, 4, seed=seed)
    rng = np.random.default_rng(seed)
    return [
        base.bind(rng.uniform(0, 2 * np.pi, base.num_parameters)) for _ in range(count)
    ]


BATCHES = {
    "haar": lambda: [ansatz.haar_brickwork(9, 6, seed=s) for s in range(5)],
    "hea_bound": lambda: bound_instances(4, 4),
    "scattered": lambda: [scattered(8, 25, seed=3)] * 2 + [scattered(8, 25, seed=3)],
}


@pytest.mark.parametrize("name", BATCHES)
@pytest.mark.parametrize(("max_bond", "cutoff"), TRUNCATIONS)
def test_batch_equals_one_at_a_time(name, max_bond, cutoff):
    """Every instance of a batch is its own run: record, state and Schmidt values."""
    circuits = BATCHES[name]()
    batch = tnbp.simulate_batch(circuits, max_bond=max_bond, cutoff=cutoff)
    assert len(batch) == len(circuits)
    for circ, st in zip(circuits, batch):
        single = tnbp.simulate(circ, max_bond=max_bond, cutoff=cutoff)
        assert_same_run(st, single)
        assert st.bond_dims == [len(s) for s in st.canonical.schmidt]
        for a, b in zip(st.canonical.schmidt, single.canonical.schmidt):
            assert_allclose(a, b, atol=TOL)


@pytest.mark.parametrize(("max_bond", "cutoff"), TRUNCATIONS)
def test_batch_on_threads_equals_one_chunk(max_bond, cutoff):
    """Chunks on worker threads (3 of 2, 2 and 1 instances) give each instance
    the record and state of one chunk, and the same entropy profiles."""
    circuits = [ansatz.haar_brickwork(9, 6, seed=s) for s in range(5)]
    one = tnbp.simulate_batch(circuits, max_bond=max_bond, cutoff=cutoff)
    three = tnbp.simulate_batch(circuits, max_bond=max_bond, cutoff=cutoff, workers=3)
    for a, b in zip(three, one):
        assert_same_run(a, b)
    with warnings.catch_warnings():  # truncating runs warn (caveats), alike
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        assert_allclose(three.entropy_profiles(), one.entropy_profiles(), atol=TOL)
    assert len(tnbp.simulate_batch(circuits[:2], workers=4)) == 2  # workers > batch


def test_batch_with_different_truncations_per_instance():
    """Instances that keep different bonds in one batch (the arrays carry the
    largest): each record and bond list is the instance's own."""
    circuits = [ansatz.haar_brickwork(8, 6, seed=s) for s in range(4)]
    circuits[2] = ansatz.haar_brickwork(8, 6, seed=0)
    # instance 1: identity gates keep the product state (bond 1 everywhere)
    ident = tnbp.Circuit(8)
    for g in circuits[0].gates:
        ident.apply(np.eye(4), *g.qubits)
    circuits[1] = ident
    batch = tnbp.simulate_batch(circuits, max_bond=6, cutoff=1e-3)
    assert batch[1].bond_dims == [1] * 7 and batch[1].fidelity_estimate == 1
    assert max(batch[0].bond_dims) == 6
    for circ, st in zip(circuits, batch):
        assert_same_run(st, tnbp.simulate(circ, max_bond=6, cutoff=1e-3))
    assert batch.records[3] is batch[3].record


@pytest.mark.parametrize("name", BATCHES)
@pytest.mark.parametrize(("max_bond", "cutoff"), TRUNCATIONS)
def test_spectra_equal_the_sweep(name, max_bond, cutoff):
    """Gram spectra = squared Schmidt values of the QR/SVD sweep, whatever the
    centre and the padding (instances that keep fewer values): 1e-13 absolute,
    the Gram matrices' rounding (~1e-16 x chi x sites) with room."""
    run = mps_engine.run_plan(
        mps_engine.compile_plan(BATCHES[name]()),
        "0" * BATCHES[name]()[0].n,
        max_bond,
        cutoff,
    )
    _, schmidt, _ = mps_engine.canonical_sweep(run)
    spectra = mps_engine.schmidt_spectra(run)
    assert len(spectra) == len(schmidt) == run.bonds.shape[1]
    for p, S in zip(spectra, schmidt):
        assert p.shape == S.shape
        assert_allclose(p, S**2, atol=1e-13)
        assert_allclose(p.sum(axis=1), 1, atol=1e-13)


@pytest.mark.parametrize("alpha", [0, 1, 2, np.inf])
@pytest.mark.parametrize(("max_bond", "cutoff"), TRUNCATIONS)
def test_batch_entropy_profiles_equal_one_at_a_time(alpha, max_bond, cutoff):
    """The batch's fast path gives each instance's own profile (every order,
    Hartley's rank count included: the noise floor sits far above the
    Gram matrices' rounding)."""
    circuits = BATCHES["haar"]()
    batch = tnbp.simulate_batch(circuits, max_bond=max_bond, cutoff=cutoff)
    with warnings.catch_warnings():  # truncating runs warn (caveats), alike
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        profiles = batch.entropy_profiles(alpha)
        for circ, row in zip(circuits, profiles):
            single = tnbp.simulate(circ, max_bond=max_bond, cutoff=cutoff)
            assert_allclose(row, tnbp.entropy_profile(single, alpha), atol=1e-9)


@pytest.mark.parametrize(("p", "seed"), [(1.002e-14, 2), (0.998e-14, 0)])
def test_batch_profiles_near_the_noise_floor(p, seed):
    """A squared Schmidt value within 1% of SPECTRUM_NOISE_FLOOR: the Gram spectra
    (absolute rounding ~1e-16) may put it on the other side of the floor, which
    moves S_1 by p log2(1/p) < 1e-12 bits; orders below 1, where small values
    weigh in (S_0 counts them: a whole bit), take the canonical sweep's values."""
    c = tnbp.Circuit(2)
    c.ry(2 * np.arcsin(np.sqrt(p)), 0)
    c.cnot(0, 1)
    c.apply(unitary_group.rvs(2, random_state=seed), 0)
    c.apply(unitary_group.rvs(2, random_state=seed + 100), 1)
    batch = tnbp.simulate_batch([c], cutoff=0.0)
    for alpha, tol in [(0, 0), (0.5, 1e-15), (1, 1e-12), (2, 1e-12), (np.inf, 1e-12)]:
        expected = tnbp.entropy_profile(batch[0], alpha)
        assert_allclose(batch.entropy_profiles(alpha)[0], expected, rtol=0, atol=tol)


def test_batch_states_stand_alone():
    """A batch is freed when dropped (its states do not hold it in a cycle), and
    a state pickles without the rest of the batch."""
    import gc
    import pickle
    import weakref

    circuits = [ansatz.haar_brickwork(12, 6, seed=s) for s in range(16)]
    single = len(pickle.dumps(tnbp.simulate(circuits[3])))
    batch = tnbp.simulate_batch(circuits)
    assert len(pickle.dumps(batch[3])) < 1.5 * single  # not 16 instances' worth
    tnbp.entropy(batch[3], 6)  # canonical forms made: kept by the pickle
    copy = pickle.loads(pickle.dumps(batch[3]))
    assert tnbp.entropy(copy, 6) == tnbp.entropy(batch[3], 6)
    gc.disable()
    try:
        ref = weakref.ref(batch[0])
        del batch
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_batch_sweeps_once_on_first_use(monkeypatch):
    """Canonical forms are made for the whole batch at once, when first needed
    (one sweep per chunk), and entropy profiles need none."""
    calls = []
    sweep = mps_engine.canonical_sweep
    monkeypatch.setattr(
        tnbp.states.mps, "canonical_sweep", lambda run: calls.append(1) or sweep(run)
    )
    circuits = [ansatz.haar_brickwork(8, 4, seed=s) for s in range(5)]
    batch = tnbp.simulate_batch(circuits, workers=2)
    batch.entropy_profiles()
    assert calls == []
    for st in batch:
        tnbp.entropy(st, 4)
    assert calls == [1, 1]  # two chunks, each swept once


def test_batch_canonical_forms_carry_their_schmidt_values():
    circuits = [ansatz.haar_brickwork(10, 4, seed=s) for s in range(3)]
    batch = tnbp.simulate_batch(circuits)
    for circ, st in zip(circuits, batch):
        assert "schmidt" in st.canonical.__dict__  # handed over by the batched sweep
        assert_allclose(
            tnbp.entropy_profile(st),
            tnbp.entropy_profile(tnbp.simulate(circ, backend="dense")),
            atol=1e-9,  # entropies: -p log p of rounding-level p ~ 1e-15 * 50
        )


def test_batch_bad_inputs():
    good = [ansatz.haar_brickwork(6, 2, seed=s) for s in range(2)]
    with pytest.raises(TypeError, match="`circuits`"):
        tnbp.simulate_batch(good[0])
    with pytest.raises(TypeError, match="`circuits`: element 1"):
        tnbp.simulate_batch([good[0], "x"])
    with pytest.raises(ValueError, match="`circuits` must hold at least one"):
        tnbp.simulate_batch([])
    with pytest.raises(ValueError, match="circuit 1 has 7 qubits"):
        tnbp.simulate_batch([good[0], ansatz.haar_brickwork(7, 2, seed=0)])
    other = ansatz.haar_brickwork(6, 3, seed=0)
    with pytest.raises(ValueError, match="circuit 1 differs from circuit 0 at gate 5"):
        tnbp.simulate_batch([good[0], other])
    shifted = tnbp.Circuit(6)
    for g in good[0].gates:
        shifted.apply(g.matrix, *g.qubits[::-1])
    with pytest.raises(
        ValueError, match=r"at gate 0 \(qubits \(1, 0\) against \(0, 1\)\)"
    ):
        tnbp.simulate_batch([good[0], shifted])
    with pytest.raises(ValueError, match="`backend`"):
        tnbp.simulate_batch(good, backend="dense")
    with pytest.raises(ValueError, match="`max_bond`='auto'"):
        tnbp.simulate_batch(good, max_bond="auto")
    with pytest.raises(ValueError, match="`initial`"):
        tnbp.simulate_batch(good, initial="01")
    with pytest.raises(ValueError, match="at least 2 qubits"):
        tnbp.simulate_batch([tnbp.Circuit(1)])
    with pytest.raises(ValueError, match="`workers` must be >= 1"):
        tnbp.simulate_batch(good, workers=0)
    with pytest.raises(TypeError, match="`workers`"):
        tnbp.simulate_batch(good, workers=1.5)
    with pytest.raises(ValueError, match="`blas_threads` must be >= 1"):
        tnbp.simulate_batch(good, blas_threads=0)
    with pytest.raises(TypeError, match="`blas_threads` must be an integer"):
        tnbp.simulate(good[0], blas_threads=1.5)
