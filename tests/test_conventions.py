"""One convention per concept, the same at every entry point that takes it.

- ``parameters``: "all" | int | sequence of ints, negative from the end, order
  kept, repeats rejected, in :func:`tnbp.gradient`,
  :func:`tnbp.exact_gradient_variance` and :func:`tnbp.gradient_variance`;
- ``seed``: None, int, ``SeedSequence`` or ``Generator`` in every builder;
- ``cutoff``, ``beta`` and ``max_bond``: one range and one message everywhere;
- Pauli terms: one canonical form (identity letters dropped, letters ordered by
  qubit) from ``PauliSum.add``, ``pauli_sum``, QBM generators and free-fermion
  Hamiltonians, with expectation values unchanged;
- layer counts are called ``layers`` by every builder (``depth=`` and
  ``repetitions=`` are deprecated aliases).
"""

import functools
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz, free_fermion, observables
from tnbp import hamiltonian as hm
from tnbp.models.operators import pauli_sum
from tnbp.models.paulis import PauliTerm, pauli_term
from tnbp.models.qbm import QBM

HYPOTHESIS = settings(max_examples=60, deadline=None, derandomize=True, database=None)
PAULI = {
    "I": np.eye(2),
    "X": np.array([[0, 1], [1, 0]]),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1, -1]),
}


# ---------------------------------------------------------------- parameters
@pytest.fixture(scope="module")
def small():
    """A 4-qubit, 8-parameter circuit and a 2-local observable."""
    return ansatz.hardware_efficient(4, 1, seed=0), [(1.0, "ZZ", (1, 2))]


def test_parameters_order_and_negatives_agree_across_entry_points(small):
    circ, obs = small
    num = circ.num_parameters
    sel, resolved = [5, -1, 2], [5, num - 1, 2]
    full = tnbp.gradient(circ, obs, method="adjoint")
    # shift rule vs adjoint: both exact, agree to rounding
    assert_allclose(
        tnbp.gradient(circ, obs, parameters=sel), full[resolved], rtol=0, atol=1e-12
    )
    moments = tnbp.exact_gradient_variance(circ, obs)
    some = tnbp.exact_gradient_variance(circ, obs, parameters=sel)
    assert list(some.parameters) == resolved
    # same sweeps, only fewer pairings: equal up to rounding
    assert_allclose(some.variance, moments.variance[resolved], rtol=1e-12)

    kw = dict(observable=obs, samples=3, executor="serial", seed=4, method="adjoint")
    build = functools.partial(ansatz.hardware_efficient, layers=1)
    table = tnbp.gradient_variance(build, [4], parameters=sel, **kw)
    everything = tnbp.gradient_variance(build, [4], **kw).set_index("parameter")
    assert list(table.parameter) == resolved
    # the same samples (same seed), so the same statistics, bit for bit
    assert_allclose(
        table.variance, everything.loc[resolved, "variance"], rtol=0, atol=0
    )


def _three_entry_points(circ, obs):
    build = functools.partial(ansatz.hardware_efficient, layers=1)
    return {
        "gradient": lambda p: tnbp.gradient(circ, obs, parameters=p),
        "exact_gradient_variance": lambda p: tnbp.exact_gradient_variance(
            circ, obs, parameters=p
        ),
        "gradient_variance": lambda p: tnbp.gradient_variance(
            build, [4], observable=obs, samples=1, executor="serial", parameters=p
        ),
    }


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        ([3, 3 - 8], ValueError, "more than once"),
        ([1, 1], ValueError, "more than once"),
        ([8], ValueError, "out of range"),
        ([], ValueError, "at least one"),
        ("ALL", ValueError, "'all'"),
        (1.0, TypeError, "'all'"),
        ([0, True], TypeError, "'all'"),
        ({0, 1}, TypeError, "'all'"),
    ],
    ids=[
        "repeat_from_end",
        "repeat",
        "range",
        "empty",
        "string",
        "float",
        "bool",
        "set",
    ],
)
@pytest.mark.parametrize(
    "entry", ["gradient", "exact_gradient_variance", "gradient_variance"]
)
def test_parameters_rejected_alike_everywhere(small, entry, bad, exc, match):
    circ, obs = small
    assert circ.num_parameters == 8  # the bad selections above assume it
    with pytest.raises(exc, match=r"`parameters`.*" + match):
        _three_entry_points(circ, obs)[entry](bad)


# --------------------------------------------------------------------- seeds
SEEDED_BUILDERS = {
    "hardware_efficient": lambda seed: ansatz.hardware_efficient(4, 2, seed=seed),
    "toy_perceptron": lambda seed: ansatz.toy_perceptron(4, seed=seed),
    "haar_brickwork": lambda seed: ansatz.haar_brickwork(4, 2, seed=seed),
    "unitary_qnn": lambda seed: ansatz.unitary_qnn(3, shuffle=True, seed=seed),
    "free_fermion_brickwork": lambda seed: ansatz.free_fermion_brickwork(
        4, 2, seed=seed
    ),
    "random_two_local": lambda seed: hm.random_two_local(4, seed=seed),
}


def _fingerprint(obj):
    """Everything random about a built circuit or Hamiltonian, as one array."""
    if isinstance(obj, tnbp.PauliSum):
        return np.array([c for c, _, _ in obj.terms])
    return np.concatenate([g.to_matrix().ravel() for g in obj])


@pytest.mark.parametrize("name", sorted(SEEDED_BUILDERS))
def test_every_builder_takes_every_seed_form(name):
    build = SEEDED_BUILDERS[name]
    ref = _fingerprint(build(7))
    for seed in (np.int64(7), np.random.SeedSequence(7), np.random.default_rng(7)):
        assert_allclose(_fingerprint(build(seed)), ref, rtol=0, atol=0)
    assert not np.array_equal(_fingerprint(build(8)), ref)
    fresh = _fingerprint(build(None))
    assert fresh.shape == ref.shape


@pytest.mark.parametrize("name", sorted(SEEDED_BUILDERS))
@pytest.mark.parametrize(
    "seed, exc",
    [(1.5, TypeError), ("7", TypeError), (True, TypeError), (-1, ValueError)],
)
def test_every_builder_rejects_bad_seeds(name, seed, exc):
    with pytest.raises(exc, match="`seed`"):
        SEEDED_BUILDERS[name](seed)


# --------------------------------------------------- cutoff, beta, max_bond
def _circ():
    return ansatz.hardware_efficient(3, 1, seed=0)


CUTOFF_CALLS = {
    "simulate": lambda c: tnbp.simulate(_circ(), cutoff=c),
    "gibbs_state": lambda c: tnbp.gibbs_state(hm.tfim_chain(3), 1.0, cutoff=c),
    "exact_gradient_variance": lambda c: tnbp.exact_gradient_variance(
        _circ(), [(1.0, "Z", (0,))], cutoff=c
    ),
    "PauliSum.to_mpo": lambda c: hm.tfim_chain(3).to_mpo(cutoff=c),
}

BETA_CALLS = {
    "gibbs_state": lambda b: tnbp.gibbs_state(hm.tfim_chain(3), b),
    "QBM": lambda b: QBM(2, [("Z", 0)], [0], beta=b),
    "thermal_covariance": lambda b: free_fermion.thermal_covariance(
        free_fermion.majorana_hamiltonian([(1.0, "Z", 0)], 1), b
    ),
    "thermal_log_partition": lambda b: free_fermion.thermal_log_partition(
        free_fermion.majorana_hamiltonian([(1.0, "Z", 0)], 1), b
    ),
    "qbm_gradient_variance": lambda b: tnbp.qbm_gradient_variance(
        1, [1], samples=1, beta=b, executor="serial"
    ),
}

MAX_BOND_CALLS = {
    "simulate": lambda m: tnbp.simulate(_circ(), max_bond=m),
    "gibbs_state": lambda m: tnbp.gibbs_state(hm.tfim_chain(3), 1.0, max_bond=m),
    "exact_gradient_variance": lambda m: tnbp.exact_gradient_variance(
        _circ(), [(1.0, "Z", (0,))], max_bond=m
    ),
}


def _messages(calls, value, exc):
    out = set()
    for call in calls.values():
        with pytest.raises(exc) as info:
            call(value)
        out.add(str(info.value))
    return out


@pytest.mark.parametrize(
    "calls, value, exc, message",
    [
        (CUTOFF_CALLS, -1e-3, ValueError, "must be in [0, 1), got -0.001."),
        (CUTOFF_CALLS, 1.0, ValueError, "must be in [0, 1), got 1.0."),
        (CUTOFF_CALLS, float("nan"), ValueError, "must be in [0, 1), got nan."),
        (CUTOFF_CALLS, "0", TypeError, "must be a real number in [0, 1), got '0'."),
        (BETA_CALLS, -0.5, ValueError, "must be finite and >= 0, got -0.5."),
        (BETA_CALLS, float("inf"), ValueError, "must be finite and >= 0, got inf."),
        (BETA_CALLS, None, TypeError, "must be a real number, got None."),
        (MAX_BOND_CALLS, 0, ValueError, "`max_bond` must be >= 1, got 0."),
        (MAX_BOND_CALLS, 2.5, TypeError, "`max_bond` must be None or a positive int"),
    ],
    ids=[
        "cutoff<0",
        "cutoff=1",
        "cutoff=nan",
        "cutoff=str",
        "beta<0",
        "beta=inf",
        "beta=None",
        "max_bond=0",
        "max_bond=float",
    ],
)
def test_one_range_and_one_message_everywhere(calls, value, exc, message):
    msgs = _messages(calls, value, exc)
    if calls is MAX_BOND_CALLS and exc is TypeError:
        # simulate also takes "auto", and says so; the rest is the same
        msgs = {
            m.replace(", a positive int or 'auto'", " or a positive int") for m in msgs
        }
    assert len(msgs) == 1, msgs
    assert message in msgs.pop()


# ---------------------------------------------------------------- Pauli terms
@st.composite
def pauli_entries(draw, n=5):
    """A ``(coeff, pauli, qubits)`` entry in any qubit order, with identities."""
    k = draw(st.integers(1, n))
    qubits = draw(st.permutations(range(n)))[:k]
    letters = "".join(draw(st.lists(st.sampled_from("IXYZ"), min_size=k, max_size=k)))
    coeff = draw(st.floats(-2, 2, allow_nan=False))
    return coeff, letters, tuple(qubits)


@HYPOTHESIS
@given(entry=pauli_entries())
def test_pauli_term_is_canonical(entry):
    coeff, letters, qubits = entry
    term = pauli_term(*entry)
    assert isinstance(term, PauliTerm) and term.coeff == coeff
    assert list(term.qubits) == sorted(term.qubits)
    assert "I" not in term.pauli and len(term.pauli) == len(term.qubits)
    assert dict(zip(term.qubits, term.pauli)) == {
        q: p for p, q in zip(letters, qubits) if p != "I"
    }
    if not term.is_identity:  # canonical terms parse to themselves
        assert pauli_term(*term) == term


def _kron(n, terms, constant=0.0):
    """``constant + sum_t c_t P_t`` by np.kron, qubit 0 leftmost (independent)."""
    out = constant * np.eye(2**n, dtype=complex)
    for c, p, q in terms:
        ops = dict(zip(q, p))
        out += c * functools.reduce(np.kron, [PAULI[ops.get(j, "I")] for j in range(n)])
    return out


@HYPOTHESIS
@given(
    entries=st.lists(pauli_entries(), min_size=1, max_size=6), seed=st.integers(0, 9)
)
def test_canonical_terms_leave_every_expectation_unchanged(entries, seed):
    n = 5
    entries = [*entries, (0.3, "Y", (2,))]  # never only a (possibly zero) constant
    st_ = tnbp.simulate(ansatz.haar_brickwork(n, 3, seed=seed), backend="dense")
    psi = st_.psi.reshape(-1)
    exact = float(np.real(np.vdot(psi, _kron(n, entries) @ psi)))
    H = tnbp.PauliSum(n)
    for entry in entries:
        H.add(*entry)
    # all in double precision on 5 qubits, entries of order one: 1e-12 is rounding
    assert_allclose(np.vdot(psi, H.to_dense() @ psi).real, exact, atol=1e-12)
    assert_allclose(tnbp.expectation_value(st_, entries), exact, atol=1e-12)
    if H.terms:
        assert_allclose(
            tnbp.expectation_value(st_, H.to_observable()), exact, atol=1e-12
        )


def test_one_canonical_form_at_every_entry_point():
    entries = [(0.5, "ZIX", (4, 0, 3)), (1.5, "XZ", (3, 4)), (2.0, "II", (1, 2))]
    H = tnbp.PauliSum(5)
    for e in entries:
        H.add(*e)
    assert H.terms == (PauliTerm(0.5, "XZ", (3, 4)), PauliTerm(1.5, "XZ", (3, 4)))
    assert H.constant == 2.0
    c, p, q = H.terms[0]  # still unpacks as a (coeff, pauli, qubits) triple
    assert (c, p, q) == (0.5, "XZ", (3, 4))
    merged = H.simplified()  # equal operators merge, whatever order they came in
    assert merged.terms == (PauliTerm(2.0, "XZ", (3, 4)),)

    obs = pauli_sum(entries)
    assert [t.qubits for t in obs.terms] == [(3, 4), (3, 4)] and obs.constant == 2.0
    assert_allclose(obs.terms[0].ops[0], PAULI["X"], atol=0)
    assert_allclose(obs.terms[0].ops[1], PAULI["Z"], atol=0)

    qbm = QBM(5, [("ZIX", (4, 0, 3)), ("Y", 2)], visible=[0])
    assert qbm.generators == (("XZ", (3, 4)), ("Y", (2,)))

    # free fermions: XY on (1, 0) is YX on (0, 1); IZ on (0, 1) is Z on 1
    A = free_fermion.majorana_hamiltonian
    assert_allclose(A([(0.7, "XY", (1, 0))], 2), A([(0.7, "YX", (0, 1))], 2), atol=0)
    assert_allclose(A([(0.7, "IZ", (0, 1))], 2), A([(0.7, "Z", (1,))], 2), atol=0)


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: QBM(3, [("Z", 7)], visible=(0,)), ValueError),
        (lambda: QBM(3, [("II", (0, 1))], visible=(0,)), ValueError),
        (lambda: QBM(3, [("ZZ", (0, 0))], visible=(0,)), ValueError),
        (lambda: QBM(3, [("Q", 0)], visible=(0,)), ValueError),
        (lambda: QBM(3, [(1.0, "Z", 0)], visible=(0,)), TypeError),
    ],
    ids=["range", "identity", "repeated", "letter", "triple"],
)
def test_qbm_generator_errors_name_generators(call, exc):
    with pytest.raises(exc, match="`generators`"):
        call()


# -------------------------------------------------------------------- layers
LAYERED = [
    ansatz.hardware_efficient,
    ansatz.haar_brickwork,
    ansatz.free_fermion_brickwork,
    ansatz.unitary_qnn,
]


@pytest.mark.parametrize("builder", LAYERED, ids=lambda b: b.__name__)
def test_builders_count_layers(builder):
    names = inspect.signature(builder).parameters
    assert "layers" in names
    assert not {"depth", "repetitions"} & set(names)


@pytest.mark.parametrize(
    "builder, old, n",
    [
        (ansatz.haar_brickwork, "depth", 5),
        (ansatz.free_fermion_brickwork, "depth", 5),
        (ansatz.unitary_qnn, "repetitions", 3),
    ],
    ids=["haar_brickwork", "free_fermion_brickwork", "unitary_qnn"],
)
def test_deprecated_layer_keywords_warn_and_build_the_same_circuit(builder, old, n):
    new = builder(n, layers=3, seed=2)
    with pytest.warns(DeprecationWarning, match=f"`{old}` is deprecated, use `layers`"):
        legacy = builder(n, seed=2, **{old: 3})
    assert len(legacy) == len(new)
    for a, b in zip(legacy, new):
        assert a.qubits == b.qubits and a.label == b.label
        assert_allclose(a.to_matrix(), b.to_matrix(), rtol=0, atol=0)
    with pytest.raises(TypeError, match="both `layers`"):
        builder(n, layers=3, **{old: 3})


def test_observables_module_untouched_by_term_order():
    """Costs are product operators on the qubits as listed (not Pauli terms)."""
    cost = observables.global_cost((2, 0, 1))
    assert cost.terms[0].qubits == (2, 0, 1)
    assert cost.support == (0, 1, 2)
