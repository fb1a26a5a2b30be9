"""Bad input fails early with a ``ValueError``/``TypeError`` naming the argument.

Each check passes one bad value to one public entry point and matches the
argument's name (in backquotes, as the package writes it) in the message.
"""

import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tnbp
from tnbp.states import dense as dense_backend
from tnbp.states import mps as mps_backend

HYPOTHESIS = settings(max_examples=60, deadline=None, derandomize=True, database=None)
I2 = np.eye(2)
I4 = np.eye(4)
N = 4  # register size of the states the estimator checks run on


def arg(name: str) -> str:
    """Regex matching the argument ``name`` as the messages quote it: `name`."""
    return re.escape(f"`{name}`")


@pytest.fixture
def circ():
    c = tnbp.Circuit(3)
    c.ry(0.3, 0)
    c.pauli_rotation(0.5, "XY", (0, 2))
    return c


@pytest.fixture(scope="module")
def small_circuit():
    c = tnbp.Circuit(N)
    for q in range(N):
        c.ry(0.4 + 0.3 * q, q)
    c.cnot(0, 1)
    c.cz(1, 3)
    c.pauli_rotation(0.7, "XY", (0, 2))
    return c


@pytest.fixture(scope="module", params=["dense", "mps"])
def state(request, small_circuit):
    return tnbp.simulate(small_circuit, backend=request.param)


# --------------------------------------------------------------------- Circuit
@pytest.mark.parametrize(
    "n, exc",
    [
        (0, ValueError),
        (-1, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("3", TypeError),
    ],
)
def test_circuit_size(n, exc):
    with pytest.raises(exc, match=arg("n")):
        tnbp.Circuit(n)


# one call per builder that takes qubits; ``q`` is the offending qubit
QUBIT_CALLS = {
    "apply_1q": lambda c, q: c.apply(I2, q),
    "apply_2q": lambda c, q: c.apply(I4, 0, q),
    "rx": lambda c, q: c.rx(0.1, q),
    "ry": lambda c, q: c.ry(0.1, q),
    "rz": lambda c, q: c.rz(0.1, q),
    "cz": lambda c, q: c.cz(q, 1),
    "cnot": lambda c, q: c.cnot(1, q),
    "pauli_rotation_1q": lambda c, q: c.pauli_rotation(0.1, "X", (q,)),
    "pauli_rotation_2q": lambda c, q: c.pauli_rotation(0.1, "XZ", (1, q)),
}


@pytest.mark.parametrize("bad", [3, 7, -1])
@pytest.mark.parametrize("call", sorted(QUBIT_CALLS))
def test_qubit_out_of_range(circ, call, bad):
    with pytest.raises(ValueError, match=r"out of range.*\(0\.\.2\)") as info:
        QUBIT_CALLS[call](circ, bad)
    assert str(bad) in str(info.value)
    assert len(circ) == 2, "a rejected gate must not be appended"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.apply(I4, 1, 1),
        lambda c: c.cz(2, 2),
        lambda c: c.cnot(0, 0),
        lambda c: c.pauli_rotation(0.1, "XY", (1, 1)),
    ],
    ids=["apply", "cz", "cnot", "pauli_rotation"],
)
def test_repeated_qubits(circ, call):
    with pytest.raises(ValueError, match="repeated"):
        call(circ)
    assert len(circ) == 2


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda c: c.apply(I2), ValueError),
        (lambda c: c.apply(np.eye(8), 0, 1, 2), ValueError),
        (lambda c: c.pauli_rotation(0.1, "XYZ", (0, 1, 2)), ValueError),
        (lambda c: c.apply(I2, 1.0), TypeError),
        (lambda c: c.apply(I2, True), TypeError),
        (lambda c: c.pauli_rotation(0.1, "X", "0"), TypeError),
    ],
    ids=["apply_none", "apply_three", "rotation_three", "float", "bool", "str"],
)
def test_qubit_count_and_type(circ, call, exc):
    with pytest.raises(exc, match=arg("qubits")):
        call(circ)


# -------------------------------------------------------------------- matrices
@pytest.mark.parametrize(
    "U, qubits",
    [
        (np.array([[1, 1], [0, 1]]), (0,)),
        (np.diag([1, 0]), (0,)),
        (2 * I4, (0, 2)),
        (I4 + 1e-6 * np.ones((4, 4)), (0, 1)),
        (np.eye(4)[[0, 1, 2, 2]], (2, 0)),
    ],
    ids=["shear", "projector", "scaled", "nearly", "singular"],
)
def test_apply_non_unitary(circ, U, qubits):
    with pytest.raises(ValueError, match=arg("U") + " is not unitary"):
        circ.apply(U, *qubits)


@pytest.mark.parametrize(
    "U, qubits",
    [
        (I4, (0,)),
        (I2, (0, 1)),
        (np.ones((2, 3)), (0,)),
        (np.eye(8), (0, 1)),
        (np.ones(4), (0, 1)),
    ],
    ids=["4x4_on_1", "2x2_on_2", "2x3", "8x8_on_2", "vector"],
)
def test_apply_wrong_shape(circ, U, qubits):
    with pytest.raises(ValueError, match=arg("U") + " must have shape"):
        circ.apply(U, *qubits)


def test_apply_non_finite_matrix(circ):
    with pytest.raises(ValueError, match=arg("U")):
        circ.apply(np.array([[np.nan, 0], [0, 1]]), 0)


@pytest.mark.parametrize("U", ["abc", [[1, 0], [0]]], ids=["str", "ragged"])
def test_apply_non_numeric_matrix(circ, U):
    with pytest.raises(TypeError, match=arg("U")):
        circ.apply(U, 0)


# ---------------------------------------------------------------------- angles
ANGLE_CALLS = {
    "rx": lambda c, t: c.rx(t, 0),
    "ry": lambda c, t: c.ry(t, 1),
    "rz": lambda c, t: c.rz(t, 2),
    "pauli_rotation_1q": lambda c, t: c.pauli_rotation(t, "Y", 1),
    "pauli_rotation_2q": lambda c, t: c.pauli_rotation(t, "ZZ", (0, 2)),
}


@pytest.mark.parametrize(
    "theta",
    [np.nan, np.inf, -np.inf, np.float32("nan")],
    ids=["nan", "inf", "-inf", "f32nan"],
)
@pytest.mark.parametrize("call", sorted(ANGLE_CALLS))
def test_non_finite_angle(circ, call, theta):
    with pytest.raises(ValueError, match=arg("theta") + " must be finite"):
        ANGLE_CALLS[call](circ, theta)
    assert len(circ) == 2


@pytest.mark.parametrize("theta", ["0.1", 1j, None])
@pytest.mark.parametrize("call", ["rx", "pauli_rotation_2q"])
def test_non_real_angle(circ, call, theta):
    with pytest.raises(TypeError, match=arg("theta")):
        ANGLE_CALLS[call](circ, theta)


# --------------------------------------------------------------- Pauli strings
@pytest.mark.parametrize(
    "pauli, qubits",
    [("XA", (0, 1)), ("Q", (0,)), ("X Y", (0, 1)), ("", (0,)), ("X-", (0, 1))],
    ids=["letter", "single", "space", "empty", "dash"],
)
def test_pauli_bad_letter(circ, pauli, qubits):
    with pytest.raises(ValueError, match=arg("pauli")):
        circ.pauli_rotation(0.1, pauli, qubits)


@pytest.mark.parametrize(
    "pauli, qubits", [("XYZ", (0, 1)), ("X", (0, 1)), ("XY", (0,)), ("ZZ", 2)]
)
def test_pauli_wrong_length(circ, pauli, qubits):
    with pytest.raises(ValueError, match=arg("pauli") + ".*letters"):
        circ.pauli_rotation(0.1, pauli, qubits)


@pytest.mark.parametrize("pauli", [["X", "Y"], 3, None])
def test_pauli_not_a_string(circ, pauli):
    with pytest.raises(TypeError, match=arg("pauli")):
        circ.pauli_rotation(0.1, pauli, (0, 1))


# ------------------------------------------------------------------------ bind
@pytest.mark.parametrize(
    "params",
    [[0.1], [0.1, 0.2, 0.3], [], 0.1, [[0.1, 0.2]], [[0.1], [0.2]], None],
    ids=["short", "long", "empty", "scalar", "row", "column", "none"],
)
def test_bind_wrong_shape(circ, params):
    with pytest.raises(
        ValueError, match=arg("params") + " must be a 1-D array of length 2"
    ):
        circ.bind(params)


@pytest.mark.parametrize(
    "params", [[0.1, np.nan], [np.inf, 0.2], [-np.inf, 0.0]], ids=["nan", "inf", "-inf"]
)
def test_bind_non_finite(circ, params):
    with pytest.raises(ValueError, match=arg("params") + " must be finite"):
        circ.bind(params)
    np.testing.assert_array_equal(circ.parameters, [0.3, 0.5])


@pytest.mark.parametrize(
    "params",
    [[0.1, 1j], ["a", "b"], [None, None], [True, False]],
    ids=["complex", "str", "object", "bool"],
)
def test_bind_non_real(circ, params):
    with pytest.raises(TypeError, match=arg("params")):
        circ.bind(params)


# -------------------------------------------------------------------- simulate
@pytest.mark.parametrize("backend", ["dense", "mps"])
@pytest.mark.parametrize("max_bond", [0, -1, -64, np.int64(0)])
def test_max_bond_below_one(circ, backend, max_bond):
    with pytest.raises(ValueError, match=arg("max_bond") + " must be >= 1"):
        tnbp.simulate(circ, backend=backend, max_bond=max_bond)


@pytest.mark.parametrize("backend", ["dense", "mps"])
@pytest.mark.parametrize("max_bond", [2.5, 2.0, "8", True, "AUTO", [4]])
def test_max_bond_wrong_type(circ, backend, max_bond):
    with pytest.raises(TypeError, match=arg("max_bond")):
        tnbp.simulate(circ, backend=backend, max_bond=max_bond)


@pytest.mark.parametrize("backend", ["TN", "Dense", "", None, "statevector"])
def test_unknown_backend(circ, backend):
    with pytest.raises(
        ValueError, match=arg("backend") + r".*\['dense', 'mps', 'tn'\]"
    ):
        tnbp.simulate(circ, backend=backend)


@pytest.mark.parametrize("backend", ["dense", "mps", "tn"])
@pytest.mark.parametrize("initial", ["", "00", "0000", "0" * 30])
def test_initial_wrong_length(circ, backend, initial):
    with pytest.raises(ValueError, match=arg("initial") + ".*one character per qubit"):
        tnbp.simulate(circ, backend=backend, initial=initial)


@pytest.mark.parametrize("backend", ["dense", "mps"])
@pytest.mark.parametrize(
    "initial", ["012", "0a1", "0 1", "+-0", "1.0", "\u0661\u0660\u0660"]
)
def test_initial_bad_characters(circ, backend, initial):
    with pytest.raises(ValueError, match=arg("initial") + " may only contain"):
        tnbp.simulate(circ, backend=backend, initial=initial)


@pytest.mark.parametrize("initial", [0, [0, 1, 0], b"010", ("0", "1", "0")])
def test_initial_not_a_string(circ, initial):
    with pytest.raises(TypeError, match=arg("initial")):
        tnbp.simulate(circ, initial=initial)


@pytest.mark.parametrize(
    "cutoff, exc",
    [(-1e-3, ValueError), (1.0, ValueError), (np.nan, ValueError), ("0", TypeError)],
)
def test_cutoff(circ, cutoff, exc):
    with pytest.raises(exc, match=arg("cutoff")):
        tnbp.simulate(circ, cutoff=cutoff)


@pytest.mark.parametrize("circuit", ["OPENQASM 2.0;", None, np.eye(2)])
def test_simulate_needs_a_circuit(circuit):
    with pytest.raises(TypeError, match=arg("circuit")):
        tnbp.simulate(circuit)


def test_mps_needs_two_qubits():
    with pytest.raises(ValueError, match=arg("backend")):
        tnbp.simulate(tnbp.Circuit(1), backend="mps")


def test_unknown_trust_opts_key(circ):
    with pytest.raises(ValueError, match=arg("trust_opts")):
        tnbp.simulate(circ, trust_opts={"margn": 1.0})


@pytest.fixture
def no_mps_run(monkeypatch):
    """Make any MPS simulation fail loudly: validation must come first."""

    def forbidden(*args, **kwargs):
        raise AssertionError("simulation started before validating its options")

    monkeypatch.setattr(mps_backend, "_run", forbidden)


@pytest.mark.parametrize("max_bond", ["auto", None, 8])
@pytest.mark.parametrize("opts", [{"bogus": 1}, {"start": 8, "Tol": 1e-3}])
def test_unknown_auto_opts_key(circ, no_mps_run, opts, max_bond):
    with pytest.raises(ValueError, match=arg("auto_opts") + ".*unknown") as info:
        tnbp.simulate(circ, max_bond=max_bond, auto_opts=opts)
    bad = next(k for k in opts if k not in mps_backend.AUTO_DEFAULTS)
    assert repr(bad) in str(info.value)


def test_unknown_auto_opts_key_dense():
    with pytest.raises(ValueError, match=arg("auto_opts")):
        tnbp.simulate(tnbp.Circuit(2), backend="dense", auto_opts={"bogus": 1})


@pytest.mark.parametrize(
    "opts",
    [
        {"start": 0},
        {"start": -1},
        {"start": 2.5},
        {"start": "x"},
        {"tol": -1.0},
        {"tol": float("nan")},
        {"time_cap": 0},
        {"time_cap": -1.0},
        {"time_cap": "1 min"},
        {"time_cap": float("inf")},
        {"memory_cap": 0},
        [("start", 2)],
    ],
    ids=[
        "start0",
        "start-1",
        "start2.5",
        "start_str",
        "tol-1",
        "tol_nan",
        "time0",
        "time-1",
        "time_str",
        "time_inf",
        "memory0",
        "list",
    ],
)
def test_bad_auto_opts_values(circ, opts):
    with pytest.raises((ValueError, TypeError), match=arg("auto_opts")):
        tnbp.simulate(circ, max_bond="auto", auto_opts=opts)


@pytest.mark.parametrize("n", [dense_backend.MAX_DENSE_QUBITS + 1, 40, 64])
def test_dense_register_too_large_fails_before_allocating(monkeypatch, n):
    """The limit is checked from ``n`` alone: no amplitude array is ever made."""

    def forbidden(bits):
        raise AssertionError("dense backend allocated a statevector")

    monkeypatch.setattr(dense_backend, "basis_state", forbidden)
    c = tnbp.Circuit(n)
    c.h(0)
    c.cnot(0, n - 1)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=arg("backend") + ".*limited to") as info:
            tnbp.simulate(c, backend="dense", initial="1" * n)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"n={n}" in str(info.value)
    assert peak < 2**20, f"{peak} bytes traced while rejecting a {n}-qubit register"


def test_the_dense_limit_is_stated_once():
    """The README said 26 qubits, the docstrings about 24: one limit, from limits.py
    (the package map, once in the README, is in the guide's index)."""
    from pathlib import Path

    from tnbp.limits import MAX_DENSE_QUBITS
    from tnbp.states.simulate import simulate

    limit = MAX_DENSE_QUBITS
    guide = (Path(__file__).parents[1] / "docs" / "guide" / "index.md").read_text()
    stated = re.findall(
        r"≤ (\d+) qubits: (?:\{py:obj\})?`tnbp.limits.MAX_DENSE_QUBITS`", guide
    )
    assert stated == [str(limit)]
    for doc in (dense_backend.__doc__, simulate.__doc__):
        assert f"MAX_DENSE_QUBITS` ({limit})" in doc
        assert not re.search(r"~\s*24|about 24", doc)


def test_dense_estimates_do_not_form_the_bond_record():
    """An entropy of a dense state took every cut's SVD (193 s at n = 22, not 4)."""
    st = tnbp.simulate(tnbp.ansatz.hardware_efficient(12, 2, seed=0), backend="dense")
    s = tnbp.entropy(st, 3)
    tnbp.trace_distance_to_maximally_mixed(st, tnbp.Partition.middle(2, 12))
    assert "record" not in vars(st)  # only the cuts asked for were decomposed
    assert s.caveats == () and s.truncation_error == 0.0 and st.trusted
    assert st.record.num_truncations == 0  # and the record, when asked, agrees


# ------------------------------------------------------------------ estimators
@pytest.mark.parametrize("cut", [0, N, -1, N + 3])
def test_entropy_cut_out_of_range(state, cut):
    with pytest.raises(
        ValueError, match=arg("cut") + rf" must be between 1 and n-1 = {N - 1}"
    ):
        tnbp.entropy(state, cut)


@pytest.mark.parametrize("cut", [1.0, "1", None])
def test_entropy_cut_wrong_type(state, cut):
    with pytest.raises(TypeError, match=arg("cut")):
        tnbp.entropy(state, cut)


SUBSYSTEM_FUNCS = {
    "subsystem_entropy": tnbp.subsystem_entropy,
    "purity": tnbp.purity,
    "trace_distance_to_maximally_mixed": tnbp.trace_distance_to_maximally_mixed,
}


@pytest.mark.parametrize(
    "qubits, what",
    [
        ((0, 0), "repeated"),
        ((1, 3, 1), "repeated"),
        ((N,), "out of range"),
        ((0, N + 2), "out of range"),
        ((-1,), "out of range"),
        (N, "out of range"),
        ((), "at least one"),
    ],
)
@pytest.mark.parametrize("func", sorted(SUBSYSTEM_FUNCS))
def test_bad_subsystem(state, func, qubits, what):
    with pytest.raises(ValueError, match=arg("qubits") + f".*{what}"):
        SUBSYSTEM_FUNCS[func](state, qubits)


@pytest.mark.parametrize("qubits", ["01", (0.0, 1.0), None])
@pytest.mark.parametrize("func", sorted(SUBSYSTEM_FUNCS))
def test_subsystem_wrong_type(state, func, qubits):
    with pytest.raises(TypeError, match=arg("qubits")):
        SUBSYSTEM_FUNCS[func](state, qubits)


ALPHA_CALLS = {
    "entropy": lambda st, a: tnbp.entropy(st, 2, alpha=a),
    "entropy_profile": lambda st, a: tnbp.entropy_profile(st, alpha=a),
    "subsystem_entropy": lambda st, a: tnbp.subsystem_entropy(st, (0, 2), alpha=a),
    "mutual_information": lambda st, a: tnbp.mutual_information(
        st, (0,), (2,), alpha=a
    ),
}


@pytest.mark.parametrize("alpha", [-1, -0.5, -1e-300, -np.inf, np.nan])
@pytest.mark.parametrize("call", sorted(ALPHA_CALLS))
def test_bad_renyi_order(state, call, alpha):
    with pytest.raises(
        ValueError, match=arg("alpha") + r" \(Renyi order\) must be >= 0"
    ):
        ALPHA_CALLS[call](state, alpha)


@pytest.mark.parametrize("alpha", ["2", None, 1j])
@pytest.mark.parametrize("call", ["entropy", "subsystem_entropy"])
def test_renyi_order_wrong_type(state, call, alpha):
    with pytest.raises(TypeError, match=arg("alpha")):
        ALPHA_CALLS[call](state, alpha)


@pytest.mark.parametrize("size", [N - 1, N + 1])
@pytest.mark.parametrize("func", sorted(SUBSYSTEM_FUNCS))
def test_partition_of_wrong_size(state, func, size):
    partition = tnbp.Partition.first(1, size)
    with pytest.raises(
        ValueError, match=rf"Partition of {size} qubits but the state has {N}"
    ):
        SUBSYSTEM_FUNCS[func](state, partition)


def test_mutual_information_overlapping_sets(state):
    with pytest.raises(ValueError, match=arg("a") + " and " + arg("b") + ".*disjoint"):
        tnbp.mutual_information(state, (0, 1), (1, 2))


@pytest.mark.parametrize("which", ["a", "b"])
def test_mutual_information_bad_set(state, which):
    sets = {"a": (0,), "b": (1,), which: (N,)}
    with pytest.raises(ValueError, match=arg(which)):
        tnbp.mutual_information(state, sets["a"], sets["b"])


@pytest.mark.parametrize(
    "pauli, qubits, name",
    [
        ("ZA", (0, 1), "pauli"),
        ("ZZZ", (0, 1), "pauli"),
        ("Z", (0, 1), "pauli"),
        ("ZZ", (1, 1), "qubits"),
        ("ZZ", (0, N), "qubits"),
    ],
)
def test_expectation_bad_input(state, pauli, qubits, name):
    with pytest.raises(ValueError, match=arg(name)):
        tnbp.expectation(state, pauli, qubits)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: tnbp.entropy(x, 1),
        lambda x: tnbp.entropy_profile(x),
        lambda x: tnbp.subsystem_entropy(x, (0,)),
        lambda x: tnbp.purity(x, (0,)),
        lambda x: tnbp.trace_distance_to_maximally_mixed(x, (0,)),
        lambda x: tnbp.expectation(x, "Z", (0,)),
        lambda x: tnbp.mutual_information(x, (0,), (1,)),
    ],
    ids=["entropy", "profile", "subsystem", "purity", "distance", "expectation", "mi"],
)
def test_estimators_need_a_state(small_circuit, call):
    with pytest.raises(TypeError, match=arg("state")):
        call(small_circuit)


# ------------------------------------------------------------------- Partition
@pytest.mark.parametrize(
    "visible, hidden, match",
    [
        ((0, 1), (1, 2), "overlap on qubits \\[1\\]"),
        ((0, 1, 2), (2,), "overlap"),
        ((0, 1), (3,), "missing \\[2\\]"),
        ((1,), (2,), "missing \\[0\\]"),
        ((0, 2), (4, 5), "missing \\[1, 3\\]"),
    ],
    ids=["overlap", "overlap_all", "gap", "gap_at_zero", "gaps"],
)
def test_partition_not_a_split(visible, hidden, match):
    with pytest.raises(
        ValueError, match=arg("visible") + " and " + arg("hidden") + ".*" + match
    ):
        tnbp.Partition(visible, hidden)


@pytest.mark.parametrize(
    "visible, hidden, name",
    [
        ((0, 0), (1,), "visible"),
        ((0,), (1, 1), "hidden"),
        ((), (0, 1), "visible"),
        ((-1,), (0,), "visible"),
    ],
    ids=["repeated_visible", "repeated_hidden", "empty_visible", "negative"],
)
def test_partition_bad_sets(visible, hidden, name):
    with pytest.raises(ValueError, match=arg(name)):
        tnbp.Partition(visible, hidden)


@pytest.mark.parametrize("n_visible, n", [(0, 3), (4, 3), (-1, 3)])
def test_partition_first(n_visible, n):
    with pytest.raises(ValueError, match=arg("n_visible")):
        tnbp.Partition.first(n_visible, n)


def test_partition_negative_qubit_message():
    with pytest.raises(ValueError) as info:
        tnbp.Partition((-1,), (0,))
    assert str(2**62) not in str(info.value)


# -------------------------------------------------------------------- from_qasm
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


@pytest.mark.parametrize(
    "source",
    [
        "hello world\nnot qasm",
        HEADER + "qreg q[2];\nfoo q[0];\n",
        HEADER + "qreg q[2];\nh q[0]\n",
        HEADER + "qreg q[2];\ncx q[0],q[5];\n",
        HEADER + "h q[0];\n",
        HEADER + "qreg q[2];\nrx(theta) q[0];\n",
        HEADER + "qreg q[2];\nrx(0/0) q[0];\n",
        "OPENQASM 3.0;\nqubit[2] q;\nh q[0];\n",
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nctrl @ swap q[0], q[1], q[2];\n',
    ],
    ids=[
        "garbage",
        "unknown_gate",
        "no_semicolon",
        "index",
        "no_register",
        "free_parameter",
        "division_by_zero",
        "qasm3",
        "three_qubit_gate",
    ],
)
def test_from_qasm_invalid_text(source):
    with pytest.raises(ValueError, match=arg("source")):
        tnbp.from_qasm(source)


@pytest.mark.parametrize("source", [123, None, b"OPENQASM 2.0;\n"])
def test_from_qasm_not_text(source):
    with pytest.raises(TypeError, match=arg("source")):
        tnbp.from_qasm(source)


# ------------------------------------------------ messages naming the argument
# The checks below pass (the input is rejected) but the message names some
# other, internal argument than the one the caller passed.
@pytest.mark.parametrize(
    "call, name",
    [
        (lambda c: c.rx(0.1, 3), "q"),
        (lambda c: c.ry(0.1, -1), "q"),
        (lambda c: c.rz(0.1, 5), "q"),
        (lambda c: c.cz(0, 3), "j"),
        (lambda c: c.cnot(3, 0), "i"),
    ],
    ids=["rx", "ry", "rz", "cz", "cnot"],
)
def test_gate_errors_name_their_parameter(circ, call, name):
    with pytest.raises(ValueError, match=arg(name)):
        call(circ)


@pytest.mark.parametrize("gate", ["rx", "ry", "rz"])
def test_rotation_given_two_qubits(circ, gate):
    with pytest.raises(TypeError, match=arg("q")):
        getattr(circ, gate)(0.1, (0, 1))


@pytest.mark.parametrize("which", ["a", "b"])
def test_wrong_partition_in_mutual_information_names_it(state, which):
    sets = {"a": (0,), "b": (1,), which: tnbp.Partition.first(1, N + 1)}
    with pytest.raises(ValueError, match=arg(which)):
        tnbp.mutual_information(state, sets["a"], sets["b"])


@pytest.mark.parametrize(
    "source",
    ["", HEADER, HEADER + "qreg q[2];\ncx q[0],q[0];\n"],
    ids=["empty", "no_qubits", "repeated_qubit"],
)
def test_from_qasm_errors_name_source(source):
    with pytest.raises(ValueError, match=arg("source")):
        tnbp.from_qasm(source)


# ------------------------------------------------------ random bad input (hypothesis)
@HYPOTHESIS
@given(q=st.integers().filter(lambda q: not 0 <= q < 3), other=st.integers(0, 2))
def test_random_out_of_range_qubit(q, other):
    c = tnbp.Circuit(3)
    with pytest.raises(ValueError, match=arg("qubits") + ".*out of range"):
        c.apply(I4, other, q)
    with pytest.raises(ValueError, match="out of range"):
        c.pauli_rotation(0.1, "Z", q)
    assert len(c) == 0


@HYPOTHESIS
@given(
    initial=st.text(st.characters(codec="ascii"), max_size=6).filter(
        lambda s: len(s) != 3 or set(s) - {"0", "1"}
    )
)
def test_random_bad_initial(initial):
    with pytest.raises(ValueError, match=arg("initial")):
        tnbp.simulate(tnbp.Circuit(3), backend="dense", initial=initial)


@HYPOTHESIS
@given(
    pauli=st.text(st.characters(codec="ascii"), min_size=1, max_size=2).filter(
        lambda s: set(s.upper()) - set("IXYZ")
    )
)
def test_random_bad_pauli(pauli):
    c = tnbp.Circuit(3)
    with pytest.raises(ValueError, match=arg("pauli")):
        c.pauli_rotation(0.1, pauli, (0, 1)[: len(pauli)])


@HYPOTHESIS
@given(seed=st.integers(0, 2**32 - 1), k=st.sampled_from([1, 2]))
def test_random_non_unitary(seed, k):
    rng = np.random.default_rng(seed)
    U = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    with pytest.raises(ValueError, match=arg("U") + " is not unitary"):
        tnbp.Circuit(2).apply(U, *range(k))


@HYPOTHESIS
@given(
    params=st.lists(
        st.floats(allow_nan=False, allow_infinity=False), max_size=6
    ).filter(lambda p: len(p) != 2)
)
def test_random_bind_length(params):
    c = tnbp.Circuit(2)
    c.rx(0.1, 0)
    c.pauli_rotation(0.2, "XX", (0, 1))
    with pytest.raises(ValueError, match=arg("params")):
        c.bind(params)


@HYPOTHESIS
@given(alpha=st.floats(max_value=-1e-300) | st.just(float("nan")))
def test_random_negative_alpha(state, alpha):
    with pytest.raises(ValueError, match=arg("alpha")):
        tnbp.subsystem_entropy(state, (0, 2), alpha=alpha)
