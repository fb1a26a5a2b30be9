"""The validation helpers of ``tnbp._checks``: one per kind of argument.

Each helper accepts exactly its documented values (returned in canonical form)
and rejects everything else with a ``TypeError`` (wrong type) or a
``ValueError`` (wrong value) whose message names the argument in backquotes.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tnbp._checks import (
    as_real_array,
    as_rng,
    check_alpha,
    check_beta,
    check_bitstring,
    check_cutoff,
    check_density_matrix,
    check_int,
    check_int_values,
    check_labels,
    check_max_bond,
    check_opt,
    check_parameters,
    check_qubits,
    check_real,
    deprecated_alias,
)

HYPOTHESIS = settings(max_examples=80, deadline=None, derandomize=True, database=None)

#: values that are not numbers of any kind
NON_NUMBERS = st.one_of(
    st.text(max_size=3),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.complex_numbers(allow_nan=False).filter(lambda z: z.imag != 0),
)


def arg(name: str) -> str:
    """Regex matching the argument ``name`` as the messages quote it: `name`."""
    return re.escape(f"`{name}`")


# ---------------------------------------------------------------------- seeds
def _draws(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(size=4)


@HYPOTHESIS
@given(seed=st.integers(0, 2**64 - 1))
def test_as_rng_int_and_seed_sequence_give_the_same_stream(seed):
    ref = _draws(np.random.default_rng(seed))
    np.testing.assert_array_equal(_draws(as_rng(seed)), ref)
    np.testing.assert_array_equal(
        _draws(as_rng(np.int64(seed % 2**63))),
        _draws(np.random.default_rng(seed % 2**63)),
    )
    np.testing.assert_array_equal(_draws(as_rng(np.random.SeedSequence(seed))), ref)


def test_as_rng_generator_is_used_as_is_and_none_is_fresh():
    rng = np.random.default_rng(3)
    assert as_rng(rng) is rng
    assert isinstance(as_rng(None), np.random.Generator)
    # two fresh generators draw different numbers (probability 2^-53 of a tie)
    assert as_rng(None).uniform() != as_rng(None).uniform()


@HYPOTHESIS
@given(
    seed=st.one_of(
        st.floats(),
        st.booleans(),
        st.text(max_size=3),
        st.lists(st.integers(0, 5), max_size=2),
        st.just(np.random.PCG64(0)),
    )
)
def test_as_rng_rejects_other_types(seed):
    with pytest.raises(TypeError, match=arg("seed") + ".*SeedSequence.*Generator"):
        as_rng(seed)


@HYPOTHESIS
@given(seed=st.integers(max_value=-1))
def test_as_rng_rejects_negative_ints(seed):
    with pytest.raises(ValueError, match=arg("seed") + " must be a non-negative int"):
        as_rng(seed)


def test_as_rng_names_the_argument_it_is_given():
    with pytest.raises(TypeError, match=arg("rng")):
        as_rng(1.5, name="rng")


# --------------------------------------------------------------- parameters
def test_check_parameters_all():
    assert check_parameters("all") is None
    assert check_parameters(None) is None
    assert check_parameters("all", 7) is None


@HYPOTHESIS
@given(data=st.data(), num=st.integers(1, 12))
def test_check_parameters_keeps_order_and_counts_negatives_from_the_end(data, num):
    targets = data.draw(st.lists(st.integers(0, num - 1), min_size=1, unique=True))
    # each target written as k or k - num at random
    given_ = [k - num * data.draw(st.booleans()) for k in targets]
    assert check_parameters(given_, num) == tuple(targets)
    assert check_parameters(tuple(given_), num) == tuple(targets)
    assert check_parameters(np.array(given_), num) == tuple(targets)
    # the result is itself a valid selection, resolving to itself
    assert check_parameters(tuple(targets), num) == tuple(targets)
    # without num, only the form is checked and negatives are kept
    assert check_parameters(given_) == tuple(given_)


@HYPOTHESIS
@given(k=st.integers(-20, 19))
def test_check_parameters_single_int(k):
    assert check_parameters(k, 20) == (k % 20,)
    assert check_parameters(np.int32(k), 20) == (k % 20,)
    assert check_parameters(np.array(k), 20) == (k % 20,)


@HYPOTHESIS
@given(data=st.data(), num=st.integers(1, 10))
def test_check_parameters_rejects_repeats(data, num):
    k = data.draw(st.integers(0, num - 1))
    others = data.draw(st.lists(st.integers(0, num - 1), max_size=3))
    sel = [*others, k, k - num]  # the same parameter twice, once from the end
    with pytest.raises(ValueError, match=arg("parameters") + ".*more than once"):
        check_parameters(sel, num)
    with pytest.raises(ValueError, match=arg("parameters") + ".*more than once"):
        check_parameters([*others, k, k])  # caught before the size is known


@HYPOTHESIS
@given(num=st.integers(0, 10), k=st.integers())
def test_check_parameters_rejects_out_of_range(num, k):
    if -num <= k < num:
        return
    with pytest.raises(ValueError, match=arg("parameters")) as info:
        check_parameters([k], num)
    assert str(k) in str(info.value)


@HYPOTHESIS
@given(
    bad=st.one_of(
        st.floats(),
        st.booleans(),
        st.lists(st.floats(), min_size=1, max_size=3),
        st.lists(st.booleans(), min_size=1, max_size=3),
        st.lists(st.lists(st.integers(0, 3), min_size=1), min_size=1, max_size=2),
        st.sets(st.integers(0, 3), min_size=1),
        st.dictionaries(st.integers(0, 3), st.integers(), min_size=1),
    )
)
def test_check_parameters_rejects_bad_types(bad):
    with pytest.raises(TypeError, match=arg("parameters")):
        check_parameters(bad, 5)


@pytest.mark.parametrize("bad", ["ALL", "none", "0", ""])
def test_check_parameters_rejects_other_strings(bad):
    with pytest.raises(ValueError, match=arg("parameters") + ".*'all'"):
        check_parameters(bad, 5)


@pytest.mark.parametrize("empty", [[], (), np.array([], dtype=int), range(0)])
def test_check_parameters_rejects_empty(empty):
    with pytest.raises(ValueError, match=arg("parameters") + ".*at least one"):
        check_parameters(empty, 5)


def test_check_parameters_on_a_circuit_without_parameters():
    with pytest.raises(ValueError, match=arg("parameters") + ".*no trainable"):
        check_parameters(0, 0)
    assert check_parameters("all", 0) is None
    with pytest.raises(TypeError, match=arg("which")):
        check_parameters(1.0, 3, name="which")


# -------------------------------------------------------------------- cutoff
@HYPOTHESIS
@given(cutoff=st.floats(0.0, 1.0, exclude_max=True))
def test_check_cutoff_accepts_unit_interval(cutoff):
    out = check_cutoff(cutoff)
    assert out == cutoff and type(out) is float


@HYPOTHESIS
@given(
    cutoff=st.floats(max_value=0.0, exclude_max=True)
    | st.floats(min_value=1.0)
    | st.just(float("nan"))
)
def test_check_cutoff_rejects_values_outside_unit_interval(cutoff):
    with pytest.raises(ValueError, match=arg("cutoff") + r".*\[0, 1\)"):
        check_cutoff(cutoff)


@HYPOTHESIS
@given(cutoff=NON_NUMBERS | st.booleans())
def test_check_cutoff_rejects_non_reals(cutoff):
    with pytest.raises(TypeError, match=arg("cutoff")):
        check_cutoff(cutoff)


# ---------------------------------------------------------------------- beta
@HYPOTHESIS
@given(beta=st.floats(0.0, allow_infinity=False) | st.integers(0, 10**6))
def test_check_beta_accepts_finite_non_negative(beta):
    out = check_beta(beta)
    assert out == beta and type(out) is float


@HYPOTHESIS
@given(
    beta=st.floats(max_value=0.0, exclude_max=True)
    | st.sampled_from([float("inf"), float("nan")])
)
def test_check_beta_rejects_negative_and_non_finite(beta):
    with pytest.raises(ValueError, match=arg("beta") + r".*finite and >= 0"):
        check_beta(beta)


@HYPOTHESIS
@given(beta=NON_NUMBERS | st.booleans())
def test_check_beta_rejects_non_reals(beta):
    with pytest.raises(TypeError, match=arg("beta")):
        check_beta(beta)


# ------------------------------------------------------------------ max_bond
@HYPOTHESIS
@given(chi=st.integers(1, 2**40))
def test_check_max_bond_accepts_positive_ints(chi):
    assert check_max_bond(chi) == chi
    assert check_max_bond(np.int64(chi)) == chi
    assert type(check_max_bond(np.int64(chi))) is int


def test_check_max_bond_none_and_auto():
    assert check_max_bond(None) is None
    assert check_max_bond("auto", allow_auto=True) == "auto"
    with pytest.raises(TypeError, match=arg("max_bond") + ".*None or a positive int"):
        check_max_bond("auto")


@HYPOTHESIS
@given(chi=st.integers(max_value=0))
def test_check_max_bond_rejects_below_one(chi):
    with pytest.raises(ValueError, match=arg("max_bond") + " must be >= 1"):
        check_max_bond(chi, allow_auto=True)


@HYPOTHESIS
@given(chi=st.floats() | st.booleans() | st.text(max_size=4) | st.just([4]))
def test_check_max_bond_rejects_other_types(chi):
    with pytest.raises(TypeError, match=arg("max_bond")):
        check_max_bond(chi, allow_auto=chi != "auto")


# --------------------------------------------------- the pre-existing helpers
def test_check_opt():
    check_opt("method", "a", ("a", "b"))
    with pytest.raises(ValueError, match=arg("method") + r".*\['a', 'b'\].*'c'"):
        check_opt("method", "c", ("b", "a"))


@HYPOTHESIS
@given(value=st.integers(-5, 5), minimum=st.integers(-5, 5))
def test_check_int(value, minimum):
    if value >= minimum:
        assert check_int(np.int16(value), "k", minimum=minimum) == value
    else:
        with pytest.raises(ValueError, match=arg("k") + f" must be >= {minimum}"):
            check_int(value, "k", minimum=minimum)


@HYPOTHESIS
@given(value=st.floats() | st.booleans() | NON_NUMBERS)
def test_check_int_rejects_non_ints(value):
    with pytest.raises(TypeError, match=arg("k")):
        check_int(value, "k")


@HYPOTHESIS
@given(value=st.floats())
def test_check_real(value):
    if np.isfinite(value):
        assert check_real(value, "x") == value
    else:
        with pytest.raises(ValueError, match=arg("x") + " must be finite"):
            check_real(value, "x")


@HYPOTHESIS
@given(value=NON_NUMBERS | st.booleans())
def test_check_real_rejects_non_reals(value):
    with pytest.raises(TypeError, match=arg("x")):
        check_real(value, "x")


@HYPOTHESIS
@given(qubits=st.lists(st.integers(-3, 8), max_size=5))
def test_check_qubits_and_labels(qubits):
    n = 6
    distinct = len(set(qubits)) == len(qubits)
    if qubits and distinct and all(0 <= q < n for q in qubits):
        assert check_qubits(qubits, n) == tuple(qubits)  # order kept
    else:
        with pytest.raises(ValueError, match=arg("qubits")):
            check_qubits(qubits, n)
    if qubits and distinct and all(q >= 0 for q in qubits):
        assert check_labels(qubits, "qubits", allow_empty=False) == tuple(qubits)
    else:
        with pytest.raises(ValueError, match=arg("qubits")):
            check_labels(qubits, "qubits", allow_empty=False)


@pytest.mark.parametrize("bad", ["01", 1.0, None, [0.5]])
def test_check_qubits_and_labels_reject_bad_types(bad):
    with pytest.raises(TypeError, match=arg("qubits")):
        check_qubits(bad, 3)
    if bad != 1.0:
        with pytest.raises(TypeError, match=arg("qubits")):
            check_labels(bad, "qubits", allow_empty=True)


@HYPOTHESIS
@given(bits=st.text(st.sampled_from("01"), min_size=3, max_size=3))
def test_check_bitstring(bits):
    assert check_bitstring(bits, 3) == bits
    assert check_bitstring(None, 3) == "000"


@HYPOTHESIS
@given(bits=st.text(max_size=5).filter(lambda s: len(s) != 3 or set(s) - {"0", "1"}))
def test_check_bitstring_rejects(bits):
    with pytest.raises(ValueError, match=arg("initial")):
        check_bitstring(bits, 3)


@HYPOTHESIS
@given(alpha=st.floats())
def test_check_alpha(alpha):
    if alpha >= 0:
        assert check_alpha(alpha) == alpha
    else:
        with pytest.raises(ValueError, match=arg("alpha")):
            check_alpha(alpha)


# ------------------------------------------------------------ density matrix
@HYPOTHESIS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 3))
def test_check_density_matrix_accepts_states(seed, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    rho = X @ X.conj().T
    rho /= np.trace(rho)
    out = check_density_matrix(rho, 2**k, name="eta")
    # only the rounding of (rho + rho^dag)/2 changes it
    np.testing.assert_allclose(out, rho, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(out, out.conj().T)


@pytest.mark.parametrize(
    "rho, exc, match",
    [
        (np.eye(4) / 4, ValueError, "must be a 2x2 density matrix"),
        (np.array([[0.5, 1j], [0.0, 0.5]]), ValueError, "not Hermitian"),
        (np.diag([1.5, -0.5]), ValueError, "not positive semidefinite"),
        (np.eye(2), ValueError, "unit trace"),
        (np.diag([np.nan, 1.0]), ValueError, "non-finite"),
        ([["a", "b"], ["c", "d"]], TypeError, "numeric"),
    ],
    ids=["shape", "hermitian", "positive", "trace", "nan", "strings"],
)
def test_check_density_matrix_rejects(rho, exc, match):
    with pytest.raises(exc, match=arg("eta") + ".*" + match):
        check_density_matrix(rho, 2, name="eta")


# ----------------------------------------------------------- deprecated_alias
@deprecated_alias(depth="layers")
def _build(n, layers, *, seed=None):
    return (n, layers, seed)


def test_deprecated_alias_warns_and_forwards():
    with pytest.warns(DeprecationWarning, match="_build\\(\\): `depth` is deprecated"):
        assert _build(3, depth=4, seed=1) == (3, 4, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _build(3, 4, seed=1) == _build(3, layers=4, seed=1) == (3, 4, 1)


def test_deprecated_alias_rejects_both_names():
    with pytest.raises(TypeError, match="both `layers` and .* `depth`"):
        _build(3, layers=4, depth=4)


def test_check_int_values():
    assert check_int_values((3, 1), "n_values", minimum=1) == [3, 1]
    with pytest.raises(TypeError, match="`n_values` must be a sequence"):
        check_int_values(3, "n_values")
    with pytest.raises(TypeError, match="`n_values` must be a sequence"):
        check_int_values("12", "n_values")
    with pytest.raises(TypeError, match="`n_values` must be an integer"):
        check_int_values([1.0], "n_values")
    with pytest.raises(ValueError, match="`n_values` must not be empty"):
        check_int_values([], "n_values")
    with pytest.raises(ValueError, match="`n_values` must be distinct"):
        check_int_values([2, 2], "n_values")
    with pytest.raises(ValueError, match="`n_values` must be >= 1"):
        check_int_values([0], "n_values", minimum=1)


@pytest.mark.parametrize(
    "values", [[1.0, 2], np.arange(3), 0.5, np.float32(2.0), [[1, 2], [3, 4]]]
)
def test_as_real_array_keeps_real_numbers(values):
    arr = as_real_array(values, "v")
    assert arr.dtype == np.float64
    np.testing.assert_array_equal(arr, np.asarray(values, dtype=float))


@pytest.mark.parametrize(
    "values",
    [[1.0, 2j], [True, False], np.array([True]), ["1.0"], [1.0, None], [[1], [1, 2]]],
)
def test_as_real_array_rejects_what_is_not_real(values):
    # complex parts, booleans and strings would otherwise be dropped or parsed
    with pytest.raises(TypeError, match="`v`"):
        as_real_array(values, "v")
