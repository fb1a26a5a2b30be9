r"""The OpenQASM standard gate libraries, as tnbp gates.

Two libraries are built in, each made available to a program by its
``include``: ``qelib1.inc`` (OpenQASM 2, in the extended form that qiskit
reads and writes) and ``stdgates.inc`` (OpenQASM 3). The built-in gates ``U``
and ``CX`` (OpenQASM 2) or ``U`` and ``gphase`` (OpenQASM 3) need no include.

Each gate is one of three kinds:

* a Pauli rotation :math:`e^{-i\theta P/2}` (``rx``, ``ry``, ``rz`` and, in
  qelib1.inc, ``rxx`` and ``rzz``), which becomes a (trainable) rotation of
  the circuit;
* a fixed unitary on one or two qubits, given by its exact matrix;
* a gate on three or more qubits (``ccx``, ``cswap``, ``rccx``, ``rc3x``,
  ``c3x``, ``c3sqrtx``, ``c4x``), expanded by its qelib1.inc definition
  (:data:`DEFINITIONS`) into one- and two-qubit gates, since a
  :class:`~tnbp.Circuit` holds gates on at most two qubits. The definitions
  are exact up to a global phase, which no measurement sees.

Matrices follow tnbp's convention: the first qubit of a gate is its most
significant factor, so a controlled gate :math:`C(V)` on ``(control,
target)`` is :math:`|0\rangle\langle 0| \otimes I + |1\rangle\langle 1|
\otimes V`. One-qubit matrices are the textbook ones, as in qiskit:

.. math::

    U(\theta, \phi, \lambda) = \begin{pmatrix} \cos\frac\theta2 &
    -e^{i\lambda}\sin\frac\theta2 \\ e^{i\phi}\sin\frac\theta2 &
    e^{i(\phi+\lambda)}\cos\frac\theta2 \end{pmatrix},
    \qquad p(\lambda) = u1(\lambda) = \mathrm{diag}(1, e^{i\lambda}),

``u2(phi, lam) = U(pi/2, phi, lam)``, ``sx`` = :math:`\sqrt{X}` with
eigenvalues 1 and :math:`i`, ``cu(theta, phi, lam, gamma)`` =
:math:`C(e^{i\gamma} U(\theta,\phi,\lambda))`, ``crx`` = :math:`C(R_X)`,
``cu1`` = ``cp`` = :math:`C(p)`. ``id`` and ``u0`` are identities.

Global phases follow each library's definitions, since ``ctrl @`` makes them
relative phases. OpenQASM 2's ``U`` is the matrix above. OpenQASM 3's built-in
``U`` is :math:`e^{i\theta/2}` times it (the current specification,
https://openqasm.com/language/gates.html#U; the 3.0 text had no such phase).
With it every stdgates.inc definition is its textbook matrix exactly (``x a {
U(π, 0, π) a; gphase(-π/2); }`` is :math:`X`), except ``u3`` and ``u2``,
defined as ``gphase(-(φ+λ+θ)/2); U(θ, φ, λ)``: they are
:math:`e^{-i(\phi+\lambda)/2}` times the matrix above.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np

from .gates import CNOT, CZ, SWAP, H, rotation_matrix


@dataclasses.dataclass(frozen=True)
class StandardGate:
    r"""A gate of a standard library: its signature and what it becomes.

    Attributes
    ----------
    name : str
        The OpenQASM name.
    num_params : int
        Number of angle parameters.
    num_qubits : int
        Number of qubit arguments.
    pauli : str or None
        For a Pauli rotation :math:`e^{-i\theta P/2}` (angle = the one
        parameter), the Pauli string :math:`P`; else None.
    matrix : callable or None
        For a fixed one- or two-qubit gate, the function from the parameters
        (floats) to its ``2^k x 2^k`` complex matrix; else None. A gate with
        neither ``pauli`` nor ``matrix`` is expanded by its definition in
        :data:`DEFINITIONS` (or, for ``gphase``, is a global phase).
    """

    name: str
    num_params: int
    num_qubits: int
    pauli: str | None = None
    matrix: Callable[..., np.ndarray] | None = None


def u3_matrix(theta: float, phi: float, lam: float) -> np.ndarray:
    r"""The one-qubit gate :math:`U(\theta, \phi, \lambda)` of OpenQASM.

    Parameters
    ----------
    theta, phi, lam : float
        The Euler angles, in radians.

    Returns
    -------
    numpy.ndarray of complex128, shape (2, 2)
        :math:`\begin{pmatrix} c & -e^{i\lambda}s \\ e^{i\phi}s &
        e^{i(\phi+\lambda)}c\end{pmatrix}` with :math:`c = \cos(\theta/2)`,
        :math:`s = \sin(\theta/2)`.
    """
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    # e^{i phi} e^{i lam}, not e^{i (phi + lam)}: the sum of two large angles
    # loses the digits that keep the matrix unitary
    ephi, elam = np.exp(1j * phi), np.exp(1j * lam)
    return np.array([[c, -elam * s], [ephi * s, ephi * elam * c]], dtype=complex)


def _u3_openqasm3(theta, phi, lam):
    """stdgates.inc's ``u3``: ``gphase(-(phi+lam+theta)/2); U(theta, phi, lam)``."""
    return np.exp(-0.5j * phi) * np.exp(-0.5j * lam) * u3_matrix(theta, phi, lam)


def _u_openqasm3(theta, phi, lam):
    r"""OpenQASM 3's built-in ``U``: :math:`e^{i\theta/2}` times :func:`u3_matrix`."""
    return np.exp(0.5j * theta) * u3_matrix(theta, phi, lam)


def controlled(V: np.ndarray) -> np.ndarray:
    r"""The two-qubit controlled gate :math:`C(V)`, control first.

    Parameters
    ----------
    V : numpy.ndarray, shape (2, 2)
        The one-qubit unitary applied when the control is 1.

    Returns
    -------
    numpy.ndarray of complex128, shape (4, 4)
        :math:`|0\rangle\langle 0| \otimes I + |1\rangle\langle 1| \otimes V`.
    """
    out = np.eye(4, dtype=complex)
    out[2:, 2:] = V
    return out


def _phase(lam):
    return np.diag([1.0, np.exp(1j * lam)])


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.diag([1.0, -1.0]).astype(complex)
_SX = np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2


def _fixed(name, num_params, num_qubits, matrix):
    return StandardGate(name, num_params, num_qubits, matrix=matrix)


def _const(M):
    return lambda: M


_ONE_QUBIT_CONSTANT = {
    "x": _X,
    "y": _Y,
    "z": _Z,
    "h": H,
    "s": _phase(np.pi / 2),
    "sdg": _phase(-np.pi / 2),
    "t": _phase(np.pi / 4),
    "tdg": _phase(-np.pi / 4),
    "sx": _SX,
    "sxdg": _SX.conj().T,
}

#: The gates every library shares, by name.
_COMMON = {
    **{k: _fixed(k, 0, 1, _const(M)) for k, M in _ONE_QUBIT_CONSTANT.items()},
    "id": _fixed("id", 0, 1, _const(np.eye(2, dtype=complex))),
    "rx": StandardGate("rx", 1, 1, pauli="X"),
    "ry": StandardGate("ry", 1, 1, pauli="Y"),
    "rz": StandardGate("rz", 1, 1, pauli="Z"),
    "u1": _fixed("u1", 1, 1, _phase),
    "p": _fixed("p", 1, 1, _phase),
    "u2": _fixed("u2", 2, 1, lambda phi, lam: u3_matrix(np.pi / 2, phi, lam)),
    "u3": _fixed("u3", 3, 1, u3_matrix),
    "cx": _fixed("cx", 0, 2, _const(CNOT)),
    "cy": _fixed("cy", 0, 2, _const(controlled(_Y))),
    "cz": _fixed("cz", 0, 2, _const(CZ)),
    "ch": _fixed("ch", 0, 2, _const(controlled(H))),
    "swap": _fixed("swap", 0, 2, _const(SWAP)),
    "cp": _fixed("cp", 1, 2, lambda lam: controlled(_phase(lam))),
    "crx": _fixed("crx", 1, 2, lambda t: controlled(rotation_matrix("X", t))),
    "cry": _fixed("cry", 1, 2, lambda t: controlled(rotation_matrix("Y", t))),
    "crz": _fixed("crz", 1, 2, lambda t: controlled(rotation_matrix("Z", t))),
    "cu": _fixed(
        "cu",
        4,
        2,
        lambda t, phi, lam, g: controlled(np.exp(1j * g) * u3_matrix(t, phi, lam)),
    ),
    "ccx": StandardGate("ccx", 0, 3),
    "cswap": StandardGate("cswap", 0, 3),
}

#: ``qelib1.inc``: the OpenQASM 2 library (qiskit's extended form).
QELIB1 = {
    **_COMMON,
    "u0": _fixed("u0", 1, 1, lambda gamma: np.eye(2, dtype=complex)),
    "u": _fixed("u", 3, 1, u3_matrix),
    "cu1": _fixed("cu1", 1, 2, lambda lam: controlled(_phase(lam))),
    "cu3": _fixed("cu3", 3, 2, lambda t, phi, lam: controlled(u3_matrix(t, phi, lam))),
    "csx": _fixed("csx", 0, 2, _const(controlled(_SX))),
    "rxx": StandardGate("rxx", 1, 2, pauli="XX"),
    "rzz": StandardGate("rzz", 1, 2, pauli="ZZ"),
    "rccx": StandardGate("rccx", 0, 3),
    "rc3x": StandardGate("rc3x", 0, 4),
    "c3x": StandardGate("c3x", 0, 4),
    "c3sqrtx": StandardGate("c3sqrtx", 0, 4),
    "c4x": StandardGate("c4x", 0, 5),
}
QELIB1 = {k: QELIB1[k] for k in sorted(QELIB1)}

#: ``stdgates.inc``: the OpenQASM 3 library.
STDGATES = {
    **{k: v for k, v in _COMMON.items() if k != "sxdg"},
    "u3": _fixed("u3", 3, 1, _u3_openqasm3),
    "u2": _fixed("u2", 2, 1, lambda phi, lam: _u3_openqasm3(np.pi / 2, phi, lam)),
    "CX": _fixed("CX", 0, 2, _const(CNOT)),
    "phase": _fixed("phase", 1, 1, _phase),
    "cphase": _fixed("cphase", 1, 2, lambda lam: controlled(_phase(lam))),
}
STDGATES = {k: STDGATES[k] for k in sorted(STDGATES)}

#: Gates built into each language version (no include needed).
BUILTINS = {
    2: {
        "U": _fixed("U", 3, 1, u3_matrix),
        "CX": _fixed("CX", 0, 2, _const(CNOT)),
    },
    3: {
        "U": _fixed("U", 3, 1, _u_openqasm3),
        "gphase": StandardGate("gphase", 1, 0),
    },
}

#: The library each standard include provides.
LIBRARIES = {"qelib1.inc": QELIB1, "stdgates.inc": STDGATES}

#: The qelib1.inc definitions of the gates on three or more qubits (as in
#: qiskit's qelib1.inc), in terms of one- and two-qubit gates of the library.
DEFINITIONS = """OPENQASM 2.0;
gate ccx a,b,c {
  h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c;
  t b; t c; h c; cx a,b; t a; tdg b; cx a,b;
}
gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }
gate rccx a,b,c {
  u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c;
  u1(-pi/4) c; u2(0,pi) c;
}
gate rc3x a,b,c,d {
  u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; cx a,d; u1(pi/4) d;
  cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; u2(0,pi) d;
  u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d;
}
gate c3x a,b,c,d {
  h d; p(pi/8) a; p(pi/8) b; p(pi/8) c; p(pi/8) d;
  cx a,b; p(-pi/8) b; cx a,b; cx b,c; p(-pi/8) c; cx a,c; p(pi/8) c; cx b,c;
  p(-pi/8) c; cx a,c; cx c,d; p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d;
  cx a,d; p(pi/8) d; cx c,d; p(-pi/8) d; cx b,d; p(pi/8) d; cx c,d; p(-pi/8) d;
  cx a,d; h d;
}
gate c3sqrtx a,b,c,d {
  h d; cu1(pi/8) a,d; h d; cx a,b; h d; cu1(-pi/8) b,d; h d; cx a,b;
  h d; cu1(pi/8) b,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c;
  h d; cu1(pi/8) c,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d; cx a,c;
  h d; cu1(pi/8) c,d; h d;
}
gate c4x a,b,c,d,e {
  h e; cu1(pi/2) d,e; h e; c3x a,b,c,d; h e; cu1(-pi/2) d,e; h e; c3x a,b,c,d;
  c3sqrtx a,b,c,e;
}
"""


@functools.lru_cache(maxsize=1)
def parsed_definitions() -> dict:
    """The gate definitions of :data:`DEFINITIONS`, parsed once.

    Returns
    -------
    dict
        Gate name to its ``openqasm3.ast.QuantumGateDefinition``.
    """
    import openqasm3

    program = openqasm3.parse(DEFINITIONS)
    return {s.name.name: s for s in program.statements}


def principal_power(U: np.ndarray, r: float) -> np.ndarray:
    r"""The principal power :math:`U^r` of a unitary.

    With the Schur form :math:`U = Q\,\mathrm{diag}(e^{i\varphi_k})\,Q^\dagger`
    (exact for a normal matrix) and phases :math:`\varphi_k \in (-\pi, \pi]`,
    :math:`U^r = Q\,\mathrm{diag}(e^{i r\varphi_k})\,Q^\dagger`, the branch
    OpenQASM 3 uses for ``pow(r) @``.

    Parameters
    ----------
    U : numpy.ndarray, shape (d, d)
        A unitary matrix.
    r : float
        The exponent.

    Returns
    -------
    numpy.ndarray of complex128, shape (d, d)
        The unitary :math:`U^r`.
    """
    from scipy.linalg import schur

    T, Q = schur(np.asarray(U, dtype=complex), output="complex")
    phases = np.angle(np.diag(T))
    phases[phases <= -np.pi + 1e-15] = np.pi  # the branch cut: e^{i pi} not e^{-i pi}
    return (Q * np.exp(1j * r * phases)) @ Q.conj().T


def multi_controlled(V: np.ndarray, controls: tuple[int, ...], target: int) -> list:
    r"""One- and two-qubit gates that apply :math:`V` when all ``controls`` are 1.

    Lemma 7.5 of Barenco et al.: with :math:`W^2 = V` (principal root),
    :math:`C^k(V) = C(W)_{c_k t}\, C^{k-1}(X)_{c_{<k}, c_k}\, C(W^\dagger)_{c_k t}\,
    C^{k-1}(X)_{c_{<k}, c_k}\, C^{k-1}(W)_{c_{<k}, t}` (rightmost first), applied
    recursively; :math:`k = 1` is the two-qubit gate :func:`controlled`. The
    gate count grows as :math:`3^k`.

    Parameters
    ----------
    V : numpy.ndarray, shape (2, 2)
        The one-qubit unitary.
    controls : tuple of int
        The control qubits, at least one.
    target : int
        The target qubit.

    Returns
    -------
    list of tuple
        The gates in application order, each a pair: its matrix, a
        ``numpy.ndarray of complex128`` of shape (4, 4) (a controlled
        unitary), and its ``(control, target)`` qubits.

    References
    ----------
    A. Barenco et al., "Elementary gates for quantum computation",
    Phys. Rev. A 52, 3457 (1995), arXiv:quant-ph/9503016, Lemma 7.5.
    """
    if len(controls) == 1:
        return [(controlled(V), (controls[0], target))]
    W = principal_power(V, 0.5)
    *rest, last = controls
    rest = tuple(rest)
    flip = multi_controlled(_X, rest, last)
    return [
        *multi_controlled(W, rest, target),
        *flip,
        (controlled(W.conj().T), (last, target)),
        *flip,
        (controlled(W), (last, target)),
    ]
