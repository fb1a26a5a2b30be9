"""Input validation shared by the whole package.

Every public entry point validates its arguments here, so that bad input fails
early with a ``TypeError`` or ``ValueError`` that names the offending argument
and says what was expected.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def check_opt(name: str, value, valid) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``valid``."""
    if value not in valid:
        raise ValueError(
            f"Option `{name}` should be one of {sorted(valid)!r}, but got {value!r}."
        )


def as_rng(seed) -> np.random.Generator:
    """Turn ``seed`` (None, int or Generator) into a ``numpy.random.Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"`seed` must be None, an int or a numpy Generator, got {type(seed)!r}."
        )
    return np.random.default_rng(seed)


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, checking its type and lower bound."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}.")
    return value


def check_real(value, name: str) -> float:
    """Return ``value`` as a finite float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    return value


def check_qubits(
    qubits, n: int, *, name: str = "qubits", allow_empty: bool = False
) -> tuple[int, ...]:
    """Validate a qubit or collection of distinct qubits of an ``n``-qubit register.

    Returns the qubits as a tuple of ints, in the order given.
    """
    if isinstance(qubits, numbers.Integral) and not isinstance(qubits, bool):
        qubits = (qubits,)
    if isinstance(qubits, (str, bytes)) or not isinstance(qubits, Iterable):
        raise TypeError(
            f"`{name}` must be a qubit index or a sequence of them, got {qubits!r}."
        )
    out = tuple(check_int(q, name) for q in qubits)
    if not out and not allow_empty:
        raise ValueError(f"`{name}` must name at least one qubit.")
    bad = [q for q in out if not 0 <= q < n]
    if bad:
        raise ValueError(
            f"`{name}` has qubit(s) {bad} out of range for {n} qubits (0..{n - 1})."
        )
    if len(set(out)) != len(out):
        raise ValueError(f"`{name}` has repeated qubits: {out}.")
    return out


def check_bitstring(initial, n: int, *, name: str = "initial") -> str:
    """Validate a computational-basis initial state written as a bitstring."""
    if initial is None:
        return "0" * n
    if not isinstance(initial, str):
        raise TypeError(f"`{name}` must be a bitstring like '0101', got {initial!r}.")
    if len(initial) != n:
        raise ValueError(
            f"`{name}` must have one character per qubit ({n}), got {len(initial)}."
        )
    if set(initial) - {"0", "1"}:
        raise ValueError(f"`{name}` may only contain '0' and '1', got {initial!r}.")
    return initial


def check_alpha(alpha) -> float:
    """Validate a Renyi order: a non-negative real number or ``inf``."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"`alpha` must be a real number, got {alpha!r}.")
    alpha = float(alpha)
    if np.isnan(alpha) or alpha < 0:
        raise ValueError(f"`alpha` (Renyi order) must be >= 0, got {alpha}.")
    return alpha


def check_labels(qubits, name: str, *, allow_empty: bool) -> tuple[int, ...]:
    """Distinct non-negative qubit labels (the register size is not known yet)."""
    if isinstance(qubits, (str, bytes)) or not hasattr(qubits, "__iter__"):
        raise TypeError(
            f"`{name}` must be a sequence of qubit indices, got {qubits!r}."
        )
    out = tuple(check_int(q, name) for q in qubits)
    if not out and not allow_empty:
        raise ValueError(f"`{name}` must name at least one qubit.")
    if any(q < 0 for q in out):
        raise ValueError(
            f"`{name}` has negative qubit indices: {[q for q in out if q < 0]}."
        )
    if len(set(out)) != len(out):
        raise ValueError(f"`{name}` has repeated qubits: {out}.")
    return out


def as_seed_sequence(seed) -> np.random.SeedSequence:
    """The root ``numpy.random.SeedSequence`` of an ensemble's ``seed``.

    Parameters
    ----------
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence
        None draws fresh entropy from the operating system; a non-negative int
        is the entropy itself (``SeedSequence(seed)``); a ``SeedSequence`` is
        used as given (its ``spawn_key`` and ``pool_size`` are kept); a
        ``Generator`` gives up 128 bits of its stream as the entropy, so that
        one seeded generator drives several ensembles reproducibly and each
        call gets new draws.

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    TypeError
        If ``seed`` is of another type (bools included).
    ValueError
        If ``seed`` is a negative int.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int.from_bytes(seed.bytes(16), "little"))
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            "`seed` must be None, an int, a numpy.random.Generator or a "
            f"numpy.random.SeedSequence, got {type(seed)!r}."
        )
    if seed < 0:
        raise ValueError(f"`seed` must be a non-negative int, got {seed}.")
    return np.random.SeedSequence(int(seed))
