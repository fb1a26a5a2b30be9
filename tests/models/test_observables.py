r"""The costs of arXiv:2005.12458 against their formulas, eqs. (3) and (4).

:math:`O^G = 1 - \bigotimes_j |\psi_j\rangle\langle\psi_j|` and
:math:`O^L = 1 - \frac1n \sum_j |\psi_j\rangle\langle\psi_j|_j`, built here as
dense matrices with ``np.kron`` and compared through expectation values on
random states of the dense backend (sums of ~2^n products of doubles:
``atol=1e-12``).
"""

import functools

import numpy as np
import pytest

import tnbp
from tnbp import ansatz, observables

KETS = {
    "0": np.array([1, 0]),
    "1": np.array([0, 1]),
    "+": np.array([1, 1]) / np.sqrt(2),
    "-": np.array([1, -1]) / np.sqrt(2),
}


def _on(ops: dict, n: int) -> np.ndarray:
    """``{qubit: 2x2}`` as a 2^n matrix, qubit 0 leftmost factor."""
    return functools.reduce(np.kron, [ops.get(q, np.eye(2)) for q in range(n)])


def _projector(c):
    return np.outer(KETS[c], KETS[c].conj())


def _global(qubits, target, n):
    return np.eye(2**n) - _on({q: _projector(c) for q, c in zip(qubits, target)}, n)


def _local(qubits, target, n):
    mean = sum(_on({q: _projector(c)}, n) for q, c in zip(qubits, target))
    return np.eye(2**n) - mean / len(qubits)


CASES = [((0, 1, 2, 3), None), ((2, 0), "+1"), ((3, 1, 0), "-0+")]


@pytest.mark.parametrize("qubits, target", CASES)
@pytest.mark.parametrize("seed", range(2))
def test_costs_are_eqs_3_and_4(qubits, target, seed):
    n = 4
    dense_target = target or "0" * len(qubits)
    state = tnbp.simulate(ansatz.haar_brickwork(n, 4, seed=seed), backend="dense")
    psi = state.statevector
    for cost, formula in [
        (observables.global_cost, _global),
        (observables.local_cost, _local),
    ]:
        O = formula(qubits, dense_target, n)
        value = tnbp.expectation_value(state, cost(qubits, target))
        assert value == pytest.approx(np.vdot(psi, O @ psi).real, abs=1e-12)
        assert -1e-12 <= value <= 1 + 1e-12  # 0 <= O <= 1


def test_costs_vanish_on_their_target():
    """|+>_2 |1>_0 (qubit 1 free): both costs are exactly 0; a flip makes them > 0."""
    circ = tnbp.Circuit(3)
    circ.x(0)
    circ.h(2)
    circ.h(1)  # not an output qubit: no effect on the cost
    state = tnbp.simulate(circ, backend="dense")
    for cost in (observables.global_cost, observables.local_cost):
        assert tnbp.expectation_value(state, cost((2, 0), "+1")) == pytest.approx(
            0.0, abs=1e-15
        )
    # one of two output qubits wrong: global cost 1, local cost 1/2
    assert tnbp.expectation_value(
        state, observables.global_cost((2, 0), "+0")
    ) == pytest.approx(1.0, abs=1e-15)
    assert tnbp.expectation_value(
        state, observables.local_cost((2, 0), "+0")
    ) == pytest.approx(0.5, abs=1e-15)
