"""Property-based invariants of states from random small circuits (hypothesis).

Circuits have 2..6 qubits and up to 20 gates drawn from rx/ry/rz, cz, cnot,
Pauli rotations with random strings, and Haar-random two-qubit unitaries, on
random (also distant) qubit pairs, from a random initial bitstring. A circuit
is drawn as a *spec* ``(n, initial, ops)`` so that a failing example prints as
something that can be pasted back into :func:`build`.

Every invariant is checked on the exact statevector (``"dense"``) and on the
untruncated MPS (``"mps"``, ``max_bond=None``), and the two must agree to
1e-10. For that comparison the MPS runs with ``cutoff=0``: the default
``cutoff=1e-12`` drops squared weight up to 1e-12 per gate, which moves
amplitudes, entropies and expectations by up to ~sqrt(1e-12) = 1e-6 (e.g. a
Schmidt weight of ~5e-13 created by ``rx(1e-5)`` before a CZ and amplified by
later gates). What the default cutoff does is checked separately: the error
it makes is bounded by the discarded weight the state records.

Examples are derandomized, so the file runs the same inputs every time.
"""

import warnings

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import unitary_group

import tnbp
from tnbp.models.paulis import pauli_matrix

ATOL = 1e-10  # cross-backend agreement, equalities
TOL = 1e-12  # slack of inequalities that hold up to rounding
BACKENDS = ("dense", "mps")
ALPHAS = (0.5, 1, 2, np.inf)
MPS_EXACT = dict(max_bond=None, cutoff=0.0)  # no truncation at all

SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# ------------------------------------------------------------------ strategies
#: generic angles, plus small ones that leave tiny Schmidt weights behind
generic_angles = st.floats(-2 * np.pi, 2 * np.pi, allow_nan=False, allow_infinity=False)
angles = generic_angles | st.floats(1e-9, 1e-3)


@st.composite
def qubit_pair(draw, n):
    """Two distinct qubits, uniformly, neighbours or not, in either order."""
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, n - 2))
    return i, j + (j >= i)


@st.composite
def ops(draw, n):
    kind = draw(st.sampled_from(["rx", "ry", "rz", "cz", "cnot", "pauli", "haar"]))
    if kind in ("rx", "ry", "rz"):
        return (kind, draw(angles), draw(st.integers(0, n - 1)))
    if kind in ("cz", "cnot"):
        return (kind, *draw(qubit_pair(n)))
    if kind == "haar":
        return ("haar", draw(st.integers(0, 2**32 - 1)), *draw(qubit_pair(n)))
    if draw(st.booleans()):
        qubits = (draw(st.integers(0, n - 1)),)
    else:
        qubits = draw(qubit_pair(n))
    pauli = draw(st.text("IXYZ", min_size=len(qubits), max_size=len(qubits)))
    return ("pauli", draw(angles), pauli, qubits)


@st.composite
def specs(draw, min_n=2, max_n=6, max_gates=20):
    n = draw(st.integers(min_n, max_n))
    initial = draw(st.text("01", min_size=n, max_size=n))
    k = draw(st.integers(1, max_gates))  # uniform: lists alone favour short ones
    gates = draw(st.lists(ops(n), min_size=k, max_size=k))
    return n, initial, tuple(gates)


def build(spec) -> tnbp.Circuit:
    n, _, gates = spec
    c = tnbp.Circuit(n)
    for op in gates:
        kind, *args = op
        if kind in ("rx", "ry", "rz", "cz", "cnot"):
            getattr(c, kind)(*args)
        elif kind == "pauli":
            c.pauli_rotation(*args)
        else:
            seed, i, j = args
            c.apply(unitary_group.rvs(4, random_state=seed), i, j, label="HAAR")
    return c


def simulate_both(spec):
    c = build(spec)
    states = {
        "dense": tnbp.simulate(c, backend="dense", initial=spec[1]),
        "mps": tnbp.simulate(c, backend="mps", initial=spec[1], **MPS_EXACT),
    }
    return c, states


@st.composite
def subsystems(draw, n, min_size=1, max_size=None):
    """Distinct qubits in random order (any subset, contiguous or not)."""
    max_size = n if max_size is None else min(max_size, n)
    order = draw(st.permutations(range(n)))
    k = draw(st.integers(min_size, max_size))
    return tuple(order[:k])


def cut_bound(k, n):
    return min(k, n - k)


#: |+>|0> then CNOT: a Bell pair, plus a product qubit; spectra with exact zeros
BELL_SPEC = (3, "000", (("ry", np.pi / 2, 0), ("cnot", 0, 1), ("rx", 1.0, 2)))
#: a Schmidt weight of 1.3e-10 across cut 2 (and exact zeros below it)
SMALL_WEIGHT_SPEC = (
    4,
    "1100",
    (
        ("rx", 0.03125, 2),
        ("rx", 0.0007345091195099827, 0),
        ("cz", 2, 0),
        ("cnot", 0, 1),
        ("rx", 0.25, 0),
    ),
)
#: rotations only: a product state whose cut spectra are (1, 0, 0, ...)
PRODUCT_SPEC = (
    4,
    "0101",
    (("rx", 0.7, 0), ("ry", 1.3, 1), ("rz", 0.4, 2), ("ry", 2.9, 3)),
)


# -------------------------------------------------------------------- entropies
@settings(max_examples=200, **SETTINGS)
@given(spec=specs())
@example(spec=BELL_SPEC)
@example(spec=PRODUCT_SPEC)
def test_cut_entropies_bounded_and_monotone_in_alpha(spec):
    n = spec[0]
    _, states = simulate_both(spec)
    profiles = {}
    for name, state in states.items():
        prof = {a: np.asarray(tnbp.entropy_profile(state, a)) for a in (0, *ALPHAS)}
        bound = np.array([cut_bound(k, n) for k in range(1, n)], dtype=float)
        for a, s in prof.items():
            assert s.shape == (n - 1,)
            assert np.all(s >= -TOL), (name, a, s)
            assert np.all(s <= bound + TOL), (name, a, s)
        # S_0 is log2 of a rank (threshold 1e-14), hence the wider slack
        assert np.all(prof[0] >= prof[1] - ATOL), (name, prof[0], prof[1])
        assert np.all(prof[1] >= prof[2] - TOL), (name, prof[1], prof[2])
        assert np.all(prof[2] >= prof[np.inf] - TOL), (name, prof[2], prof[np.inf])
        # entropy(cut) is the profile's entry
        for cut in range(1, n):
            for a in (1, 2):
                assert_allclose(tnbp.entropy(state, cut, a), prof[a][cut - 1], atol=TOL)
        profiles[name] = prof
    for a in (1, 2, np.inf):
        assert_allclose(
            profiles["mps"][a], profiles["dense"][a], atol=ATOL, err_msg=f"{a=}"
        )


@settings(max_examples=180, **SETTINGS)
@given(spec=specs(), data=st.data())
@example(spec=BELL_SPEC, data=None)
def test_subsystem_entropies(spec, data):
    n = spec[0]
    A = (0, 2) if data is None else data.draw(subsystems(n), label="A")
    comp = tuple(q for q in range(n) if q not in A)
    _, states = simulate_both(spec)
    values = {}
    for name, state in states.items():
        s = {a: float(tnbp.subsystem_entropy(state, A, a)) for a in ALPHAS}
        for a, v in s.items():
            assert -TOL <= v <= cut_bound(len(A), n) + TOL, (name, a, v)
        assert s[1] >= s[2] - TOL and s[2] >= s[np.inf] - TOL, (name, s)
        # the order in which the qubits are listed does not matter
        assert_allclose(tnbp.subsystem_entropy(state, sorted(A)), s[1], atol=ATOL)
        # pure state: a set and its complement are equally entangled
        for a in (1, 2, np.inf):
            if comp:
                assert_allclose(
                    tnbp.subsystem_entropy(state, comp, a),
                    s[a],
                    atol=ATOL,
                    err_msg=f"{name} {a=}",
                )
            else:
                assert abs(s[a]) <= TOL
        # a prefix of the chain is a cut
        if set(A) == set(range(len(A))) and len(A) < n:
            assert_allclose(s[1], tnbp.entropy(state, len(A)), atol=ATOL)
        values[name] = s
    for a in (1, 2, np.inf):
        assert_allclose(
            values["mps"][a], values["dense"][a], atol=ATOL, err_msg=f"{a=}"
        )


@settings(max_examples=150, **SETTINGS)
@given(spec=specs(), data=st.data())
def test_purity_and_distance_to_maximally_mixed(spec, data):
    n = spec[0]
    A = data.draw(subsystems(n), label="A")
    dim = 2.0 ** len(A)
    _, states = simulate_both(spec)
    values = {}
    for name, state in states.items():
        p = float(tnbp.purity(state, A))
        d = float(tnbp.trace_distance_to_maximally_mixed(state, A))
        s2 = float(tnbp.subsystem_entropy(state, A, 2))
        # pure state: rank(rho_A) <= 2^min(|A|, n-|A|), so purity >= that bound >= 1/dim
        assert 2.0 ** -cut_bound(len(A), n) - TOL <= p <= 1 + TOL, (name, p)
        assert p >= 1 / dim - TOL
        assert_allclose(p, 2.0**-s2, rtol=1e-10, err_msg=name)
        assert -TOL <= d <= 1 - 1 / dim + TOL, (name, d)
        values[name] = p, d
    assert_allclose(values["mps"], values["dense"], atol=ATOL)


@settings(max_examples=150, **SETTINGS)
@given(spec=specs(), data=st.data())
def test_reduced_density_matrices_and_pauli_expectations(spec, data):
    n = spec[0]
    A = data.draw(subsystems(n, max_size=4), label="A")
    pauli = data.draw(st.text("IXYZ", min_size=len(A), max_size=len(A)), label="pauli")
    _, states = simulate_both(spec)
    rhos, expvals = {}, {}
    for name, state in states.items():
        rho = state.reduced_density_matrix(A)
        assert rho.shape == (2 ** len(A),) * 2
        assert_allclose(np.trace(rho), 1, atol=ATOL, err_msg=name)
        assert_allclose(rho, rho.conj().T, atol=TOL, err_msg=name)
        assert np.linalg.eigvalsh(rho).min() >= -ATOL, name
        assert_allclose(np.trace(rho @ rho).real, tnbp.purity(state, A), atol=ATOL)
        # <P> on the listed qubits is Tr(rho_A P), first letter on the first qubit
        e = tnbp.expectation(state, pauli, A)
        assert isinstance(e, tnbp.Estimate) and e.trusted
        assert abs(e) <= 1 + TOL, (name, float(e))
        assert_allclose(
            e, np.trace(rho @ pauli_matrix(pauli)).real, atol=ATOL, err_msg=name
        )
        assert_allclose(tnbp.expectation(state, "I" * len(A), A), 1, atol=TOL)
        rhos[name], expvals[name] = rho, float(e)
    assert_allclose(rhos["mps"], rhos["dense"], atol=ATOL)
    assert_allclose(expvals["mps"], expvals["dense"], atol=ATOL)


@settings(max_examples=150, **SETTINGS)
@given(spec=specs(), data=st.data())
def test_mutual_information_non_negative(spec, data):
    n = spec[0]
    order = data.draw(st.permutations(range(n)), label="order")
    a = data.draw(st.integers(1, n - 1), label="|A|")
    b = data.draw(st.integers(1, n - a), label="|B|")
    A, B = tuple(order[:a]), tuple(order[a : a + b])
    _, states = simulate_both(spec)
    values = {}
    for name, state in states.items():
        mi = float(tnbp.mutual_information(state, A, B))
        assert mi >= -ATOL, (name, mi)
        assert mi <= 2 * min(a, b) + TOL, (name, mi)
        assert_allclose(tnbp.mutual_information(state, B, A), mi, atol=ATOL)
        if a + b == n:  # pure state: I(A:B) = 2 S(A)
            assert_allclose(mi, 2 * tnbp.subsystem_entropy(state, A), atol=ATOL)
        values[name] = mi
    assert_allclose(values["mps"], values["dense"], atol=ATOL)


# ------------------------------------------------------------------ parameters
@settings(max_examples=100, **SETTINGS)
@given(spec=specs(), data=st.data())
def test_bind_own_parameters_reproduces_the_state(spec, data):
    c, states = simulate_both(spec)
    params = c.parameters
    assert params.ndim == 1 and params.shape == (c.num_parameters,)
    same = c.bind(params)
    assert [(g.qubits, g.label) for g in same] == [(g.qubits, g.label) for g in c]
    assert same.depth == c.depth
    np.testing.assert_array_equal(same.parameters, params)
    dense = tnbp.simulate(same, backend="dense", initial=spec[1])
    assert_allclose(dense.statevector, states["dense"].statevector, atol=1e-14)
    mps = tnbp.simulate(same, backend="mps", initial=spec[1], **MPS_EXACT)
    assert mps.bond_dims == states["mps"].bond_dims
    assert_allclose(
        tnbp.entropy_profile(mps), tnbp.entropy_profile(states["mps"]), atol=1e-14
    )
    # binding other angles and back again is also the identity
    other = data.draw(
        st.lists(angles, min_size=len(params), max_size=len(params)), label="other"
    )
    there = c.bind(other)
    np.testing.assert_array_equal(there.parameters, np.asarray(other, dtype=float))
    np.testing.assert_array_equal(c.parameters, params)  # c itself is unchanged
    back = tnbp.simulate(there.bind(params), backend="dense", initial=spec[1])
    assert_allclose(back.statevector, states["dense"].statevector, atol=1e-14)


# ----------------------------------------------------------------- bond record
@settings(max_examples=180, **SETTINGS)
@given(spec=specs())
@example(spec=BELL_SPEC)
def test_bond_record_of_untruncated_states(spec):
    """max_bond=None with the default cutoff: bonds are (numerical) Schmidt ranks."""
    n = spec[0]
    c = build(spec)
    states = {b: tnbp.simulate(c, backend=b, initial=spec[1]) for b in BACKENDS}
    bounds = [2 ** cut_bound(k, n) for k in range(1, n)]
    for name, state in states.items():
        dims = state.bond_dims
        assert isinstance(dims, list) and len(dims) == n - 1
        assert all(
            isinstance(d, int) and 1 <= d <= b
            for d, b in zip(dims, bounds, strict=True)
        ), dims
        assert max(dims) <= state.max_bond_reached <= 2 ** (n // 2)
        assert 1 - ATOL <= state.fidelity_estimate <= 1, state.fidelity_estimate
        assert 0 <= state.discarded_weight <= ATOL, state.discarded_weight
        assert state.trusted and state.caveats == ()
        # a bond of dimension chi holds at most log2(chi) bits
        s0 = np.asarray(tnbp.entropy_profile(state, 0))
        assert np.all(s0 <= np.log2(dims) + TOL), (name, s0, dims)
    # dense: the bonds are the Schmidt ranks
    dense = states["dense"]
    assert_allclose(2.0 ** np.asarray(tnbp.entropy_profile(dense, 0)), dense.bond_dims)
    assert dense.record.history.shape == (1, n - 1)
    # mps: one history row initially and one per layer
    rec = states["mps"].record
    assert rec.history.shape == (c.depth + 1, n - 1)
    assert np.all(rec.history[0] == 1)  # computational basis state
    assert list(rec.history[-1]) == states["mps"].bond_dims
    assert np.all(rec.history <= np.array(bounds)), rec.history
    assert rec.max_bond is None and rec.cutoff == 1e-12


@settings(max_examples=180, **SETTINGS)
@given(spec=specs(), max_bond=st.sampled_from([1, 2]))
@example(spec=BELL_SPEC, max_bond=1)
def test_truncated_states(spec, max_bond):
    n = spec[0]
    c = build(spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state = tnbp.simulate(c, backend="mps", initial=spec[1], max_bond=max_bond)
        profiles = {a: tnbp.entropy_profile(state, a) for a in (0, 1, 2, np.inf)}
    trunc = [w for w in caught if issubclass(w.category, tnbp.TruncationWarning)]
    assert len(trunc) == len(caught), [str(w.message) for w in caught]
    # each estimate warns exactly when the state has caveats, and carries them
    assert len(trunc) == (len(profiles) if state.caveats else 0)
    for prof in profiles.values():
        assert isinstance(prof, tnbp.EstimateArray) and prof.caveats == state.caveats
        assert np.all(np.asarray(prof) <= np.log2(max_bond) + TOL), (prof, max_bond)
        assert np.all(np.asarray(prof) >= -TOL)
    assert len(state.bond_dims) == n - 1 and max(state.bond_dims) <= max_bond
    assert state.max_bond_reached <= max_bond
    assert state.record.history.shape == (c.depth + 1, n - 1)
    assert state.record.history.max() <= max_bond
    assert state.record.max_bond == max_bond
    F, D = state.fidelity_estimate, state.discarded_weight
    assert 0 < F <= 1 and D >= 0, (F, D)
    assert F >= 1 - D - TOL, (F, D)  # prod(1 - e_t) >= 1 - sum(e_t)
    if D > state.trust.discard_tol:
        assert "truncated" in state.caveats


@settings(max_examples=120, **SETTINGS)
@given(spec=specs(), max_bond=st.sampled_from([None, 1, 2, 3]))
def test_discarded_weight_bounds_the_error(spec, max_bond):
    """The record is honest: each gate's truncation error is at most sqrt(eps_t).

    With N two-qubit gates and recorded discarded weight D = sum(eps_t), the
    exact and the (normalized) MPS state satisfy 1 - |<exact|mps>|^2 <= N D and,
    for pure states, |<P>_exact - <P>_mps| <= 2 sqrt(N D).
    """
    n = spec[0]
    c = build(spec)
    exact = tnbp.simulate(c, backend="dense", initial=spec[1])
    state = tnbp.simulate(c, backend="mps", initial=spec[1], max_bond=max_bond)
    budget = sum(len(g.qubits) == 2 for g in c) * state.discarded_weight
    psi = state.to_quimb().to_dense().ravel()
    assert_allclose(np.linalg.norm(psi), 1, atol=TOL)
    infidelity = 1 - abs(np.vdot(exact.statevector, psi)) ** 2
    assert infidelity <= budget + TOL, (infidelity, budget)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        for q in range(n):
            err = abs(tnbp.expectation(state, "Z", q) - tnbp.expectation(exact, "Z", q))
            assert err <= 2 * np.sqrt(budget) + TOL, (q, err, budget)


@settings(max_examples=80, **SETTINGS)
@given(spec=specs(), alpha=st.floats(0.01, 0.99))
@example(spec=PRODUCT_SPEC, alpha=0.5)
@example(spec=PRODUCT_SPEC, alpha=0.01)
def test_renyi_orders_below_one(spec, alpha):
    """Orders 0 < alpha < 1 weigh eigenvalues as p**alpha: noise must not count.

    Regression: eigenvalues of ~1e-17 from ``eigvalsh`` once gave a product
    state S_0.5 ~ 5e-8 and S_0.01 ~ 1.9 bits (above S_0 = 0).
    """
    n = spec[0]
    _, states = simulate_both(spec)
    half = tuple(range(0, n, 2))  # non-contiguous: goes through rho_A
    values = {}
    for name, state in states.items():
        s0 = np.append(
            tnbp.entropy_profile(state, 0), tnbp.subsystem_entropy(state, half, 0)
        )
        sa = np.append(
            tnbp.entropy_profile(state, alpha),
            tnbp.subsystem_entropy(state, half, alpha),
        )
        s1 = np.append(
            tnbp.entropy_profile(state, 1), tnbp.subsystem_entropy(state, half, 1)
        )
        assert np.all(s0 >= sa - ATOL), (name, s0, sa)
        assert np.all(sa >= s1 - ATOL), (name, sa, s1)
        values[name] = sa
    assert_allclose(values["mps"], values["dense"], atol=ATOL)


# ------------------------------------------------------- regression checks
@settings(max_examples=30, **SETTINGS)
@given(spec=specs())
@example(spec=BELL_SPEC)
def test_cap_at_full_rank_is_exact_and_trusted(spec):
    n = spec[0]
    state = tnbp.simulate(build(spec), initial=spec[1], max_bond=2 ** (n // 2))
    assert state.fidelity_estimate >= 1 - ATOL
    assert state.caveats == (), state.caveat_message()


def test_dense_cut_spectrum_resolves_small_schmidt_weights():
    n, initial, _ = SMALL_WEIGHT_SPEC
    c = build(SMALL_WEIGHT_SPEC)
    dense = tnbp.simulate(c, backend="dense", initial=initial)
    mps = tnbp.simulate(c, backend="mps", initial=initial, **MPS_EXACT)
    for cut in range(1, n):
        svd = (
            np.linalg.svd(dense.statevector.reshape(2**cut, -1), compute_uv=False) ** 2
        )
        spec = np.sort(np.asarray(dense.cut_spectrum(cut)))[::-1][: len(svd)]
        assert_allclose(spec, svd, rtol=1e-9, atol=1e-24, err_msg=f"{cut=}")
    assert_allclose(
        tnbp.entropy_profile(dense, 0.25), tnbp.entropy_profile(mps, 0.25), atol=ATOL
    )
