"""Input validation shared by the whole package.

Every public entry point validates its arguments here, so that bad input fails
early with a ``TypeError`` or ``ValueError`` that names the offending argument
and says what was expected.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Iterable

import numpy as np

from .limits import DENSITY_MATRIX_ATOL, NORMALIZATION_ATOL


def check_opt(name: str, value, valid) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``valid``.

    The message lists the valid choices, as quimb's ``check_opt`` does.

    Parameters
    ----------
    name : str
        The option's name in the error message.
    value : object
        The value passed.
    valid : collection
        The valid values (sortable, for the message).

    Raises
    ------
    ValueError
        If ``value`` is not in ``valid``: "Option `name` should be one of
        [...], but got ...".
    """
    if value not in valid:
        raise ValueError(
            f"Option `{name}` should be one of {sorted(valid)!r}, but got {value!r}."
        )


def check_method(
    method: str | None,
    backend: str,
    *,
    methods,
    backends,
    default: dict[str, str],
    runs_on: dict[str, tuple[str, ...]],
) -> str:
    """Validate a differentiation ``method`` for a ``backend``; None picks the default.

    The one place where a method left unset (``method=None``) becomes the best
    method of the backend, for circuit gradients
    (:func:`tnbp.gradients.api.check_method`) and QBM gradients
    (:func:`tnbp.gradients.qbm.check_method`) alike, so that a function's
    default works on every backend it accepts.

    Parameters
    ----------
    method : str or None
        The method asked for; None for the backend's default.
    backend : str
        The backend.
    methods : collection of str
        Every valid method.
    backends : collection of str
        Every valid backend.
    default : dict of str to str
        The method used on each backend when ``method`` is None.
    runs_on : dict of str to tuple of str
        The backends of the methods that do not run on all of them.

    Returns
    -------
    str
        ``method``, or ``default[backend]`` when ``method`` is None.

    Raises
    ------
    ValueError
        If ``backend`` or ``method`` is not one of the options, or ``method``
        does not run on ``backend`` (the message names the default there).
    """
    check_opt("backend", backend, backends)
    if method is None:
        return default[backend]
    check_opt("method", method, methods)
    allowed = runs_on.get(method, tuple(backends))
    if backend not in allowed:
        raise ValueError(
            f"`method`={method!r} runs on `backend` in {allowed}, got {backend!r} "
            f"(method=None uses {default[backend]!r} there)."
        )
    return method


def as_rng(seed, *, name: str = "seed") -> np.random.Generator:
    """Turn a seed into a ``numpy.random.Generator``: the one seed convention.

    Every random object in tnbp takes ``seed`` in one of four forms, all
    reproducible:

    - ``None``: fresh entropy from the operating system (not reproducible);
    - a non-negative ``int``: ``numpy.random.default_rng(seed)``;
    - a ``numpy.random.SeedSequence``: ``default_rng(seed)``, the form an
      ensemble spawns per task (independent streams per sample);
    - a ``numpy.random.Generator``: used as is (shared, so draws advance it).

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The seed.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    numpy.random.Generator
        ``seed`` itself if it is a Generator, else a new one seeded by it.

    Raises
    ------
    TypeError
        If ``seed`` is of another type (``bool`` and ``float`` included).
    ValueError
        If ``seed`` is a negative int.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_seed_sequence(seed, name=name))


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, checking its type and lower bound.

    Parameters
    ----------
    value : int
        Any integral number (``numpy.int64`` included; ``bool`` rejected).
    name : str
        The argument's name in error messages.
    minimum : int, optional
        The smallest valid value (no bound by default).

    Returns
    -------
    int
        ``int(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` and integral floats included).
    ValueError
        If ``value`` is below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}.")
    return value


def check_int_values(values, name: str, *, minimum: int | None = None) -> list[int]:
    """Return ``values`` as a non-empty list of distinct ints (e.g. the qubit numbers of a sweep).

    Parameters
    ----------
    values : iterable of int
        The values, in order (not a str or a single int).
    name : str
        The argument's name in error messages.
    minimum : int, optional
        The smallest valid value (no bound by default).

    Returns
    -------
    list of int
        The values, in order.

    Raises
    ------
    TypeError
        If ``values`` is not an iterable (a single int included) or holds a
        non-integer.
    ValueError
        If ``values`` is empty, repeats a value or holds one below ``minimum``.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"`{name}` must be a sequence of int (e.g. [{values!r}]), got {values!r}."
        )
    out = [check_int(v, name, minimum=minimum) for v in values]
    if not out:
        raise ValueError(f"`{name}` must not be empty.")
    if len(set(out)) != len(out):
        raise ValueError(f"`{name}` must be distinct, got {out}.")
    return out


def check_real(value, name: str) -> float:
    """Return ``value`` as a finite float.

    Parameters
    ----------
    value : float
        Any real number (ints and numpy scalars included; ``bool`` rejected).
    name : str
        The argument's name in error messages.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (``bool`` and complex included).
    ValueError
        If ``value`` is NaN or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    return value


def as_real_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a float64 array, refusing what is not real numbers.

    ``np.asarray(values, dtype=float)`` alone would drop imaginary parts (with
    only a warning), turn booleans into 0/1 and parse strings; each is a
    mistake in numerical data.

    Parameters
    ----------
    values : array_like of real numbers
        Any shape (a scalar included).
    name : str
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray of float64, shape of ``values``
        The values; finiteness is left to the caller.

    Raises
    ------
    TypeError
        If ``values`` holds complex numbers, booleans, strings or other
        objects that are not real numbers.
    """
    try:
        arr = np.asarray(values)
    except ValueError as err:  # ragged nesting
        raise TypeError(f"`{name}` must be an array of real numbers: {err}") from None
    if arr.dtype.kind == "O":
        if not all(
            isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
            for v in arr.reshape(-1)
        ):
            raise TypeError(f"`{name}` must hold real numbers, got {values!r}.")
    elif arr.dtype.kind not in "iuf":
        raise TypeError(
            f"`{name}` must hold real numbers, got dtype {arr.dtype} ({values!r})."
        )
    return arr.astype(float)


def check_qubits(
    qubits, n: int, *, name: str = "qubits", allow_empty: bool = False
) -> tuple[int, ...]:
    """Validate a qubit or a collection of distinct qubits of an ``n``-qubit register.

    Parameters
    ----------
    qubits : int or iterable of int
        One qubit index, or several, in ``0..n-1``.
    n : int
        Number of qubits of the register.
    name : str, optional
        The argument's name in error messages.
    allow_empty : bool, optional
        Whether an empty collection is valid (default False).

    Returns
    -------
    tuple of int
        The qubits, in the order given.

    Raises
    ------
    TypeError
        If ``qubits`` is neither an integer nor an iterable of integers (strings
        and bools are rejected).
    ValueError
        If ``qubits`` is empty (unless ``allow_empty``), has an index outside
        ``0..n-1`` or repeats a qubit.
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
    r"""Validate a computational-basis initial state written as a bitstring.

    Parameters
    ----------
    initial : str or None
        One character ``"0"`` or ``"1"`` per qubit, qubit 0 first; None for
        :math:`|0\cdots0\rangle`.
    n : int
        Number of qubits.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    str
        The bitstring, of length ``n`` (``"0" * n`` for None).

    Raises
    ------
    TypeError
        If ``initial`` is neither None nor a string.
    ValueError
        If ``initial`` does not have ``n`` characters or has characters other
        than ``0`` and ``1``.
    """
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
    r"""Validate a Renyi order: a non-negative real number or ``inf``.

    Parameters
    ----------
    alpha : float
        The order :math:`\alpha` of :math:`S_\alpha` (0: Hartley, 1: von
        Neumann, ``inf``: min-entropy).

    Returns
    -------
    float
        ``float(alpha)``, in ``[0, inf]``.

    Raises
    ------
    TypeError
        If ``alpha`` is not a real number (``bool`` included).
    ValueError
        If ``alpha`` is negative or NaN.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"`alpha` must be a real number, got {alpha!r}.")
    alpha = float(alpha)
    if np.isnan(alpha) or alpha < 0:
        raise ValueError(f"`alpha` (Renyi order) must be >= 0, got {alpha}.")
    return alpha


def check_labels(qubits, name: str, *, allow_empty: bool) -> tuple[int, ...]:
    """Validate distinct non-negative qubit labels (the register size is not known yet).

    Parameters
    ----------
    qubits : iterable of int
        The labels.
    name : str
        The argument's name in error messages.
    allow_empty : bool
        Whether an empty collection is valid.

    Returns
    -------
    tuple of int
        The labels, in the order given.

    Raises
    ------
    TypeError
        If ``qubits`` is not an iterable of integers (strings rejected).
    ValueError
        If ``qubits`` is empty (unless ``allow_empty``), has a negative label or
        repeats one.
    """
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


def check_parameters(
    parameters, num: int | None = None, *, name: str = "parameters"
) -> tuple[int, ...] | None:
    """Validate a selection of circuit parameters: the one ``parameters`` convention.

    ``parameters`` names trainable angles by their index in
    :attr:`tnbp.Circuit.parameters`, wherever a function differentiates or
    reports a subset of them (:func:`tnbp.gradient`,
    :func:`tnbp.exact_gradient_variance`, :func:`tnbp.gradient_variance`):

    - ``"all"`` or ``None``: every parameter;
    - an int: that one parameter;
    - a sequence of ints (list, tuple, range, 1-D integer array): those
      parameters.

    Negative indices count from the end, as in Python. Results come back in
    the order given, so entry ``i`` of a result belongs to ``parameters[i]``.
    Naming a parameter twice (also as ``k`` and ``k - num``) is an error:
    silently dropping the repeat would misalign results with the request, and
    keeping it would compute and report the same derivative twice. An empty
    selection is an error too (use ``"all"``).

    Parameters
    ----------
    parameters : "all", None, int or sequence of int
        The selection.
    num : int, optional
        Number of trainable parameters of the circuit. Without it (the circuit
        is not built yet, as in an ensemble) everything but the range is
        checked and negative indices are kept as given.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    tuple of int or None
        ``None`` for every parameter; otherwise the distinct indices in the
        order given, made non-negative when ``num`` is given. The result is
        itself a valid ``parameters`` value.

    Raises
    ------
    TypeError
        If ``parameters`` is not ``"all"``, ``None``, an int or a sequence of
        ints (floats, bools, sets and nested sequences are rejected).
    ValueError
        If it is another string, empty, out of range for ``num`` parameters, or
        names a parameter twice.
    """
    if parameters is None:
        return None
    if isinstance(parameters, str):
        if parameters == "all":
            return None
        raise ValueError(
            f"`{name}` must be 'all', an int or a sequence of ints, got {parameters!r}."
        )
    if isinstance(parameters, numbers.Integral) and not isinstance(parameters, bool):
        items: tuple = (parameters,)
    elif isinstance(parameters, np.ndarray) and parameters.ndim <= 1:
        items = tuple(parameters.reshape(-1).tolist())
    elif isinstance(parameters, (bytes, dict, set, frozenset, np.ndarray)) or not (
        isinstance(parameters, Iterable)
    ):
        raise TypeError(
            f"`{name}` must be 'all', an int or a sequence of ints, got {parameters!r}."
        )
    else:
        items = tuple(parameters)
    for k in items:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(
                f"`{name}` must be 'all', an int or a sequence of ints; "
                f"it contains {k!r}."
            )
    idx = tuple(int(k) for k in items)
    if not idx:
        raise ValueError(
            f"`{name}` must select at least one parameter (use 'all' for every one)."
        )
    if num is not None:
        bad = [k for k in idx if not -num <= k < num]
        if bad:
            raise ValueError(
                f"`{name}` has indices {bad} out of range for {num} trainable "
                f"parameters (valid: {-num}..{num - 1})."
                if num
                else f"`{name}` selects {bad}, but the circuit has no trainable "
                "parameters."
            )
        idx = tuple(k % num for k in idx)
    repeated = sorted({k for k in idx if idx.count(k) > 1})
    if repeated:
        raise ValueError(
            f"`{name}` selects parameter(s) {repeated} more than once: {idx}."
        )
    return idx


def check_cutoff(cutoff, *, name: str = "cutoff") -> float:
    """Validate a truncation cutoff: a real number in ``[0, 1)``.

    Every ``cutoff`` in tnbp is relative (to the norm, the total discarded
    weight or the largest singular value, as each function documents), so it
    lies in ``[0, 1)``: 0 truncates nothing and 1 or more would discard
    everything.

    Parameters
    ----------
    cutoff : float
        The cutoff (dimensionless).
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    float
        ``float(cutoff)``, in ``[0, 1)``.

    Raises
    ------
    TypeError
        If ``cutoff`` is not a real number (``bool`` included).
    ValueError
        If ``cutoff`` is not in ``[0, 1)`` (NaN included).
    """
    if isinstance(cutoff, bool) or not isinstance(cutoff, numbers.Real):
        raise TypeError(f"`{name}` must be a real number in [0, 1), got {cutoff!r}.")
    cutoff = float(cutoff)
    if not 0.0 <= cutoff < 1.0:
        raise ValueError(
            f"`{name}` (a relative truncation cutoff) must be in [0, 1), got {cutoff}."
        )
    return cutoff


def check_beta(beta, *, name: str = "beta") -> float:
    """Validate an inverse temperature: a finite real number ``>= 0``.

    ``beta = 0`` is the infinite-temperature (maximally mixed) state; negative
    and infinite values have no thermal state.

    Parameters
    ----------
    beta : float
        The inverse temperature, in units of 1/energy of the Hamiltonian.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    float
        ``float(beta)``, finite and ``>= 0``.

    Raises
    ------
    TypeError
        If ``beta`` is not a real number (``bool`` included).
    ValueError
        If ``beta`` is negative, infinite or NaN.
    """
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(
            f"`{name}` (inverse temperature) must be a real number, got {beta!r}."
        )
    beta = float(beta)
    if not (np.isfinite(beta) and beta >= 0):
        raise ValueError(
            f"`{name}` (inverse temperature) must be finite and >= 0, got {beta}."
        )
    return beta


def check_max_bond(
    max_bond, *, allow_auto: bool = False, name: str = "max_bond"
) -> int | str | None:
    """Validate a bond-dimension cap: ``None`` (no cap), an int ``>= 1`` or ``"auto"``.

    Parameters
    ----------
    max_bond : None, int or "auto"
        The cap.
    allow_auto : bool, optional
        Whether ``"auto"`` (adaptive doubling, :func:`tnbp.simulate`) is valid.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    int, "auto" or None
        ``max_bond``, an int converted to a Python ``int``.

    Raises
    ------
    TypeError
        If ``max_bond`` is of another type (floats, bools and other strings
        included, ``"auto"`` too unless ``allow_auto``).
    ValueError
        If ``max_bond`` is an int below 1.
    """
    if max_bond is None or (
        allow_auto and isinstance(max_bond, str) and max_bond == "auto"
    ):
        return max_bond
    if isinstance(max_bond, bool) or not isinstance(max_bond, numbers.Integral):
        choices = (
            "None, a positive int or 'auto'" if allow_auto else "None or a positive int"
        )
        raise TypeError(f"`{name}` must be {choices}, got {max_bond!r}.")
    if max_bond < 1:
        raise ValueError(f"`{name}` must be >= 1, got {max_bond}.")
    return int(max_bond)


def check_density_matrix(rho, dim: int, *, name: str) -> np.ndarray:
    r"""Validate a density matrix: ``dim x dim``, Hermitian, positive, unit trace.

    Parameters
    ----------
    rho : array_like
        The matrix.
    dim : int
        Its required dimension (``2^k`` for ``k`` qubits).
    name : str
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray of complex128, shape (dim, dim)
        ``rho`` made exactly Hermitian, :math:`(\rho + \rho^\dagger)/2` (a new
        array).

    Raises
    ------
    TypeError
        If ``rho`` is not numeric.
    ValueError
        If ``rho`` has the wrong shape or non-finite entries, is not Hermitian
        or has an eigenvalue below ``-DENSITY_MATRIX_ATOL``
        (:mod:`tnbp.limits`), or its trace differs from 1 by more than
        ``NORMALIZATION_ATOL``.
    """
    try:
        arr = np.array(rho, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`{name}` must be a numeric matrix, got {type(rho)!r}."
        ) from exc
    if arr.shape != (dim, dim):
        raise ValueError(
            f"`{name}` must be a {dim}x{dim} density matrix, got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` has non-finite entries.")
    err = np.abs(arr - arr.conj().T).max()
    if err > DENSITY_MATRIX_ATOL:
        raise ValueError(
            f"`{name}` is not Hermitian: max |rho - rho^dag| = {err:.2e} > "
            f"{DENSITY_MATRIX_ATOL}."
        )
    arr = (arr + arr.conj().T) / 2
    low = np.linalg.eigvalsh(arr).min()
    if low < -DENSITY_MATRIX_ATOL:
        raise ValueError(
            f"`{name}` is not positive semidefinite: smallest eigenvalue {low:.3g}."
        )
    trace = np.trace(arr).real
    if abs(trace - 1) > NORMALIZATION_ATOL:
        raise ValueError(f"`{name}` must have unit trace, got {trace:.6g}.")
    return arr


def deprecated_alias(**aliases: str):
    """Decorator: accept old keyword names as deprecated aliases of new ones.

    ``@deprecated_alias(depth="layers")`` lets ``f(..., depth=3)`` run as
    ``f(..., layers=3)`` with a ``DeprecationWarning`` naming the new keyword.

    Parameters
    ----------
    **aliases : str
        ``old_name=new_name`` pairs.

    Returns
    -------
    callable
        The decorator; the decorated function keeps the wrapped one's name,
        docstring and signature (``functools.wraps``).

    Raises
    ------
    TypeError
        From the decorated function, when a call passes both an old name and
        its new one.

    Warns
    -----
    DeprecationWarning
        From the decorated function, when a call uses an old name.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in aliases.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{func.__name__}() got both `{new}` and its deprecated "
                            f"alias `{old}`; pass `{new}` only."
                        )
                    warnings.warn(
                        f"{func.__name__}(): `{old}` is deprecated, use `{new}`.",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def as_seed_sequence(seed, *, name: str = "seed") -> np.random.SeedSequence:
    """The root ``numpy.random.SeedSequence`` of a ``seed`` (see :func:`as_rng`).

    Ensembles spawn one child of it per sample, so their results depend on
    neither the executor nor the chunking.

    Parameters
    ----------
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence
        None draws fresh entropy from the operating system; a non-negative int
        is the entropy itself (``SeedSequence(seed)``, the sequence
        ``numpy.random.default_rng(seed)`` uses); a ``SeedSequence`` is used as
        given (its ``spawn_key`` and ``pool_size`` are kept); a ``Generator``
        gives up 128 bits of its stream as the entropy, so that one seeded
        generator drives several ensembles reproducibly and each call gets new
        draws.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    numpy.random.SeedSequence
        The root sequence.

    Raises
    ------
    TypeError
        If ``seed`` is of another type (``bool`` and ``float`` included).
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
            f"`{name}` must be None, a non-negative int, a numpy SeedSequence or "
            f"a numpy Generator, got {type(seed).__name__} {seed!r}."
        )
    if seed < 0:
        raise ValueError(f"`{name}` must be a non-negative int, got {seed}.")
    return np.random.SeedSequence(int(seed))


def check_size_pairs(sizes, *, min_n: int = 1) -> list[tuple[int, int]]:
    """``sizes`` as a list of distinct ``(n, layers)`` pairs of ints.

    Parameters
    ----------
    sizes : iterable of (int, int)
        The pairs; ``n >= min_n`` and ``layers >= 1``.
    min_n : int, optional
        The smallest qubit number allowed.

    Returns
    -------
    list of tuple of int
        The pairs, in order.

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence of pairs of integers.
    ValueError
        If it is empty, repeats a pair or holds a value below its minimum.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise TypeError(
            f"`sizes` must be a sequence of (n, layers) pairs, got {sizes!r:.80}."
        )
    out = []
    for pair in sizes:
        if (
            isinstance(pair, (str, bytes))
            or not hasattr(pair, "__len__")
            or len(pair) != 2
        ):
            raise TypeError(
                f"`sizes` must hold (n, layers) pairs of ints, got {pair!r:.80}."
            )
        out.append(
            (
                check_int(pair[0], "sizes: n", minimum=min_n),
                check_int(pair[1], "sizes: layers", minimum=1),
            )
        )
    if not out:
        raise ValueError("`sizes` must hold at least one (n, layers) pair.")
    if len(set(out)) != len(out):
        raise ValueError(f"`sizes` must be distinct, got {out!r}.")
    return out
