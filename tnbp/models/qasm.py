r"""OpenQASM 2 and 3 import: a parser and a semantic pass, no text substitution.

The program is parsed by the reference OpenQASM parser (the ``openqasm3``
package, whose grammar reads OpenQASM 2 programs too) into a syntax tree, and
one walk over that tree checks and executes it: registers and their sizes,
the gate libraries made available by ``include`` (:mod:`tnbp.models.qasm_gates`),
user ``gate`` definitions (expanded at each call, with their parameters
evaluated as numbers in the caller's scope, so ``g(pi/4+pi/4)`` with body
``rz(2*t)`` gives the angle :math:`\pi`), the number of parameters and qubits
of every call, register indices, and classical expressions (exact float
arithmetic, the functions of the language). Every error names the line, the
statement and the gate.

What a :class:`~tnbp.Circuit` cannot hold is refused or dropped as documented
in :func:`from_qasm`: final measurements are dropped with a warning; resets
after a qubit was used, mid-circuit measurements, classical control and
``input`` parameters are refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import operator
import os
import re
import warnings
from pathlib import Path

import numpy as np

from ..limits import (
    MAX_QASM_CONTROLS,
    MAX_QASM_INT_BITS,
    MAX_QASM_POWER_GATES,
    MAX_QASM_QUBITS,
)
from .circuit import Circuit
from .qasm_gates import (
    BUILTINS,
    LIBRARIES,
    multi_controlled,
    parsed_definitions,
    principal_power,
)

_X = np.array([[0, 1], [1, 0]], dtype=complex)
#: the gates of the original qelib1.inc (Cross et al. 2017); the others of the
#: extended library that qiskit reads may be redefined by a program
QELIB1_ORIGINAL = frozenset(
    "u3 u2 u1 u0 cx id x y z h s sdg t tdg rx ry rz cz cy ch ccx crz cu1 cu3".split()
)
#: classical functions of OpenQASM 2 (sin, cos, tan, exp, ln, sqrt) and 3
_FUNCTIONS = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "ln": math.log,
    "log": math.log,
    "sqrt": math.sqrt,
    "arcsin": math.asin,
    "arccos": math.acos,
    "arctan": math.atan,
    "floor": math.floor,
    "ceiling": math.ceil,
    "mod": math.fmod,
    "pow": math.pow,
}
_CONSTANTS = {
    2: {"pi": math.pi},
    3: {"pi": math.pi, "π": math.pi, "tau": math.tau, "τ": math.tau}
    | {"euler": math.e, "ℇ": math.e},
}
_ARITHMETIC = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": math.fmod,
    "**": operator.pow,
    "<<": operator.lshift,
    ">>": operator.rshift,
    "&": operator.and_,
    "|": operator.or_,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _QasmError(ValueError):
    """A semantic error, before the line and statement are attached."""


@dataclasses.dataclass(frozen=True)
class _Custom:
    """A ``gate`` definition: its signature, body and where it came from."""

    name: str
    params: tuple[str, ...]
    qubits: tuple[str, ...]
    body: list
    line: int | None  # None for a library definition
    num_params: int = dataclasses.field(init=False)
    num_qubits: int = dataclasses.field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "num_params", len(self.params))
        object.__setattr__(self, "num_qubits", len(self.qubits))


def from_qasm(source: str | Path, *, trainable: bool = True) -> Circuit:
    r"""Build a :class:`~tnbp.Circuit` from an OpenQASM 2 or 3 program.

    The program is parsed by the reference OpenQASM parser (the ``openqasm3``
    package) and executed by a semantic pass over its syntax tree (see
    :mod:`tnbp.models.qasm`).

    Parameters
    ----------
    source : str or os.PathLike
        The program text, or a path to a file holding it (UTF-8, a byte-order
        mark allowed). A string is read as a path if it has no newline and no
        ``;`` and names an existing file or ends with ``.qasm`` (any case). The
        header ``OPENQASM 2.0;`` or ``OPENQASM 3.0;`` selects the dialect;
        without one, a program that includes ``qelib1.inc`` or declares a
        ``qreg`` or ``creg`` is read as OpenQASM 2 (``^`` is then a power), any
        other as OpenQASM 3.
    trainable : bool, optional
        Whether the Pauli rotations become trainable parameters (default True).

    Returns
    -------
    Circuit
        On the declared qubits, registers concatenated in declaration order,
        the first declared qubit as qubit 0 (the most significant factor;
        qiskit lists qubit 0 as its least significant bit). The Pauli rotations
        ``rx``, ``ry``, ``rz`` and, from qelib1.inc, ``rxx``, ``rzz`` become
        rotations :math:`e^{-i\theta P/2}` with the program's angle (the sign
        convention of both OpenQASM and tnbp), one parameter each, in gate
        order; every other gate becomes a fixed gate with its exact matrix,
        labelled by its upper-case name. Gates on three or more qubits
        (``ccx``, ``cswap``, ``c3x``, ...) are expanded by their qelib1.inc
        definitions into one- and two-qubit gates, and user ``gate``
        definitions by their bodies; ``id``, ``u0``, ``barrier``, ``delay``
        and global phases (``gphase``) add no gate.

    Raises
    ------
    TypeError
        If ``source`` is neither a string nor a path.
    ValueError
        Naming ``source``, the line and the statement, if the program does not
        parse; uses a gate that is not defined (standard gates need their
        ``include``: ``qelib1.inc`` for OpenQASM 2, ``stdgates.inc`` for 3) or
        defines one twice; calls a gate with the wrong number of parameters or
        qubits, or with one qubit twice; uses an undeclared register, an index
        out of range, an undefined parameter, or an expression that cannot be
        evaluated (division by zero, ``ln`` of a negative number); declares no
        qubits; or needs what a unitary circuit cannot represent: a gate after
        a measurement on the same qubit, a ``reset`` after a qubit was used,
        classical control (``if``, ``while``), ``input`` parameters,
        ``opaque`` gates, ``ctrl @`` on a gate of two or more qubits, a
        non-integer ``pow`` of a gate on more than two qubits; measures into a
        bit register that is not declared, too small or of another size;
        mixes physical qubits (``$0``) with declared ones; declares a classical
        type tnbp does not compute (``complex``, ``duration``, ...); passes a
        ``bool`` or a non-finite number as a gate parameter; or exceeds a limit
        of :mod:`tnbp.limits` (``MAX_QASM_*``).

    Warns
    -----
    UserWarning
        When final ``measure`` instructions were dropped: tnbp simulates the
        pre-measurement state.

    See Also
    --------
    tnbp.models.qasm_gates : The standard gate libraries and their matrices.

    Notes
    -----
    Supported: OpenQASM 2.0 with all of qelib1.inc (``u3 u2 u1 u0 u p cx id x y
    z h s sdg t tdg rx ry rz sx sxdg cz cy swap ch ccx cswap crx cry crz cu1 cp
    cu3 csx cu rxx rzz rccx rc3x c3x c3sqrtx c4x`` and the built-ins ``U``,
    ``CX``); OpenQASM 3 with stdgates.inc, the built-ins ``U`` and ``gphase``,
    the modifiers ``inv @``, ``pow(k) @``, ``ctrl @`` and ``negctrl @`` (on
    one-qubit gates), ``qubit``/``bit`` declarations or physical qubits ``$0``,
    ``$1``, ... (then :math:`n` is one more than the largest index used, and no
    qubit may be declared), constants and classical variables of types ``bool``,
    ``int[n]``, ``uint[n]``, ``float``, ``angle[n]`` (converted as the
    specification's casts: truncation, wrap-around, quantization), ``for`` loops
    (their bodies are a scope) and ``box``; parametrized ``gate`` definitions
    (their parameters are evaluated exactly in floating point and are not tied
    together: each rotation in the expanded circuit is its own parameter);
    broadcasting over registers (``cx q, r;``); ``include`` of further files
    next to a program read from a file. A ``reset`` before any gate on its qubit
    is dropped: it does nothing to the :math:`|0\rangle` state that OpenQASM
    starts from (simulate with ``initial="0..."``). Global phases are not kept
    (no measurement sees them); under ``ctrl @`` they are, as the relative phase
    they become: OpenQASM 3's ``U`` carries the phase :math:`e^{i\theta/2}` of
    the current specification, and stdgates.inc's ``u3``, ``u2`` their
    ``gphase`` (see :mod:`tnbp.models.qasm_gates`). An integer ``pow(k) @`` of a
    gate on one or two qubits is one gate (its matrix power). Limits
    (:mod:`tnbp.limits`): ``MAX_QASM_CONTROLS`` controls per gate,
    ``MAX_QASM_INT_BITS`` bits per integer, ``MAX_QASM_QUBITS`` qubits.

    Examples
    --------
    >>> c = from_qasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; '
    ...               'cx q[0], q[1]; rz(0.5) q[1];')
    >>> [g.label for g in c.gates], c.parameters.tolist()
    (['H', 'CX', 'RZ'], [0.5])
    """
    text, path = _read(source)
    program, text = _parse(text, "`source`")
    interpreter = _Interpreter(text, None if path is None else path.parent, program)
    if path is not None:
        interpreter.including = {path.resolve()}
    interpreter.run(program.statements)
    if interpreter.n == 0:
        raise ValueError("`source` declares no qubits (no `qreg` or `qubit`).")
    if interpreter.measured:
        warnings.warn(
            "QASM `measure` instructions were dropped: tnbp simulates the "
            "pre-measurement state.",
            UserWarning,
            stacklevel=2,
        )
    circ = Circuit(interpreter.n)
    for op in interpreter.ops:
        if op[0] == "rot":
            _, pauli, theta, qubits = op
            circ.pauli_rotation(theta, pauli, qubits, trainable=trainable)
        elif op[0] == "mat":
            _, matrix, qubits, label = op
            circ.apply(matrix, *qubits, label=label)
    return circ


# ---------------------------------------------------------------- reading, parsing
def _read(source) -> tuple[str, Path | None]:
    """The program text and the path it was read from (None for text).

    An ``os.PathLike`` is a path; a string is a path if it has no newline and
    no ``;`` and names an existing file or ends with ``.qasm`` (any case);
    any other string is program text. A UTF-8 byte-order mark is dropped.
    """
    if isinstance(source, str):
        stripped = source.strip()
        is_path = (
            stripped
            and "\n" not in stripped
            and ";" not in stripped
            and (stripped.lower().endswith(".qasm") or Path(stripped).is_file())
        )
        if not is_path:
            return source.removeprefix("\ufeff"), None
        source = Path(stripped)
    if not isinstance(source, os.PathLike):
        raise TypeError(f"`source` must be QASM text or a path, got {type(source)!r}.")
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig"), path
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"`source`: cannot read {str(path)!r}: {exc}") from exc


def _qasm2_powers(text: str, headerless: int | None = None) -> str:
    """An OpenQASM 2 program with its power operator ``^`` written ``**``.

    The ``openqasm3`` grammar reads ``^`` as OpenQASM 3's exclusive or, which
    binds more loosely than ``+`` and from the left: ``sin(a)^2 + b`` would be
    ``sin(a)^(2 + b)``. OpenQASM 3's ``**`` has the precedence and right
    associativity that OpenQASM 2 gives ``^``, so each ``^`` token (found by
    the grammar's own lexer, not in comments or strings) becomes ``**``. A text
    without a header is OpenQASM 2 if ``headerless`` is 2 (an included file of
    an OpenQASM 2 program) or, when it is None, if it includes ``qelib1.inc``
    or declares a ``qreg`` or ``creg``.
    """
    if "^" not in text:
        return text
    from openqasm3._antlr.qasm3Lexer import qasm3Lexer

    tokens = _tokens(text)
    if not _is_qasm2(tokens, headerless):
        return text
    pieces, last = [], 0
    for token in tokens:
        if token.type == qasm3Lexer.CARET:
            pieces += [text[last : token.start], "**"]
            last = token.stop + 1
    return "".join(pieces) + text[last:]


def _tokens(text: str) -> list:
    """The tokens of the ``openqasm3`` grammar's lexer (errors: the parser's)."""
    from antlr4 import InputStream
    from openqasm3._antlr.qasm3Lexer import qasm3Lexer

    lexer = qasm3Lexer(InputStream(text))
    lexer.removeErrorListeners()  # a lexical error is reported by the parser
    return lexer.getAllTokens()


def _is_qasm2(tokens, headerless: int | None) -> bool:
    """Whether the program of these tokens is OpenQASM 2 (see _qasm2_powers)."""
    from openqasm3._antlr.qasm3Lexer import qasm3Lexer

    kinds = [t.type for t in tokens]
    if qasm3Lexer.OPENQASM in kinds:
        header = kinds.index(qasm3Lexer.OPENQASM)
        version = tokens[header + 1].text if header + 1 < len(tokens) else ""
        return version.startswith("2")
    if headerless is not None:
        return headerless == 2
    return _looks_qasm2(tokens)


def _looks_qasm2(tokens) -> bool:
    """A headerless program is OpenQASM 2 if it includes qelib1.inc or has qreg/creg."""
    from openqasm3._antlr.qasm3Lexer import qasm3Lexer

    return any(
        t.text == '"qelib1.inc"' or t.type in (qasm3Lexer.QREG, qasm3Lexer.CREG)
        for t in tokens
    )


def _parse(text: str, where: str, headerless: int | None = None):
    """Parse with the reference parser; a syntax error names its line.

    Returns the syntax tree and the text it was parsed from (see
    :func:`_qasm2_powers`, which takes ``headerless``), to which its spans refer.
    """
    import openqasm3

    text = _qasm2_powers(text, headerless)
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # ANTLR's own reports
            return openqasm3.parse(text), text
    except openqasm3.parser.QASM3ParsingError as exc:
        # the tree builder's own checks say "L<line>:C<column>: <message>"
        found = re.match(r"L(\d+):C\d+: (.*)", str(exc), re.S)
        if found:
            raise ValueError(f"{where}, line {found[1]}: {found[2]}.") from None
        line = _error_line(exc)
    except AttributeError:  # the parser's visitor fails on a program with no statement
        raise ValueError(f"{where} holds no OpenQASM statement.") from None
    lines = text.splitlines()
    filled = [k for k, s in enumerate(lines, 1) if s.strip()]
    if line is None or not filled:
        raise ValueError(f"{where} is not valid OpenQASM (syntax error).") from None
    at = "in"
    if line > filled[-1]:  # the program ends too early
        line, at = filled[-1], "at the end of the program, after"
    stmt = lines[line - 1].strip()
    hint = ""
    if stmt.startswith("opaque"):
        hint = " (`opaque` gates have no definition, so they cannot be simulated)"
    elif _is_qasm2(_tokens(text), headerless) and (
        keywords := _qasm3_keywords(lines[line - 1])
    ):
        hint = (
            f" (`{keywords[0]}` is a keyword of OpenQASM 3, whose parser reads "
            "OpenQASM 2 too: rename it)"
        )
    raise ValueError(f"{where}, line {line}: syntax error {at} `{stmt}`{hint}.")


#: the keywords OpenQASM 2 has; OpenQASM 3's others are valid OpenQASM 2 names
_QASM2_KEYWORDS = frozenset(
    "OPENQASM include qreg creg gate opaque measure reset barrier if U CX pi".split()
)


def _qasm3_keywords(line: str) -> list[str]:
    """The OpenQASM 3 keywords (not OpenQASM 2 ones) used as words in ``line``."""
    from openqasm3._antlr.qasm3Lexer import qasm3Lexer

    return [
        t.text
        for t in _tokens(line)
        if t.type != qasm3Lexer.Identifier
        and re.fullmatch(r"[A-Za-z_]\w*", t.text)
        and t.text not in _QASM2_KEYWORDS
    ]


def _error_line(exc) -> int | None:
    """The line of the token at which the parser stopped, if it says."""
    cause = exc.__cause__
    while cause is not None:
        for arg in getattr(cause, "args", ()):
            token = getattr(arg, "offendingToken", None)
            if token is not None and getattr(token, "line", None):
                return token.line
            start = getattr(arg, "startIndex", None)
            stream = getattr(arg, "input", None)
            if start is not None and stream is not None:
                return str(stream)[:start].count("\n") + 1
        cause = cause.__cause__ or cause.__context__
    return None


# ------------------------------------------------------------------- the pass
class _Interpreter:
    """One walk over the syntax tree: declarations, checks and the gate list.

    ``ops`` collects ``("rot", pauli, theta, qubits)``, ``("mat", matrix,
    qubits, label)`` and ``("phase", phi)`` in application order.
    """

    def __init__(self, text: str, folder: Path | None, program, where="`source`"):
        self.folder = folder
        self.where = where
        self.lines = text.splitlines()
        version = program.version
        if version is None:
            qasm2 = any(
                (kind == "Include" and s.filename == "qelib1.inc")
                or (kind == "QubitDeclaration" and "qreg" in self._source(s))
                or (kind == "ClassicalDeclaration" and "creg" in self._source(s))
                for s in program.statements
                for kind in [type(s).__name__]
            )
            version = "2" if qasm2 else "3"
        self.version = 2 if str(version).startswith("2") else 3
        self.gates: dict = dict(BUILTINS[self.version])
        self.origin = dict.fromkeys(self.gates, "built in")
        self.registers: dict[str, tuple[int, int]] = {}  # name -> (offset, size)
        self.classical: dict[str, int] = {}  # bit registers: name -> size
        self.values: dict[str, float] = {}
        self.types: dict[str, object] = {}  # declared classical types, by name
        self.n = 0
        self.ops: list = []
        self.measured: dict[int, int | None] = {}
        self.used: set[int] = set()
        self.stmt = None  # the top-level statement being executed
        self.call_stack: list[str] = []  # gate definitions being expanded
        self.including: set[Path] = set()  # files being included (no cycles)
        self.physical = False  # whether the program addresses qubits as $0, $1, ...

    def _source(self, stmt) -> str:
        """The first line of a statement as written."""
        line = stmt.span.start_line
        return self.lines[line - 1][stmt.span.start_column :] if line else ""

    # ------------------------------------------------------------ errors
    def fail(self, message: str):
        """Raise ValueError naming ``source``, the line, statement and gate."""
        stmt = self.stmt
        where = self.where
        line = getattr(getattr(stmt, "span", None), "start_line", None)
        if line is not None:
            where += f", line {line}"
            text = self._statement_text(stmt, line)
            if text:
                where += f" (`{text}`)"
        if self.call_stack:
            where += ", in " + ", in ".join(reversed(self.call_stack))
            self.call_stack.clear()
        raise ValueError(f"{where}: {message}")

    def _statement_text(self, stmt, line: int) -> str:
        span = stmt.span
        if 1 <= line <= len(self.lines) and span.end_line == line:
            text = self.lines[line - 1]
            piece = text[span.start_column : span.end_column + 1].strip()
            if piece:  # as written: OpenQASM 2's power was read as **
                return piece.replace("**", "^") if self.version == 2 else piece
        try:
            import openqasm3

            return " ".join(openqasm3.dumps(stmt).split())
        except Exception:  # the printer does not know every node
            return ""

    # ------------------------------------------------------------ statements
    def run(self, statements) -> None:
        """Execute top-level statements (or the body of a loop or box)."""
        for stmt in statements:
            outer, self.stmt = self.stmt, stmt
            try:
                self._statement(stmt)
            except _QasmError as exc:
                self.fail(str(exc))
            except RecursionError:
                self.fail("gate definitions nest too deeply.")
            finally:
                self.stmt = outer

    def _statement(self, stmt) -> None:
        kind = type(stmt).__name__
        handler = getattr(self, f"_do_{kind}", None)
        if handler is None:
            raise _QasmError(self._unsupported(kind))
        handler(stmt)

    @staticmethod
    def _unsupported(kind: str) -> str:
        reasons = {
            "BranchingStatement": "classical control (`if`) cannot be represented "
            "in a unitary circuit.",
            "WhileLoop": "`while` loops depend on measurements and cannot be "
            "represented in a unitary circuit.",
            "IODeclaration": "`input`/`output` declarations are not supported: "
            "give parameter values in the program.",
            "SwitchStatement": "classical control (`switch`) cannot be represented.",
        }
        return reasons.get(kind, f"the statement ({kind}) is not supported by tnbp.")

    def _do_Include(self, stmt) -> None:
        name = stmt.filename
        if name in LIBRARIES:
            for gate, spec in LIBRARIES[name].items():
                if gate in self.gates and self._redefinable(gate, name):
                    continue  # the program's own definition is kept
                if gate in self.gates and self.origin[gate] not in (name, "built in"):
                    raise _QasmError(f"gate `{gate}` of {name} is already defined.")
                if gate not in self.gates:
                    self.gates[gate] = spec
                    self.origin[gate] = name
            return
        path = None if self.folder is None else self.folder / name
        if path is None or not path.is_file():
            raise _QasmError(
                f'cannot include "{name}": qelib1.inc and stdgates.inc are built in, '
                "other files are read next to a program given as a file path."
            )
        if path.resolve() in self.including:
            raise _QasmError(f'"{name}" includes itself (directly or through others).')
        text = path.read_text(encoding="utf-8-sig")
        where = f"`source`, included file {str(path)!r}"
        program, text = _parse(text, where, self.version)
        sub = _Interpreter(text, path.parent, program, where)
        if program.version is None:  # a headerless file: the includer's dialect
            sub.version = self.version
        sub.gates, sub.origin = self.gates, self.origin
        sub.including = self.including | {path.resolve()}
        sub.run(program.statements)
        if sub.n or sub.ops or sub.measured:
            raise _QasmError(f'"{name}" may only define gates.')

    def _do_QubitDeclaration(self, stmt) -> None:
        name = stmt.qubit.name
        size = 1 if stmt.size is None else self._index(stmt.size, {})
        self._declare(name)
        if size < 1:
            raise _QasmError(f"register `{name}` must have at least one qubit.")
        if self.n + size > MAX_QASM_QUBITS:
            raise _QasmError(
                f"register `{name}` of {_short(size)} qubits: at most "
                f"{MAX_QASM_QUBITS} qubits in all (limits.MAX_QASM_QUBITS)."
            )
        if self.physical:
            raise _QasmError(
                "`qubit` declaration after physical qubits (`$0`, ...) were used: "
                "use one or the other."
            )
        self.registers[name] = (self.n, size)
        self.n += size

    def _declare(self, name: str) -> None:
        if name in self.registers or name in self.classical or name in self.values:
            raise _QasmError(f"`{name}` is already declared.")

    def _do_ClassicalDeclaration(self, stmt) -> None:
        name = stmt.identifier.name
        self._declare(name)
        kind = type(stmt.type).__name__
        init = stmt.init_expression
        if kind == "BitType":
            size = 1 if stmt.type.size is None else self._index(stmt.type.size, {})
            if size < 1:
                raise _QasmError(f"register `{name}` must have at least one bit.")
            self.classical[name] = size
            if type(init).__name__ == "QuantumMeasurement":
                qubits = self._measure(init.qubit)
                if len(qubits) != size:
                    raise _QasmError(
                        f"`measure` of {len(qubits)} qubit(s) into {size} bit(s)."
                    )
            return  # other bit values have no effect on the state
        self._check_type(stmt.type, f"`{name}`")
        self.types[name] = stmt.type
        value = None if init is None else self._value(init, {})
        self.values[name] = None if value is None else self._typed(value, stmt.type)

    _do_ConstantDeclaration = _do_ClassicalDeclaration

    def _do_ClassicalAssignment(self, stmt) -> None:
        target = stmt.lvalue
        name = getattr(target, "name", None)
        name = getattr(name, "name", name)
        if name in self.classical:  # a classical bit: no effect on the state
            return
        if type(target).__name__ != "Identifier" or name not in self.values:
            raise _QasmError(f"assignment to undeclared variable `{name}`.")
        value = self._value(stmt.rvalue, {})
        op = stmt.op.name
        if op != "=":
            old = self.values[name]
            if old is None:
                raise _QasmError(f"`{name}` is used before it has a value.")
            value = self._binary(op[:-1], old, value)
        self.values[name] = self._typed(value, self.types.get(name))

    def _do_QuantumGateDefinition(self, stmt) -> None:
        name = stmt.name.name
        if name in self.gates and not self._redefinable(name):
            raise _QasmError(
                f"gate `{name}` is already defined ({self._origin_text(name)})."
            )
        params = tuple(a.name for a in stmt.arguments)
        qubits = tuple(q.name for q in stmt.qubits)
        for kind, names in (("parameter", params), ("qubit argument", qubits)):
            if len(set(names)) != len(names):
                raise _QasmError(f"gate `{name}` repeats a {kind} name.")
        gate = _Custom(name, params, qubits, list(stmt.body), stmt.span.start_line)
        for inner in gate.body:  # calls checked where they are written
            kind = type(inner).__name__
            if kind not in ("QuantumGate", "QuantumPhase", "QuantumBarrier"):
                raise _QasmError(
                    f"`{kind}` is not allowed in the body of gate `{name}`."
                )
            callee = "gphase" if kind == "QuantumPhase" else None
            if kind == "QuantumGate":
                callee = inner.name.name
                spec = self._lookup(callee, self.gates)  # so no gate calls itself
                controls = 0
                for m in inner.modifiers:
                    if m.modifier.name in ("ctrl", "negctrl"):
                        try:
                            controls += (
                                1 if m.argument is None else self._index(m.argument, {})
                            )
                        except _QasmError:  # a count from the gate's parameters
                            controls = None
                            break
                if controls is not None:
                    self._check_arity(
                        spec, len(inner.arguments), len(inner.qubits) - controls
                    )
            for q in inner.qubits:
                if type(q).__name__ != "Identifier" or q.name not in qubits:
                    raise _QasmError(
                        f"in gate `{name}`, `{callee or 'barrier'}` acts on "
                        f"`{_operand_name(q)}`, which is not a qubit argument "
                        f"of `{name}` ({', '.join(qubits) or 'none'})."
                    )
        self.gates[name] = gate
        self.origin[name] = f"line {stmt.span.start_line}"

    def _redefinable(self, gate: str, include: str | None = None) -> bool:
        """Whether a program may define ``gate`` although qelib1.inc has it.

        As qiskit: the gates its extended qelib1.inc adds to the original one
        (``rzz``, ``swap``, ``p``, ``cswap``, ...) may be defined by the program,
        whose definition is then used; the original gates may not.
        """
        include = include or self.origin.get(gate)
        return include == "qelib1.inc" and gate not in QELIB1_ORIGINAL

    def _origin_text(self, name: str) -> str:
        origin = self.origin[name]
        return f"at {origin}" if origin.startswith("line") else f"by {origin}"

    def _do_QuantumGate(self, stmt) -> None:
        self._top_level_call(stmt, stmt.name.name, stmt.arguments)

    def _do_QuantumPhase(self, stmt) -> None:
        if stmt.modifiers:  # ctrl @ gphase(a) q: a phase on the controls
            self._top_level_call(stmt, "gphase", [stmt.argument])
        else:
            self._param(stmt.argument, {}, "gphase")  # checked, then dropped

    def _top_level_call(self, stmt, name: str, arguments) -> None:
        gate = self._lookup(name, self.gates)
        params = [self._param(a, {}, name) for a in arguments]
        operands = [self._operand(q) for q in stmt.qubits]
        sizes = {len(o) for o in operands if len(o) > 1}
        if len(sizes) > 1:
            raise _QasmError(
                f"registers of different sizes {sorted(sizes)} in one call of `{name}`."
            )
        rounds = sizes.pop() if sizes else 1
        for k in range(rounds):
            qubits = tuple(o[k] if len(o) > 1 else o[0] for o in operands)
            for q in qubits:
                if q in self.measured:
                    raise _QasmError(
                        f"`{name}` acts on qubit {self._qubit_name(q)} after it was "
                        f"measured (line {self.measured[q]}): mid-circuit measurements "
                        "cannot be represented in a unitary circuit."
                    )
            self.used.update(qubits)
            self.ops.extend(self._call(gate, stmt.modifiers, params, qubits))

    def _do_QuantumMeasurementStatement(self, stmt) -> None:
        qubits = self._measure(stmt.measure.qubit)
        if stmt.target is not None:
            bits = self._bits(stmt.target)
            if bits != len(qubits):
                raise _QasmError(
                    f"`measure` of {len(qubits)} qubit(s) into {bits} bit(s)."
                )

    def _bits(self, target) -> int:
        """The number of bits of a measurement target, checked."""
        indexed = type(target).__name__ == "IndexedIdentifier"
        name = target.name.name if indexed else target.name
        if name not in self.classical:
            what = "a qubit register" if name in self.registers else "not declared"
            raise _QasmError(
                f"`measure` into `{name}`, which is {what} (a `creg` or `bit` "
                "register is needed)."
            )
        size = self.classical[name]
        if not indexed:
            return size
        if len(target.indices) != 1:
            raise _QasmError(f"register `{name}` has one index.")
        items = target.indices[0]
        count = 0
        for item in [items] if type(items).__name__ == "DiscreteSet" else items:
            for i in self._indices(item, size):
                if not -size <= i < size or (self.version == 2 and i < 0):
                    raise _QasmError(
                        f"index {_short(i)} is out of range for bit register "
                        f"`{name}` of size {size} (0..{size - 1})."
                    )
                count += 1
        return count

    def _measure(self, operand) -> list[int]:
        line = getattr(getattr(self.stmt, "span", None), "start_line", None)
        qubits = self._operand(operand)
        for q in qubits:
            self.measured.setdefault(q, line)
            self.used.add(q)
        return qubits

    def _do_QuantumReset(self, stmt) -> None:
        for q in self._operand(stmt.qubits):
            if q in self.used:
                raise _QasmError(
                    f"`reset` of qubit {self._qubit_name(q)} after it was used cannot "
                    "be represented in a unitary circuit."
                )

    def _do_QuantumBarrier(self, stmt) -> None:
        for q in stmt.qubits:
            self._operand(q)

    def _do_DelayInstruction(self, stmt) -> None:
        for q in stmt.qubits:
            self._operand(q)

    def _do_Pragma(self, stmt) -> None:
        pass

    def _do_Box(self, stmt) -> None:
        self.run(stmt.body)

    def _do_ForInLoop(self, stmt) -> None:
        name = stmt.identifier.name
        self._declare(name)
        domain = stmt.set_declaration
        kind = type(domain).__name__
        if kind == "RangeDefinition":
            start = self._index(domain.start, {})
            end = self._index(domain.end, {})
            step = 1 if domain.step is None else self._index(domain.step, {})
            if step == 0:
                raise _QasmError("`for` range with step 0.")
            values = range(start, end + (1 if step > 0 else -1), step)
        elif kind == "DiscreteSet":
            values = [self._value(v, {}) for v in domain.values]
        else:
            raise _QasmError("`for` loops run over a range or a set of values.")
        try:
            for value in values:
                self.values[name] = self._typed(value, stmt.type)
                self._scoped(stmt.block)
        finally:
            self.values.pop(name, None)

    def _scoped(self, block) -> None:
        """Run a loop body as a scope: its declarations end with it."""
        outer = set(self.values), set(self.classical)
        try:
            self.run(block)
        finally:
            for inner in set(self.values) - outer[0]:
                del self.values[inner]
                self.types.pop(inner, None)
            for inner in set(self.classical) - outer[1]:
                del self.classical[inner]

    # ----------------------------------------------------------------- gates
    def _lookup(self, name: str, scope: dict):
        gate = scope.get(name)
        if gate is not None:
            return gate
        hint = ""
        include = "qelib1.inc" if self.version == 2 else "stdgates.inc"
        if name in LIBRARIES[include] and include not in self.origin.values():
            hint = f' (it is defined in {include}: add `include "{include}";`)'
        raise _QasmError(f"gate `{name}` is not defined{hint}.")

    @staticmethod
    def _check_arity(gate, num_params: int, num_qubits: int) -> None:
        if num_params != gate.num_params:
            raise _QasmError(
                f"gate `{gate.name}` takes {gate.num_params} parameter(s), "
                f"got {num_params}."
            )
        if num_qubits != gate.num_qubits:
            raise _QasmError(
                f"gate `{gate.name}` acts on {gate.num_qubits} qubit(s), "
                f"got {num_qubits}."
            )

    def _call(self, gate, modifiers, params, qubits, library: bool = False) -> list:
        """The ops of one gate call (with modifiers) on absolute qubits."""
        controls = 0
        for m in modifiers:
            if m.modifier.name in ("ctrl", "negctrl"):
                count = 1 if m.argument is None else self._index(m.argument, {})
                if count < 1:
                    raise _QasmError(f"`{m.modifier.name}` needs a positive count.")
                controls += count
        if controls > MAX_QASM_CONTROLS:
            raise _QasmError(
                f"gate `{gate.name}` with {controls} controls: tnbp expands a "
                f"controlled gate into 2*3^(k-1) - 1 two-qubit gates, so at most "
                f"{MAX_QASM_CONTROLS} controls are accepted (limits.MAX_QASM_CONTROLS)."
            )
        if controls and len(qubits) != controls + gate.num_qubits:
            raise _QasmError(
                f"`{gate.name}` with {controls} control(s) acts on "
                f"{controls + gate.num_qubits} qubit(s) ({controls} control(s) and "
                f"{gate.num_qubits} target(s)), got {len(qubits)} (a register or range "
                "argument is broadcast, one qubit per call, and gives no extra "
                "controls)."
            )
        self._check_arity(gate, len(params), len(qubits) - controls)
        if len(set(qubits)) != len(qubits):
            raise _QasmError(
                f"gate `{gate.name}` is given the same qubit twice "
                f"({', '.join(self._qubit_name(q) for q in qubits)})."
            )
        return self._modified(gate, modifiers, params, tuple(qubits), library)

    def _modified(self, gate, modifiers, params, qubits, library) -> list:
        if not modifiers:
            return self._expand(gate, params, qubits, library)
        first, rest = modifiers[0], modifiers[1:]
        kind = first.modifier.name
        if kind == "inv":
            return _inverse(self._modified(gate, rest, params, qubits, library))
        if kind == "pow":
            r = self._param(first.argument, {}, "pow")
            ops = self._modified(gate, rest, params, qubits, library)
            return self._power(ops, r, qubits, gate.name)
        # a run of ctrl/negctrl modifiers: one gate with all those controls
        negative, k = [], 0
        while k < len(modifiers) and modifiers[k].modifier.name in ("ctrl", "negctrl"):
            m, k = modifiers[k], k + 1
            count = 1 if m.argument is None else self._index(m.argument, {})
            negative += [m.modifier.name == "negctrl"] * count
        controls, targets = qubits[: len(negative)], qubits[len(negative) :]
        ops = self._modified(gate, modifiers[k:], params, targets, library)
        return self._controlled(ops, controls, negative, targets, gate.name)

    def _expand(self, gate, params, qubits, library) -> list:
        if isinstance(gate, _Custom):
            return self._expand_custom(gate, params, qubits, library)
        if gate.pauli is not None:
            return [("rot", gate.pauli, params[0], qubits)]
        if gate.matrix is not None:
            if gate.name in ("id", "u0"):
                return []
            return [("mat", gate.matrix(*params), qubits, gate.name.upper())]
        if gate.name == "gphase":
            return [("phase", params[0])]
        definition = parsed_definitions()[gate.name]
        custom = _Custom(
            gate.name,
            tuple(a.name for a in definition.arguments),
            tuple(q.name for q in definition.qubits),
            list(definition.body),
            None,
        )
        return self._expand_custom(custom, params, qubits, True)

    def _expand_custom(self, gate: _Custom, params, qubits, library) -> list:
        scope = dict(zip(gate.params, params))
        where = dict(zip(gate.qubits, qubits))
        names = LIBRARIES["qelib1.inc"] if library else self.gates
        label = "definition" if gate.line is None else f"line {gate.line}"
        self.call_stack.append(f"the body of gate `{gate.name}` ({label})")
        ops = self._body_ops(gate, scope, where, names, library)
        self.call_stack.pop()  # on an error, fail() reads the stack, then clears it
        return ops

    def _body_ops(self, gate: _Custom, scope, where, names, library) -> list:
        ops = []
        for inner in gate.body:
            kind = type(inner).__name__
            if kind == "QuantumBarrier":
                continue
            if kind == "QuantumPhase":
                phase = [self._param(inner.argument, scope, "gphase")]
                on = tuple(where[q.name] for q in inner.qubits)
                gphase = BUILTINS[3]["gphase"]
                ops += self._call(gphase, inner.modifiers, phase, on, library)
                continue
            name = inner.name.name
            callee = self._lookup(name, names)
            inner_params = [self._param(a, scope, name) for a in inner.arguments]
            inner_qubits = tuple(where[q.name] for q in inner.qubits)
            ops += self._call(
                callee, inner.modifiers, inner_params, inner_qubits, library
            )
        return ops

    def _power(self, ops, r, qubits, name) -> list:
        if r.is_integer():
            k = int(r)
            if len(ops) == 1 and ops[0][0] == "rot":
                _, pauli, theta, q = ops[0]
                return [("rot", pauli, k * theta, q)]
            if not ops or k in (-1, 0, 1):
                return [] if k == 0 else ops if k == 1 else _inverse(ops)
            if len(qubits) <= 2:  # one gate: the matrix power of the gate's unitary
                if abs(k) > 2**62:
                    raise _QasmError(f"`pow({r:g})`: integer powers up to 2^62.")
                U = _dense(ops, qubits)
                U = np.linalg.matrix_power(U if k > 0 else U.conj().T, abs(k))
                return [("mat", U, qubits, f"{name.upper()}^{k}")]
            if abs(k) * len(ops) > MAX_QASM_POWER_GATES:
                raise _QasmError(
                    f"`pow({k})` of the {len(qubits)}-qubit gate `{name}` would repeat "
                    f"its {len(ops)} gates {abs(k)} times; at most "
                    f"{MAX_QASM_POWER_GATES} gates are emitted for a power "
                    "(limits.MAX_QASM_POWER_GATES)."
                )
            return (ops if k >= 0 else _inverse(ops)) * abs(k)
        if len(qubits) > 2:
            raise _QasmError(
                f"`pow({r})` of the {len(qubits)}-qubit gate `{name}`: non-integer "
                "powers are supported on gates of one or two qubits."
            )
        U = principal_power(_dense(ops, qubits), r)
        return [("mat", U, qubits, f"{name.upper()}^{r:g}")]

    def _controlled(self, ops, controls, negative, targets, name) -> list:
        if len(targets) > 1:
            raise _QasmError(
                f"`ctrl @` on the {len(targets)}-qubit gate `{name}` is not supported "
                "(tnbp circuits hold gates on at most two qubits): write the "
                "controlled gate out as a gate definition."
            )
        flips = [("mat", _X, (c,), "X") for c, neg in zip(controls, negative) if neg]
        if targets:
            V, target = _dense(ops, targets), targets[0]
        else:  # a controlled global phase: a phase gate on the last control
            V = np.diag([1.0, np.exp(1j * sum(op[1] for op in ops))])
            controls, target = controls[:-1], controls[-1]
        if controls:
            label = (
                f"C{name.upper()}" if len(controls) == 1 else f"C{name.upper()} part"
            )
            out = [
                ("mat", M, q, label) for M, q in multi_controlled(V, controls, target)
            ]
        else:
            out = [("mat", V, (target,), name.upper())]
        return flips + out + flips

    # ---------------------------------------------------------- operands
    def _operand(self, node) -> list[int]:
        kind = type(node).__name__
        if kind == "Identifier":
            offset, size = self._register(node.name)
            return list(range(offset, offset + size))
        if kind != "IndexedIdentifier":
            raise _QasmError(f"unsupported qubit operand `{_operand_name(node)}`.")
        name = node.name.name
        offset, size = self._register(name)
        if len(node.indices) != 1:
            raise _QasmError(f"register `{name}` has one index.")
        out = []
        items = node.indices[0]  # a set {i, j}, or a list of indices and ranges
        for item in [items] if type(items).__name__ == "DiscreteSet" else items:
            for i in self._indices(item, size):
                if not -size <= i < size or (self.version == 2 and i < 0):
                    raise _QasmError(
                        f"index {_short(i)} is out of range for register `{name}` of size "
                        f"{size} (0..{size - 1})."
                    )
                out.append(offset + i % size)
        return out

    def _indices(self, index, size) -> list[int]:
        kind = type(index).__name__
        if kind == "RangeDefinition":
            start = 0 if index.start is None else self._index(index.start, {})
            end = size - 1 if index.end is None else self._index(index.end, {})
            step = 1 if index.step is None else self._index(index.step, {})
            if step == 0:
                raise _QasmError("index range with step 0.")
            return list(range(start, end + (1 if step > 0 else -1), step))
        if kind == "DiscreteSet":
            return [self._index(v, {}) for v in index.values]
        return [self._index(index, {})]

    def _register(self, name: str) -> tuple[int, int]:
        if name.startswith("$") and name[1:].isdigit():  # a physical qubit
            if self.registers:
                raise _QasmError(
                    f"physical qubit `{name}` in a program that declares qubits "
                    f"({', '.join(self.registers)}): use one or the other."
                )
            k = int(name[1:])
            if k >= MAX_QASM_QUBITS:
                raise _QasmError(
                    f"physical qubit `{name}`: at most {MAX_QASM_QUBITS} qubits "
                    "(limits.MAX_QASM_QUBITS)."
                )
            self.physical = True
            self.n = max(self.n, k + 1)
            return k, 1
        if name not in self.registers:
            raise _QasmError(f"qubit register `{name}` is not declared.")
        return self.registers[name]

    def _qubit_name(self, q: int) -> str:
        if self.physical:
            return f"${q}"
        for name, (offset, size) in self.registers.items():
            if offset <= q < offset + size:
                return f"{name}[{q - offset}]"
        return str(q)

    # -------------------------------------------------------- expressions
    def _index(self, node, scope) -> int:
        value = self._value(node, scope)
        if isinstance(value, bool) or not (
            isinstance(value, int) or (math.isfinite(value) and value.is_integer())
        ):
            raise _QasmError(f"expected an integer, got {value!r}.")
        return int(value)

    def _param(self, node, scope, gate: str) -> float:
        """A gate parameter: a finite real number."""
        value = self._value(node, scope)
        if isinstance(value, bool):
            raise _QasmError(
                f"parameter of `{gate}` is a bool ({str(value).lower()}): "
                "gate parameters are angles (cast with `float(...)`)."
            )
        try:
            value = float(value)
        except OverflowError:
            raise _QasmError(
                f"parameter of `{gate}` ({_short(value)}) is too large for a float."
            ) from None
        if not math.isfinite(value):
            raise _QasmError(f"parameter of `{gate}` is not finite ({value}).")
        return value

    #: classical types whose values tnbp computes (bit registers are handled apart)
    _TYPES = ("BoolType", "IntType", "UintType", "FloatType", "AngleType")

    def _check_type(self, typ, what: str) -> None:
        kind = type(typ).__name__
        if kind not in self._TYPES:
            name = kind.removesuffix("Type").lower()
            raise _QasmError(
                f"{what}: the classical type `{name}` is not supported by tnbp "
                "(supported: bool, int, uint, float, angle, bit)."
            )

    def _typed(self, value, typ):
        r"""``value`` converted to the declared type ``typ`` (None: unchanged).

        As the OpenQASM 3 specification's casts: a float becomes an int by
        truncation toward zero; ``int[n]`` and ``uint[n]`` wrap modulo
        :math:`2^n` (two's complement for ``int[n]``); ``angle[n]`` is the
        nearest multiple of :math:`2\pi/2^n` in :math:`[0, 2\pi)` (an
        ``angle`` without a size keeps its value); ``bool`` is ``value != 0``.
        """
        kind = type(typ).__name__
        if typ is None or kind not in self._TYPES:
            return value
        if kind == "BoolType":
            return bool(value)
        size = None if getattr(typ, "size", None) is None else self._index(typ.size, {})
        if size is not None and size < 1:
            raise _QasmError(f"type size must be positive, got {size}.")
        if kind == "FloatType":
            try:
                return float(value)
            except OverflowError:
                raise _QasmError(f"{_short(value)} is too large for a float.") from None
        if kind == "AngleType":
            angle = math.fmod(float(value), math.tau) % math.tau
            if size is None:
                return float(value)
            steps = round(angle / math.tau * 2**size) % 2**size
            return steps * math.tau / 2**size
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _QasmError(f"cannot convert {value} to an integer.")
            value = math.trunc(value)
        value = int(value)
        if size is not None:
            value %= 2**size
            if kind == "IntType" and value >= 2 ** (size - 1):
                value -= 2**size
        elif kind == "UintType" and value < 0:
            raise _QasmError(f"a `uint` without a size cannot hold {value}.")
        return value

    def _value(self, node, scope):
        """Evaluate a classical expression: ints stay ints, the rest are floats."""
        kind = type(node).__name__
        if kind in ("IntegerLiteral", "FloatLiteral", "BooleanLiteral"):
            return node.value
        if kind == "Identifier":
            name = node.name
            if name in scope:
                return scope[name]
            if name in self.values:
                if self.values[name] is None:
                    raise _QasmError(f"`{name}` is used before it has a value.")
                return self.values[name]
            if name in _CONSTANTS[self.version]:
                return _CONSTANTS[self.version][name]
            known = ", ".join(f"`{p}`" for p in scope) or "none"
            raise _QasmError(f"`{name}` is not defined (parameters in scope: {known}).")
        if kind == "UnaryExpression":
            value = self._value(node.expression, scope)
            op = node.op.name
            if op == "-":
                return -value
            if op == "!":
                return not value
            return ~self._int(value, "~")
        if kind == "BinaryExpression":
            lhs = self._value(node.lhs, scope)
            rhs = self._value(node.rhs, scope)
            return self._binary(node.op.name, lhs, rhs)
        if kind == "FunctionCall":
            name = node.name.name
            if name not in _FUNCTIONS:
                raise _QasmError(f"unknown function `{name}`.")
            args = [self._value(a, scope) for a in node.arguments]
            try:
                return _FUNCTIONS[name](*args)
            except (ValueError, OverflowError, TypeError) as exc:
                raise _QasmError(f"`{name}` of {args}: {exc}.") from None
        if kind == "Cast":
            self._check_type(node.type, "a cast")
            return self._typed(self._value(node.argument, scope), node.type)
        raise _QasmError(f"cannot evaluate the expression ({kind}).")

    def _binary(self, op: str, lhs, rhs):
        if op == "^":  # OpenQASM 3's exclusive or (OpenQASM 2's power is ** by now)
            return self._int(lhs, "^") ^ self._int(rhs, "^")
        if op in ("&&", "||"):
            return (lhs and rhs) if op == "&&" else (lhs or rhs)
        if op in ("**", "<<") and _huge_int(lhs, rhs, op):
            raise _QasmError(
                f"`{_short(lhs)} {op} {_short(rhs)}` is an integer of more than "
                f"{MAX_QASM_INT_BITS} bits."
            )
        try:
            value = _ARITHMETIC[op](lhs, rhs)
        except ZeroDivisionError:
            raise _QasmError("division by zero.") from None
        except (OverflowError, ValueError, TypeError) as exc:
            raise _QasmError(f"`{lhs!r} {op} {rhs!r}`: {exc}.") from None
        if isinstance(value, complex) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise _QasmError(f"`{lhs!r} {op} {rhs!r}` is not a finite real number.")
        return value

    @staticmethod
    def _int(value, op: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _QasmError(f"`{op}` needs integers, got {value!r}.")
        return value


def _short(value) -> str:
    """A number for a message: at most 20 characters."""
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 64 else ""
    if text:
        return text
    return f"an integer of {len(str(abs(value)))} digits"


def _huge_int(lhs, rhs, op: str) -> bool:
    """Whether the integer ``lhs ** rhs`` or ``lhs << rhs`` exceeds the limit."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lhs, rhs)):
        return False
    if rhs <= 0 or abs(lhs) <= 1:
        return False
    bits = lhs.bit_length() + rhs if op == "<<" else (abs(lhs).bit_length() - 1) * rhs
    return bits > MAX_QASM_INT_BITS


def _operand_name(node) -> str:
    name = getattr(node, "name", node)
    return getattr(name, "name", name) if not isinstance(name, str) else name


def _inverse(ops) -> list:
    out = []
    for op in reversed(ops):
        if op[0] == "rot":
            out.append(("rot", op[1], -op[2], op[3]))
        elif op[0] == "mat":
            out.append(("mat", op[1].conj().T, op[2], f"{op[3]}^-1"))
        else:
            out.append(("phase", -op[1]))
    return out


def _dense(ops, qubits) -> np.ndarray:
    """The unitary of ``ops`` (with their phases) on ``qubits``, first most significant."""
    from .gates import rotation_matrix

    m = len(qubits)
    pos = {q: k for k, q in enumerate(qubits)}
    U = np.eye(2**m, dtype=complex).reshape((2,) * m + (2**m,))
    phase = 1.0 + 0j
    for op in ops:
        if op[0] == "phase":
            phase *= np.exp(1j * op[1])
            continue
        if op[0] == "rot":
            G, on = rotation_matrix(op[1], op[2]), op[3]
        else:
            G, on = op[1], op[2]
        k = len(on)
        axes = [pos[q] for q in on]
        G = np.asarray(G).reshape((2,) * (2 * k))
        U = np.moveaxis(
            np.tensordot(G, U, axes=(list(range(k, 2 * k)), axes)), range(k), axes
        )
    return phase * U.reshape(2**m, 2**m)


__all__ = ["from_qasm"]
