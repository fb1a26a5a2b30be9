"""An independent dense statevector for the OpenQASM programs of the test corpus.

Nothing here comes from tnbp: the gates are the textbook matrices of qelib1.inc
and stdgates.inc written out below (every gate, also those on 3 to 5 qubits,
as one matrix), expressions are evaluated by Python's own evaluator with the
parameters as its variables, a ``gate`` definition is turned into the dense
unitary of its body, and the modifiers ``inv``, ``pow``, ``ctrl`` and
``negctrl`` act on that matrix. It reads the subset of the language the
corpus uses (no classical control; measurements are final and skipped).

Conventions as in tnbp: the first declared qubit is the most significant bit of
the statevector, and the first qubit of a gate the most significant factor of
its matrix. Global phases are irrelevant here: states are compared up to one.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1, -1]).astype(complex)
H = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
SX = np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2  # sqrt(X)


def u3(theta, phi, lam):
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array(
        [
            [c, -np.exp(1j * lam) * s],
            [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c],
        ]
    )


def phase(lam):
    return np.diag([1, np.exp(1j * lam)])


def rx(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def ry(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def rz(t):
    return np.diag([np.exp(-0.5j * t), np.exp(0.5j * t)])


def ctrl(V, k=1):
    """k controls (most significant) on V: identity but for the all-ones block."""
    d = V.shape[0]
    out = np.eye(d * 2**k, dtype=complex)
    out[-d:, -d:] = V
    return out


def pauli_exp(P, t):
    """exp(-i t P / 2) for P with P^2 = I."""
    return math.cos(t / 2) * np.eye(P.shape[0]) - 1j * math.sin(t / 2) * P


SWAP = np.eye(4)[[0, 2, 1, 3]].astype(complex)
# relative-phase Toffolis: the matrices of qiskit's RCCXGate and RC3XGate
# (from its documentation, first qubit most significant)
RCCX = np.eye(8, dtype=complex)
RCCX[5, 5] = -1
RCCX[6:, 6:] = [[0, -1j], [1j, 0]]
RC3X = np.eye(16, dtype=complex)
RC3X[12, 12], RC3X[13, 13] = 1j, -1j
RC3X[14:, 14:] = [[0, 1], [-1, 0]]

#: name -> (number of qubits, function of the parameters to the matrix)
GATES = {
    "id": (1, lambda: I2),
    "u0": (1, lambda g: I2),
    "x": (1, lambda: X),
    "y": (1, lambda: Y),
    "z": (1, lambda: Z),
    "h": (1, lambda: H),
    "s": (1, lambda: phase(math.pi / 2)),
    "sdg": (1, lambda: phase(-math.pi / 2)),
    "t": (1, lambda: phase(math.pi / 4)),
    "tdg": (1, lambda: phase(-math.pi / 4)),
    "sx": (1, lambda: SX),
    "sxdg": (1, lambda: SX.conj().T),
    "rx": (1, rx),
    "ry": (1, ry),
    "rz": (1, rz),
    "u1": (1, phase),
    "p": (1, phase),
    "phase": (1, phase),
    "u2": (1, lambda phi, lam: u3(math.pi / 2, phi, lam)),
    "u3": (1, u3),
    "u": (1, u3),
    "U": (1, u3),
    "gphase": (0, lambda g: np.array([[np.exp(1j * g)]])),
    "cx": (2, lambda: ctrl(X)),
    "CX": (2, lambda: ctrl(X)),
    "cy": (2, lambda: ctrl(Y)),
    "cz": (2, lambda: ctrl(Z)),
    "ch": (2, lambda: ctrl(H)),
    "csx": (2, lambda: ctrl(SX)),
    "swap": (2, lambda: SWAP),
    "crx": (2, lambda t: ctrl(rx(t))),
    "cry": (2, lambda t: ctrl(ry(t))),
    "crz": (2, lambda t: ctrl(rz(t))),
    "cu1": (2, lambda t: ctrl(phase(t))),
    "cp": (2, lambda t: ctrl(phase(t))),
    "cphase": (2, lambda t: ctrl(phase(t))),
    "cu3": (2, lambda t, f, l: ctrl(u3(t, f, l))),
    "cu": (2, lambda t, f, l, g: ctrl(np.exp(1j * g) * u3(t, f, l))),
    "rxx": (2, lambda t: pauli_exp(np.kron(X, X), t)),
    "rzz": (2, lambda t: pauli_exp(np.kron(Z, Z), t)),
    "ccx": (3, lambda: ctrl(X, 2)),
    "cswap": (3, lambda: ctrl(SWAP)),
    "rccx": (3, lambda: RCCX),
    "c3x": (4, lambda: ctrl(X, 3)),
    "c3sqrtx": (4, lambda: ctrl(SX, 3)),
    "rc3x": (4, lambda: RC3X),
    "c4x": (5, lambda: ctrl(X, 4)),
}

#: OpenQASM 3 differs in global phases, which ``ctrl @`` makes relative: its
#: built-in U is e^{i theta/2} times the textbook matrix (current specification),
#: and stdgates.inc defines u3 as gphase(-(phi+lam+theta)/2) U, u2 likewise.
GATES3 = {
    "U": (1, lambda t, f, l: np.exp(0.5j * t) * u3(t, f, l)),
    "u3": (1, lambda t, f, l: np.exp(-0.5j * (f + l)) * u3(t, f, l)),
    "u2": (1, lambda f, l: np.exp(-0.5j * (f + l)) * u3(math.pi / 2, f, l)),
}

NAMESPACE = {
    "pi": math.pi,
    "π": math.pi,
    "tau": math.tau,
    "euler": math.e,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "ln": math.log,
    "sqrt": math.sqrt,
}


def apply(state, U, qubits):
    """Apply the matrix U to the listed axes of the state tensor."""
    k = len(qubits)
    if k == 0:
        return U[0, 0] * state
    G = U.reshape((2,) * (2 * k))
    out = np.tensordot(G, state, axes=(range(k, 2 * k), qubits))
    return np.moveaxis(out, range(k), qubits)


def _split_top(text, sep=","):
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def _statements(text):
    """Split into statements; a `gate`/`for` keeps its braced body."""
    out, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        semi = text.find(";", pos)
        brace = text.find("{", pos)
        if brace != -1 and (semi == -1 or brace < semi):
            depth, end = 0, brace
            while True:
                depth += text[end] == "{"
                depth -= text[end] == "}"
                if depth == 0:
                    break
                end += 1
            out.append((text[pos:brace].strip(), text[brace + 1 : end]))
            pos = end + 1
        else:
            out.append((text[pos:semi].strip(), None))
            pos = semi + 1


CALL = re.compile(
    r"^(?P<mods>(?:(?:inv|pow\s*\([^)]*\)|(?:neg)?ctrl(?:\s*\([^)]*\))?)\s*@\s*)*)"
    r"(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<params>.*)\))?\s*(?P<args>[^()]*)$"
)


class Reference:
    """Run a program; ``state`` is the final statevector (qubit 0 most significant)."""

    def __init__(self, text: str):
        text = re.sub(r"//[^\n]*", "", text)
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        self.version = 2
        self.registers = {}
        self.n = 0
        self.custom = {}
        self.values = {}
        self.ops = []  # (matrix, absolute qubits)
        self._run(_statements(text))
        state = np.zeros((2,) * self.n, dtype=complex)
        state[(0,) * self.n] = 1
        for U, qubits in self.ops:
            state = apply(state, U, list(qubits))
        self.state = state.reshape(-1)

    def eval(self, expr, scope):
        expr = expr.replace("^", "**") if self.version == 2 else expr
        return eval(expr, {"__builtins__": {}}, {**NAMESPACE, **self.values, **scope})

    def _run(self, statements):
        for head, body in statements:
            word = head.split()[0] if head else ""
            if word == "OPENQASM":
                self.version = int(float(head.split()[1]))
            elif word == "gate":
                m = re.match(r"gate\s+(\w+)\s*(?:\((.*)\))?\s*(.*)$", head, re.S)
                params = _split_top(m.group(2) or "")
                qubits = _split_top(m.group(3))
                self.custom[m.group(1)] = (params, qubits, _statements(body))
            elif word == "for":
                m = re.match(r"for\s+\w+\s+(\w+)\s+in\s+\[(.*):(.*)\]", head)
                for v in range(int(self.eval(m[2], {})), int(self.eval(m[3], {})) + 1):
                    self.values[m[1]] = v
                    self._run(_statements(body))
            elif word == "qreg" or word.startswith("qubit"):
                m = re.match(r"qreg\s+(\w+)\[(\d+)\]|qubit(?:\[(\d+)\])?\s+(\w+)", head)
                name = m[1] or m[4]
                size = int(m[2] or m[3] or 1)
                self.registers[name] = list(range(self.n, self.n + size))
                self.n += size
            elif word in ("const", "float", "int", "angle") or word.startswith(
                "float["
            ):
                m = re.match(r"(?:const\s+)?\S+\s+(\w+)\s*=\s*(.*)$", head, re.S)
                self.values[m[1]] = self.eval(m[2], {})
            elif (
                word in ("include", "creg", "barrier", "measure")
                or word.startswith("bit")
                or "measure" in head
            ):
                continue
            else:
                self._call(head)

    def _operand(self, text):
        m = re.match(r"(\w+)\s*(?:\[(.*)\])?$", text.strip())
        reg = self.registers[m[1]]
        if m[2] is None:
            return reg
        return [reg[int(self.eval(m[2], {}))]]

    def _call(self, head):
        m = CALL.match(head)
        params = [self.eval(p, {}) for p in _split_top(m["params"] or "")]
        operands = [self._operand(a) for a in _split_top(m["args"])]
        rounds = max((len(o) for o in operands), default=1)
        U = self.unitary(m["mods"], m["name"], params)
        for k in range(rounds):
            self.ops.append((U, [o[k] if len(o) > 1 else o[0] for o in operands]))

    def unitary(self, mods, name, params):
        """The dense unitary of `mods name(params)` on its own qubits."""
        if name in self.custom:
            names, qubits, body = self.custom[name]
            scope = dict(zip(names, params))
            local = np.eye(2 ** len(qubits), dtype=complex).reshape(
                (2,) * len(qubits) + (-1,)
            )
            for head, _ in body:
                m = CALL.match(head)
                inner = [self.eval(p, scope) for p in _split_top(m["params"] or "")]
                on = [qubits.index(a) for a in _split_top(m["args"])]
                G = self.unitary(m["mods"], m["name"], inner)
                local = apply(local, G, on)
            U = local.reshape(2 ** len(qubits), -1)
        else:
            table = GATES3 if self.version == 3 and name in GATES3 else GATES
            U = table[name][1](*params)
        for mod in reversed(
            re.findall(r"(inv|pow|ctrl|negctrl)\s*(?:\(([^)]*)\))?", mods)
        ):
            kind, arg = mod
            if kind == "inv":
                U = U.conj().T
            elif kind == "pow":
                w, V = np.linalg.eig(U)
                U = V @ np.diag(w ** self.eval(arg, {})) @ np.linalg.inv(V)
            else:
                k = int(self.eval(arg, {})) if arg else 1
                U = ctrl(U, k)
                if kind == "negctrl":
                    flip = np.kron(
                        functools.reduce(np.kron, [X] * k), np.eye(U.shape[0] >> k)
                    )
                    U = flip @ U @ flip
        return U


def reference_state(text: str) -> np.ndarray:
    """The statevector of the program (complex128, shape (2**n,))."""
    return Reference(text).state
