"""jax autodiff of the dense statevector and of lightcone contractions (tnbp.gradients.autodiff).

References: the naive kron simulator of tests/kron_reference.py with the exact
parameter-shift rule. jax runs in double precision, so agreement is to rounding
(1e-10 leaves room for XLA's different summation order).
"""

import builtins

import kron_reference
import numpy as np
import pytest
from numpy.testing import assert_allclose

import tnbp
from tnbp import ansatz
from tnbp.gradients import autodiff
from tnbp.models import observables
from tnbp.states.tn import TreeCache

pytest.importorskip("jax")

OBS = [(1.0, "ZZ", (0, 3)), (0.5, "X", (1,))]


def test_dense_autodiff_matches_the_kron_reference():
    circ = ansatz.hardware_efficient(4, 2, rotations=("X", "Y"), seed=5)
    circ.pauli_rotation(0.7, "XY", (2, 0))
    circ.cnot(1, 3)
    got = autodiff.dense_autodiff(circ, observables.pauli_sum(OBS), "0110")
    ref = kron_reference.shift_gradient(
        circ, kron_reference.pauli_sum_matrix(OBS, 4), "0110"
    )
    assert np.abs(ref).max() > 0.05
    assert_allclose(got, ref, atol=1e-10)


def test_dense_function_compiled_once_per_skeleton():
    """Random instances of one ansatz reuse one jitted function."""
    obs = observables.pauli_sum(OBS)
    autodiff.dense_autodiff(ansatz.hardware_efficient(4, 2, seed=0), obs, "0000")
    before = autodiff._dense_function.cache_info()
    autodiff.dense_autodiff(ansatz.hardware_efficient(4, 2, seed=1), obs, "0000")
    after = autodiff._dense_function.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


def test_tn_autodiff_matches_dense_and_skips_untrainable_cones():
    """A term whose cone holds no trainable gate is contracted, not compiled."""
    circ = tnbp.Circuit(6)
    circ.h(5)
    circ.cnot(5, 4)  # qubits 4, 5: fixed gates only
    for q in range(4):
        circ.ry(0.3 + q, q)
    circ.cz(0, 1)
    circ.rx(1.1, 1)
    obs = [(1.0, "Z", (1,)), (0.4, "ZZ", (4, 5))]
    compiled = len(autodiff._TN_FUNCTIONS)
    cache = TreeCache()  # fresh programs: each compiled function is new
    grad = tnbp.gradient(circ, obs, method="autodiff", backend="tn", cache=cache)
    ref = tnbp.gradient(circ, obs, method="adjoint", backend="dense")
    assert_allclose(grad, ref, atol=1e-10)
    assert np.abs(ref).max() > 0.1
    assert len(cache) == 2  # two cones were contracted ...
    assert len(autodiff._TN_FUNCTIONS) == compiled + 1  # ... one was compiled


def test_missing_jax_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_jax(name, *args, **kwargs):
        if name == "jax" or name.startswith("jax."):
            raise ImportError("No module named 'jax'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_jax)
    with pytest.raises(ImportError, match=r"tnbp\[jax\]"):
        autodiff._jax()
