"""OpenQASM import: a corpus of real programs against an independent statevector.

The reference (``tests/qasm_reference.py``) shares no code with tnbp: textbook
matrices of every qelib1.inc / stdgates.inc gate, Python's evaluator for the
expressions, dense unitaries for gate definitions and modifiers. It was checked
once by hand against qiskit 2.6 (every gate matrix to 4e-16, every OpenQASM 2
program of the corpus to 3e-15). The tests below also pin each fault of issue
10, section 1 (the value the old text-substitution reader gave is in a comment).
"""

import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qasm_reference import GATES, GATES3, reference_state

import tnbp
from tnbp.models.qasm_gates import QELIB1 as QELIB1_GATES
from tnbp.models.qasm_gates import STDGATES as STDGATES_GATES

CORPUS = sorted((Path(__file__).parent / "qasm_corpus").glob("*.qasm"))
QELIB1 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
STDGATES = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def _state(circ):
    return tnbp.simulate(circ, backend="dense").statevector


def _same_up_to_phase(psi, ref):
    """Max deviation after removing the global phase (at ref's largest entry)."""
    k = np.argmax(np.abs(ref))
    return np.abs(psi - psi[k] / ref[k] * ref).max()


def _load(source):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "QASM `measure`", UserWarning)
        return tnbp.from_qasm(source)


# -------------------------------------------------------------------- the corpus
def test_corpus_is_there():
    names = {p.stem for p in CORPUS}
    assert {"pea_n5", "qaoa_n6", "qiskit_custom_n13", "stdgates_n4"} <= names
    assert len(CORPUS) >= 12


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_matches_independent_statevector(path):
    circ = _load(path)
    ref = reference_state(path.read_text())
    assert circ.n == int(np.log2(ref.size))
    # a few hundred gates with entries exact to ~1e-16: rounding stays < 1e-13
    assert _same_up_to_phase(_state(circ), ref) < 1e-12


@pytest.mark.parametrize(
    "name, bits, probability",
    [
        ("pea_n5", "01011", 1.0),  # phase 5/16 read as 0101, eigenstate |1>
        ("adder_n4", "1111", 1.0),  # 1 + 1 + carry 1 = 11
        ("deutsch_n2", "10", 0.5),  # balanced oracle: first qubit 1
        ("grover_n3", "101", np.sin(5 * np.arcsin(1 / np.sqrt(8))) ** 2),
    ],
)
def test_corpus_algorithms_give_their_answer(name, bits, probability):
    psi = _state(_load(CORPUS[[p.stem for p in CORPUS].index(name)]))
    # exact algorithms: only rounding (1e-15 per gate) separates them from the answer
    assert abs(psi[int(bits, 2)]) ** 2 == pytest.approx(probability, abs=1e-12)


def test_pea_n5_fault_fixed():
    # before: ValueError "`U` must have shape (4, 4) ..., got (2, 2, 2, 2)" (cu1)
    circ = _load(CORPUS[[p.stem for p in CORPUS].index("pea_n5")])
    assert [g.label for g in circ.gates].count("CU1") == 10


# ------------------------------------------------------------ every standard gate
PARAMS = (0.37, -1.21, 0.83, 0.29)


def _unitary(circ):
    cols = []
    for k in range(2**circ.n):
        initial = format(k, f"0{circ.n}b")
        cols.append(tnbp.simulate(circ, backend="dense", initial=initial).statevector)
    return np.array(cols).T


@pytest.mark.parametrize(
    "header, name, num_params, num_qubits",
    [
        pytest.param(h, name, spec.num_params, spec.num_qubits, id=f"{tag}-{name}")
        for tag, h, library in (
            ("qelib1", QELIB1, QELIB1_GATES),
            ("stdgates", STDGATES, STDGATES_GATES),
        )
        for name, spec in library.items()
    ],
)
def test_every_library_gate_has_its_textbook_matrix(
    header, name, num_params, num_qubits
):
    params = PARAMS[:num_params]
    call = name + (f"({', '.join(map(str, params))})" if params else "")
    qubits = [num_qubits - 1 - k for k in range(num_qubits)]  # reversed: order matters
    decl = "qreg q[5];" if header == QELIB1 else "qubit[5] q;"
    text = (
        header + decl + "\n" + call + " " + ", ".join(f"q[{k}]" for k in qubits) + ";\n"
    )
    circ = tnbp.from_qasm(text)
    U = _unitary(circ)
    ref = _unitary_from_reference(name, params, qubits, 5, header == STDGATES)
    if num_qubits <= 2:
        # one exact matrix, global phase included
        assert_allclose(U, ref, atol=1e-14)
    else:
        # the qelib1.inc decompositions are exact up to a global phase
        k = np.unravel_index(np.argmax(np.abs(ref)), ref.shape)
        assert_allclose(U, U[k] / ref[k] * ref, atol=1e-13)


def _unitary_from_reference(name, params, qubits, n, openqasm3=False):
    from qasm_reference import apply

    table = GATES3 if openqasm3 and name in GATES3 else GATES
    U = np.eye(2**n, dtype=complex).reshape((2,) * n + (2**n,))
    return apply(U, table[name][1](*params), qubits).reshape(2**n, 2**n)


@pytest.mark.parametrize(
    "gate, pauli",
    [("rx", "X"), ("ry", "Y"), ("rz", "Z"), ("rxx", "XX"), ("rzz", "ZZ")],
)
def test_pauli_rotations_are_trainable_with_the_same_sign(gate, pauli):
    qubits = "q[1], q[0]" if len(pauli) == 2 else "q[1]"
    circ = tnbp.from_qasm(QELIB1 + f"qreg q[2];\n{gate}(0.7) {qubits};\n")
    (g,) = circ.gates
    assert g.pauli == pauli and g.trainable and g.theta == 0.7
    assert g.qubits == ((1, 0) if len(pauli) == 2 else (1,))
    # OpenQASM's rzz(t) = exp(-i t ZZ/2) (qiskit's RZZGate), tnbp's convention too
    ref = GATES[gate][1](0.7)
    assert_allclose(g.to_matrix(), ref, atol=1e-15)
    fixed = tnbp.from_qasm(
        QELIB1 + f"qreg q[2];\n{gate}(0.7) {qubits};\n", trainable=False
    )
    assert fixed.num_parameters == 0 and fixed.gates[0].pauli == pauli


def test_only_pauli_rotations_become_parameters():
    circ = tnbp.from_qasm(
        QELIB1 + "qreg q[2];\ncrx(0.1) q[0],q[1];\nu1(0.2) q[0];\np(0.3) q[1];\n"
        "u3(0.4,0,0) q[0];\ncu3(0.5,0,0) q[0],q[1];\nrz(0.6) q[1];\n"
    )
    assert_allclose(circ.parameters, [0.6])


# -------------------------------------------------------------- gate definitions
def test_definition_parameters_are_evaluated_as_numbers():
    # before: 2.356 (2*pi/4+pi/4) and -0.5 (-0.3-0.2), silently
    circ = tnbp.from_qasm(
        QELIB1 + "gate g(t) a { rz(2*t) a; }\ngate h2(t) a { rx(-t) a; }\n"
        "qreg q[1];\ng(pi/4+pi/4) q[0];\nh2(0.3-0.2) q[0];\n"
    )
    # the float arithmetic of the program itself: 0.3-0.2 = 0.09999999999999998
    assert_allclose(circ.parameters, [np.pi, -0.1], rtol=0, atol=1e-15)


def test_names_sharing_a_prefix_do_not_collide():
    # before: 0.12 for the first (t replaced inside t2), a format error for the second
    circ = tnbp.from_qasm(
        QELIB1 + "gate g(t, t2) x { rz(t2) x; }\ngate k(t2, t) x { rz(t2) x; }\n"
        "qreg q[1];\ng(0.1, 0.2) q[0];\nk(0.1, 0.2) q[0];\n"
    )
    assert_allclose(circ.parameters, [0.2, 0.1], rtol=0, atol=0)


def test_composite_gate_on_eleven_qubits():
    # before: ValueError "Unknown qubit identifier: q[1]0"
    args = ",".join(f"q{i}" for i in range(11))
    text = (
        QELIB1
        + f"gate big(a, ab) {args} {{ h q1; cx q1,q10; rz(ab) q10; rx(a) q0; }}\n"
        + "qreg q[11];\nbig(0.1, 0.2) "
        + ",".join(f"q[{i}]" for i in range(11))
        + ";\n"
    )
    circ = tnbp.from_qasm(text)
    assert [(g.label, g.qubits) for g in circ.gates] == [
        ("H", (1,)),
        ("CX", (1, 10)),
        ("RZ", (10,)),
        ("RX", (0,)),
    ]
    assert_allclose(circ.parameters, [0.2, 0.1], rtol=0, atol=0)


def test_expressions_and_functions():
    circ = tnbp.from_qasm(
        QELIB1
        + "qreg q[1];\nrx(sin(pi/2)^2 + ln(exp(1)) + sqrt(4) - cos(0)*tan(0)) q[0];\n"
        "rx(2^3^2) q[0];\nrx(-2*-3/4) q[0];\n"
    )
    # OpenQASM 2: ^ is the power, right-associative as in Python's **
    assert_allclose(circ.parameters, [4.0, 2.0**9, 1.5], rtol=1e-15)


def test_include_next_to_a_file(tmp_path):
    (tmp_path / "mine.inc").write_text("gate twist(t) a, b { cx a, b; rz(t) b; }\n")
    path = tmp_path / "prog.qasm"
    path.write_text(
        QELIB1 + 'include "mine.inc";\nqreg q[2];\ntwist(0.4) q[0], q[1];\n'
    )
    assert_allclose(tnbp.from_qasm(path).parameters, [0.4])
    with pytest.raises(ValueError, match='line 3.*cannot include "mine.inc"'):
        tnbp.from_qasm(path.read_text())


# ---------------------------------------------------------------- OpenQASM 3
def test_openqasm3_program():
    # before: ValueError "Unknown gate: OPENQASM"
    circ = tnbp.from_qasm(
        STDGATES + "qubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nrz(π/2) q[1];\n"
    )
    assert [g.label for g in circ.gates] == ["H", "CX", "RZ"]
    assert_allclose(circ.parameters, [np.pi / 2])


def test_openqasm3_modifiers():
    circ = tnbp.from_qasm(
        STDGATES + "qubit[3] q;\ninv @ rx(0.3) q[0];\npow(3) @ ry(0.2) q[1];\n"
        "ctrl @ rz(0.5) q[0], q[1];\nnegctrl @ x q[1], q[2];\n"
    )
    # inv and integer pow of a rotation stay rotations; ctrl makes a fixed gate
    assert_allclose(circ.parameters, [-0.3, 0.6], rtol=1e-15)
    assert [g.label for g in circ.gates] == ["RX", "RY", "CRZ", "X", "CX", "X"]
    ref = reference_state(
        STDGATES + "qubit[3] q;\ninv @ rx(0.3) q[0];\npow(3) @ ry(0.2) q[1];\n"
        "ctrl @ rz(0.5) q[0], q[1];\nnegctrl @ x q[1], q[2];\n"
    )
    assert _same_up_to_phase(_state(circ), ref) < 1e-14


def test_openqasm3_controlled_multi_qubit_gate_is_refused():
    with pytest.raises(
        ValueError, match=r"line 4.*`ctrl @` on the 2-qubit gate `swap`"
    ):
        tnbp.from_qasm(STDGATES + "qubit[3] q;\nctrl @ swap q[0], q[1], q[2];\n")


# ------------------------------------------------------------ errors name the line
@pytest.mark.parametrize(
    "program, message",
    [
        # before: silently dropped the second parameter (rx) / qubit (custom)
        (
            QELIB1 + "qreg q[2];\nrx(0.1, 0.2) q[0];\n",
            r"line 4.*`rx` takes 1 parameter",
        ),
        (
            QELIB1 + "qreg q[2];\nh q[0], q[1];\n",
            r"line 4.*`h` acts on 1 qubit\(s\), got 2",
        ),
        (
            QELIB1 + "gate g(t) a { rz(t) a; }\nqreg q[2];\ng(0.1, 0.2) q[0];\n",
            r"line 5.*`g` takes 1 parameter\(s\), got 2",
        ),
        (
            QELIB1 + "gate g(t) a { rz(t) a; }\nqreg q[2];\ng(0.1) q[0], q[1];\n",
            r"line 5.*`g` acts on 1 qubit\(s\), got 2",
        ),
        # before: a bare IndexError from quimb
        (
            QELIB1 + "qreg q[2];\nu3(0.1) q[0];\n",
            r"line 4.*`u3` takes 3 parameter\(s\), got 1",
        ),
        (
            QELIB1 + "qreg q[2];\ncx q[0];\n",
            r"line 4.*`cx` acts on 2 qubit\(s\), got 1",
        ),
        # before: accepted
        (
            "OPENQASM 2.0;\nqreg q[2];\nh q[0];\n",
            r'line 3.*`h` is not defined.*"qelib1.inc"',
        ),
        ("OPENQASM 3.0;\nqubit[2] q;\nh q[0];\n", r'line 3.*`h`.*"stdgates.inc"'),
        # before: "'q[5]'"
        (
            QELIB1 + "qreg q[2];\ncx q[0], q[5];\n",
            r"line 4 \(`cx q\[0\], q\[5\];`\): index 5 is out of range for register `q` "
            r"of size 2",
        ),
        (QELIB1 + "qreg q[2];\nh r[0];\n", r"line 4.*register `r` is not declared"),
        (QELIB1 + "qreg q[2];\nrx(theta) q[0];\n", r"line 4.*`theta` is not defined"),
        (QELIB1 + "qreg q[2];\nrx(0/0) q[0];\n", r"line 4.*division by zero"),
        (QELIB1 + "qreg q[2];\nrx(ln(-1)) q[0];\n", r"line 4.*`ln`"),
        (QELIB1 + "qreg q[2];\nfoo q[0];\n", r"line 4.*gate `foo` is not defined"),
        (
            QELIB1 + "qreg q[2];\nh q[0]\n",
            r"line 4: syntax error at the end.*`h q\[0\]`",
        ),
        (QELIB1 + "opaque g a;\nqreg q[1];\n", r"line 3: syntax error.*`opaque` gates"),
        (
            QELIB1 + "gate cu1(t) a, b { cx a, b; }\n",
            r"line 3.*`cu1` is already defined",
        ),
        (
            QELIB1 + "gate g(t) a { rz(s) a; }\nqreg q[1];\ng(0.1) q[0];\n",
            r"line 5.*in the body of gate `g` \(line 3\): `s` is not defined",
        ),
        (
            QELIB1 + "gate g a, b { cx a, c; }\n",
            r"line 3.*`c`, which is not a qubit argument of `g`",
        ),
        (QELIB1 + "qreg q[2];\nqreg r[3];\ncx q, r;\n", r"line 5.*different sizes"),
        (QELIB1 + "qreg q[2];\ncx q[1], q[1];\n", r"line 4.*same qubit twice"),
    ],
)
def test_errors_name_the_line_and_gate(program, message):
    with pytest.raises(ValueError, match=r"^`source`, " + message):
        tnbp.from_qasm(program)


def test_broadcast_over_registers():
    circ = tnbp.from_qasm(QELIB1 + "qreg q[2];\nqreg r[2];\nh q;\ncx q, r;\n")
    assert [(g.label, g.qubits) for g in circ.gates] == [
        ("H", (0,)),
        ("H", (1,)),
        ("CX", (0, 2)),
        ("CX", (1, 3)),
    ]


# --------------------------------------------- measurements, resets, classical control
def test_final_measurements_warn_and_barriers_are_ignored():
    with pytest.warns(UserWarning, match="measure"):
        circ = tnbp.from_qasm(
            QELIB1 + "qreg q[2];\ncreg c[2];\nh q[0];\nbarrier q;\nmeasure q -> c;\n"
        )
    assert [g.label for g in circ.gates] == ["H"]


@pytest.mark.parametrize(
    "program, message",
    [
        # before: the measurement was dropped and h applied, silently
        (
            QELIB1 + "qreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nh q[0];\n",
            r"line 6.*after it was measured \(line 5\)",
        ),
        (
            QELIB1 + "qreg q[1];\ncreg c[1];\nif(c==1) x q[0];\n",
            r"line 5.*classical control",
        ),
        (
            QELIB1 + "qreg q[1];\nh q[0];\nreset q[0];\n",
            r"line 5.*`reset` of qubit q\[0\]",
        ),
        (STDGATES + "input float t;\nqubit q;\nrx(t) q;\n", r"line 3.*`input`"),
        (STDGATES + "qubit q;\nbit c;\nwhile (c) { x q; }\n", r"line 5.*`while`"),
    ],
)
def test_what_a_unitary_circuit_cannot_hold_is_refused(program, message):
    with pytest.raises(ValueError, match=r"^`source`, " + message):
        tnbp.from_qasm(program)


def test_reset_before_use_is_dropped():
    circ = tnbp.from_qasm(QELIB1 + "qreg q[2];\nreset q;\nh q[0];\n")
    assert [g.label for g in circ.gates] == ["H"]


@pytest.mark.parametrize("modifier", ["ctrl(3)", "negctrl(2) @ ctrl", "ctrl @ negctrl"])
def test_multi_controlled_one_qubit_gate(modifier):
    # Barenco's recursion (square roots of the gate) against the block matrix
    width = 4 if modifier != "ctrl @ negctrl" else 3
    text = (
        STDGATES
        + f"qubit[{width}] q;\nh q;\n{modifier} @ ry(0.4) "
        + ", ".join(f"q[{k}]" for k in range(width))
        + ";\n"
    )
    circ = tnbp.from_qasm(text)
    assert all(len(g.qubits) <= 2 for g in circ.gates)
    # ~3^k exact two-qubit gates, each exact to ~1e-16
    assert _same_up_to_phase(_state(circ), reference_state(text)) < 1e-13


def test_openqasm3_classical_features_unroll_to_plain_gates():
    featured = tnbp.from_qasm(
        STDGATES
        + "qubit[4] q;\nfloat[64] a = 0.5;\na += 0.25;\nint n = 2;\nn = n * 2 - 1;\n"
        "for int i in {0, 2} { rx(a * i) q[i]; }\nfor uint j in [3:-1:2] { ry(j) q[j]; }\n"
        "h q[0:1];\ncx q[-1], q[{0, 2}];\nbox { rz(n) q[1]; }\ndelay[100ns] q[0];\n"
        "barrier q;\n"
    )
    plain = tnbp.from_qasm(
        STDGATES + "qubit[4] q;\nrx(0) q[0];\nrx(1.5) q[2];\nry(3) q[3];\nry(2) q[2];\n"
        "h q[0];\nh q[1];\ncx q[3], q[0];\ncx q[3], q[2];\nrz(3) q[1];\n"
    )
    assert [(g.label, g.qubits) for g in featured.gates] == [
        (g.label, g.qubits) for g in plain.gates
    ]
    assert_allclose(featured.parameters, plain.parameters, rtol=0, atol=0)


def test_headerless_include_follows_the_includer(tmp_path):
    # an included OpenQASM 2 file without a header: ^ is still the power
    (tmp_path / "sq.inc").write_text("gate sq(t) a { rz(t^2 + 1) a; }\n")
    path = tmp_path / "prog.qasm"
    path.write_text(QELIB1 + 'include "sq.inc";\nqreg q[1];\nsq(3) q[0];\n')
    assert_allclose(tnbp.from_qasm(path).parameters, [10.0])


def test_parser_checks_name_the_line():
    with pytest.raises(
        ValueError, match=r"^`source`, line 3: cannot have a non-unitary"
    ):
        tnbp.from_qasm(STDGATES + "gate g a { reset a; }\n")


# ------------------------------------------------ adversarial review (second pass)
def _bloch(circ, qubit=0):
    """<X>, <Y> of one qubit of the circuit's state."""
    psi = _state(circ).reshape((2,) * circ.n)
    psi = np.moveaxis(psi, qubit, 0).reshape(2, -1)
    rho = psi @ psi.conj().T
    return 2 * rho[0, 1].real, -2 * rho[0, 1].imag


def test_openqasm3_controlled_u3_keeps_the_stdgates_phase():
    # before: <X0> = 1, <Y0> = 0 (the phase -i of u3(0, 0, pi) = -i Z was dropped)
    circ = tnbp.from_qasm(
        STDGATES + "qubit[2] q;\nh q[0];\nctrl @ u3(0,0,pi) q[0],q[1];"
    )
    # four exact gates: rounding only
    assert_allclose(_bloch(circ), (0.0, -1.0), atol=1e-14)


@pytest.mark.parametrize(
    "call, matrix",
    [
        # gphase(-(phi+lam+theta)/2) U(theta, phi, lam), U = e^{i theta/2} textbook
        ("u3(0.3, 0.5, 0.7)", np.exp(-0.6j) * GATES["u3"][1](0.3, 0.5, 0.7)),
        ("u2(0, pi)", -1j * GATES["h"][1]()),
        ("U(pi, 0, pi)", 1j * GATES["x"][1]()),
        ("x", GATES["x"][1]()),  # U(pi, 0, pi) then gphase(-pi/2): X exactly
        ("rx(0.4)", GATES["rx"][1](0.4)),
    ],
)
def test_openqasm3_controlled_gates_keep_their_phase(call, matrix):
    circ = tnbp.from_qasm(STDGATES + f"qubit[2] q;\nctrl @ {call} q[0], q[1];\n")
    U = _unitary(circ)
    assert_allclose(U[2:, 2:], matrix, atol=1e-14)  # one exact matrix: rounding
    assert_allclose(U[:2, :2], np.eye(2), atol=1e-14)


@pytest.mark.parametrize(
    "program, angle",
    [
        # before: every one ran the untyped value (2.7, 2.7, 5, 1.0, 2.7, 5)
        ("rx(int(2.7)) q;", 2.0),  # a cast truncates toward zero
        ("int k = 2.7; rx(k) q;", 2.0),
        ("uint[2] a = 5; rx(a) q;", 1.0),  # wraps modulo 2^2
        ("int[3] k = 5; rx(k) q;", -3.0),  # two's complement on 3 bits
        ("angle[3] a = 1.0; rx(a) q;", np.pi / 4),  # nearest multiple of 2 pi / 8
        ("int k = 2; k += 0.9; rx(k) q;", 2.0),  # assignments keep the type
        ("float f = int(-2.7); rx(f) q;", -2.0),
        ("bool b = 2.5; rx(float(b)) q;", 1.0),
        ("for int i in [0:0] { int j = i + 1.5; rx(j) q; }", 1.0),
    ],
)
def test_openqasm3_typed_values(program, angle):
    circ = tnbp.from_qasm(STDGATES + "qubit q;\n" + program)
    assert circ.parameters.tolist() == [angle]  # exact: integers and 2 pi / 8


@pytest.mark.parametrize(
    "program, message",
    [
        # before: a bare TypeError
        (
            "bool b = true;\nrx(b) q;",
            r"line 5 \(`rx\(b\) q;`\): parameter of `rx` is a bool",
        ),
        (
            "complex z = 1;",
            r"line 4.*`z`: the classical type `complex` is not supported",
        ),
        # before: bare OverflowError / "`theta` must be finite" without a line /
        # "`U` has non-finite entries" with a RuntimeWarning
        ("rx(2**1024) q;", r"line 4.*`rx` \(an integer of 309 digits\) is too large"),
        ("rx(" + "9" * 400 + ") q;", r"line 4.*`rx` \(an integer of 400 digits\)"),
        ("rx(1e400) q;", r"line 4.*parameter of `rx` is not finite"),
        ("u3(1e400, 0, 0) q;", r"line 4.*parameter of `u3` is not finite"),
        ("h q[10**400];", r"line 4.*index an integer of 401 digits is out of range"),
        # before: ran for ever computing the exact integer
        (
            "rx(2**10**10) q;",
            r"line 4.*`2 \*\* 10000000000` is an integer of more than",
        ),
    ],
)
def test_openqasm3_values_errors_name_line_and_gate(program, message):
    with pytest.raises(ValueError, match=r"^`source`, " + message):
        tnbp.from_qasm(STDGATES + "qubit q;\n" + program)


def test_openqasm2_huge_power_is_refused_not_computed():
    # before: `rx(10^10^10)` ran for ever (an exact integer of 3e10 bits)
    with pytest.raises(ValueError, match=r"line 4 \(`rx\(10\^10\^10\) q\[0\];`\)"):
        tnbp.from_qasm(QELIB1 + "qreg q[1];\nrx(10^10^10) q[0];\n")


def test_large_angles_keep_the_matrix_unitary():
    # before: "`U` is not unitary: 1.01e-10" (e^{i (phi + lam)} of a large sum)
    circ = tnbp.from_qasm(QELIB1 + "qreg q[1];\nu2(-pi^2, pi*1e6) q[0];\n")
    phi, lam = -(np.pi**2), np.pi * 1e6
    # e^{i lam} of an angle of 3e6 carries an error of ~3e6 * 1e-16 = 3e-10 in
    # its phase; the reference computes the same exponentials
    assert_allclose(_unitary(circ), GATES["u2"][1](phi, lam), atol=1e-14)


def test_integer_power_of_a_small_gate_is_one_matrix():
    # before: pow(1000000) @ cx emitted a million CX gates
    circ = tnbp.from_qasm(STDGATES + "qubit[2] q;\npow(1000001) @ cx q[0], q[1];\n")
    assert [g.label for g in circ.gates] == ["CX^1000001"]
    # CX^odd = CX exactly (matrix_power of a permutation: no rounding)
    assert_allclose(_unitary(circ), GATES["cx"][1](), atol=0)
    circ = tnbp.from_qasm(STDGATES + "qubit q;\npow(-3) @ t q;\n")
    assert_allclose(_unitary(circ), GATES["t"][1]().conj().T ** 3, atol=1e-15)


@pytest.mark.parametrize(
    "program, message",
    [
        # before: a 9.6-million-gate expansion that never finished
        (
            "qubit[16] q;\nctrl(15) @ x "
            + ", ".join(f"q[{k}]" for k in range(16))
            + ";",
            r"line 4.*`x` with 15 controls.*at most 10 controls",
        ),
        # before: "gate `x` acts on 1 qubit(s), got -4"
        (
            "qubit[7] q;\nctrl(6) @ x q[0:5], q[6];",
            r"line 4.*`x` with 6 control\(s\) acts on 7 qubit\(s\).*got 2 \(a "
            r"register or range",
        ),
        # before: a bare OverflowError
        ("qubit q;\npow(10**400) @ h q;", r"line 4.*parameter of `pow`.*too large"),
        ("qubit[10**400] r;", r"line 3.*at most 100000 qubits"),
        (
            "qubit[3] q;\npow(200000) @ ccx q[0], q[1], q[2];",
            r"line 4.*`pow\(200000\)` of the 3-qubit gate `ccx`",
        ),
    ],
)
def test_blow_ups_are_refused_with_the_line(program, message):
    with pytest.raises(ValueError, match=r"^`source`, " + message):
        tnbp.from_qasm(STDGATES + program)


def test_qelib1_extensions_may_be_defined_by_the_program():
    # before: "gate `rzz` is already defined (by qelib1.inc)"; qiskit accepts
    text = (
        QELIB1 + "gate rzz(theta) a, b { cx a, b; u1(theta) b; cx a, b; }\n"
        "gate swap a, b { cx a, b; cx b, a; cx a, b; }\n"
        "gate p(l) a { u1(2*l) a; }\nqreg q[2];\nh q;\nrzz(0.3) q[0], q[1];\n"
        "swap q[0], q[1];\np(0.2) q[1];\n"
    )
    circ = tnbp.from_qasm(text)
    # the program's definitions are used (p doubled its angle: not qelib1's p)
    assert [g.label for g in circ.gates][2:] == [
        "CX",
        "U1",
        "CX",
        "CX",
        "CX",
        "CX",
        "U1",
    ]
    assert _same_up_to_phase(_state(circ), reference_state(text)) < 1e-14


def test_loop_bodies_are_a_scope():
    # before: "`a` is already declared" on the second iteration
    circ = tnbp.from_qasm(
        STDGATES + "qubit[3] q;\nfor int i in [0:2] { float a = 0.1*i; rx(a) q[i]; }\n"
    )
    assert_allclose(circ.parameters, [0.0, 0.1, 0.2], rtol=1e-15)  # 0.1 * i


def test_recursive_definitions_and_includes_are_refused(tmp_path):
    # before: a 6,792-character message (the call stack was never popped)
    with pytest.raises(
        ValueError, match=r"^`source`, line 4 .*: gate `g` is not defined\.$"
    ):
        tnbp.from_qasm(STDGATES + "qubit q;\ngate g a { inv @ g a; }\ng q;\n")
    # modifiers in bodies are checked where the definition is written
    with pytest.raises(ValueError, match=r"line 3 .*`cx` acts on 2 qubit\(s\), got 1"):
        tnbp.from_qasm(STDGATES + "gate g a, b { ctrl @ cx a, b; }\n")
    # before: "gate definitions nest too deeply"
    path = tmp_path / "self.qasm"
    path.write_text(QELIB1 + 'include "self.qasm";\nqreg q[1];\n')
    with pytest.raises(ValueError, match=r'line 3.*"self.qasm" includes itself'):
        tnbp.from_qasm(path)


def test_paths_and_text_are_told_apart(tmp_path, capfd):
    import pathlib

    text = QELIB1 + "qreg q[1];\nh q[0];\n"
    for name in ("prog.QASM", "prog.txt"):
        (tmp_path / name).write_text(text)
    (tmp_path / "bom.qasm").write_bytes(b"\xef\xbb\xbf" + text.encode())

    class Custom:  # an os.PathLike that is not a pathlib.Path
        def __fspath__(self):
            return str(tmp_path / "prog.txt")

    # before: "prog.QASM" and "prog.txt" parsed as program text (syntax error, and
    # ANTLR's messages on stderr); a non-Path PathLike a TypeError; a BOM refused
    for source in (
        str(tmp_path / "prog.QASM"),
        str(tmp_path / "prog.txt"),
        str(tmp_path / "prog.QASM") + " ",
        Custom(),
        pathlib.PurePath(tmp_path / "bom.qasm"),
        str(tmp_path / "bom.qasm"),
        "\ufeff" + text,
        # before: read as a path (a comment ending in .qasm)
        'OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; h q[0]; // see a.qasm',
    ):
        assert [g.label for g in tnbp.from_qasm(source).gates] == ["H"]
    with pytest.raises(ValueError, match="line 1: syntax error"):
        tnbp.from_qasm("qreg q[1] h q[0];")
    assert capfd.readouterr().err == ""


def test_headerless_qasm2_reads_caret_as_power():
    # before: no header and no include: ^ read as XOR, 2^2 = 0 (identity)
    circ = tnbp.from_qasm("qreg q[1];\nU(2^2, 0, 0) q[0];\n")
    assert_allclose(_unitary(circ), GATES["u3"][1](4.0, 0, 0), atol=1e-15)


@pytest.mark.parametrize(
    "program, message",
    [
        # before: every one accepted
        (
            QELIB1 + "qreg q[2];\ncreg c[2];\nmeasure q[0] -> c[5];\n",
            r"line 5.*index 5",
        ),
        (
            QELIB1 + "qreg q[2];\ncreg c[2];\nmeasure q[0] -> nothere[0];\n",
            r"line 5.*`nothere`, which is not declared",
        ),
        (
            QELIB1 + "qreg q[2];\ncreg c[1];\nmeasure q -> c;\n",
            r"line 5.*2 qubit\(s\) into 1 bit",
        ),
        (
            STDGATES + "qubit[2] q;\nq = measure q;\n",
            r"line 4.*`q`, which is a qubit register",
        ),
        (
            STDGATES + "qubit[2] q;\nbit[3] c = measure q;\n",
            r"line 4.*2 qubit\(s\) into 3 bit",
        ),
    ],
)
def test_measurement_targets_are_checked(program, message):
    with pytest.raises(ValueError, match=r"^`source`, " + message):
        _load(program)


def test_measurement_into_matching_bits_is_dropped():
    text = (
        QELIB1
        + "qreg q[2];\ncreg c[2];\nh q[0];\nmeasure q -> c;\nmeasure q[1] -> c[1];\n"
    )
    assert [g.label for g in _load(text).gates] == ["H"]
    text = (
        STDGATES
        + "qubit[2] q;\nbit[2] c;\nh q[0];\nc = measure q;\nbit b = measure q[0];\n"
    )
    assert [g.label for g in _load(text).gates] == ["H"]


def test_openqasm3_physical_qubits():
    # before: "qubit register `$0` is not declared" (every qiskit.qasm3.dumps of a
    # transpiled circuit)
    text = STDGATES + "h $0;\ncx $0, $2;\nrz(0.3) $2;\nbit[2] c;\nc[0] = measure $0;\n"
    circ = _load(text)
    assert circ.n == 3  # 1 + the largest index used
    assert [(g.label, g.qubits) for g in circ.gates] == [
        ("H", (0,)),
        ("CX", (0, 2)),
        ("RZ", (2,)),
    ]
    with pytest.raises(ValueError, match=r"line 4.*physical qubit `\$0` in a program"):
        tnbp.from_qasm(STDGATES + "qubit[2] q;\nh $0;\n")
    with pytest.raises(ValueError, match=r"line 4.*`qubit` declaration after physical"):
        tnbp.from_qasm(STDGATES + "h $0;\nqubit[2] q;\n")


@pytest.mark.parametrize(
    "program, keyword",
    [
        ("qreg box[1];", "box"),
        ("qreg ctrl[1];", "ctrl"),
        ("qreg q[1];\ncreg output[1];", "output"),
        ("qreg int[1];", "int"),
        ("gate g(im) a { rx(im) a; }", "im"),
        ("gate inv a { x a; }", "inv"),
    ],
)
def test_openqasm3_keywords_in_openqasm2_are_named(program, keyword):
    # before: a bare "syntax error"; valid OpenQASM 2 that the OpenQASM 3 parser
    # cannot read: the message names the keyword to rename
    with pytest.raises(ValueError, match=rf"syntax error.*`{keyword}` is a keyword of"):
        tnbp.from_qasm(QELIB1 + program)


def test_openqasm3_syntax_errors_do_not_blame_keywords():
    with pytest.raises(
        ValueError, match=r"syntax error in `ctrl @ x q\[0\] q\[1\];`\.$"
    ):
        tnbp.from_qasm(STDGATES + "qubit[2] q;\nctrl @ x q[0] q[1];\n")
