"""Hand-built product terms (tnbp.models.operators.Term) are validated once."""

import numpy as np
import pytest

from tnbp.models.operators import Term


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        (dict(coeff=1j), TypeError, "`coeff`"),
        (dict(coeff=float("nan")), ValueError, "`coeff`"),
        (dict(qubits=(0, 0), ops=(np.eye(2), np.eye(2))), ValueError, "`qubits`"),
        (dict(qubits=()), ValueError, "`qubits`"),
        (dict(ops=(np.eye(3),)), ValueError, r"`ops\[0\]`"),
        (dict(ops=(np.array([[0, 1], [0, 0]]),)), ValueError, r"`ops\[0\]`"),
        (dict(ops=(np.eye(2), np.eye(2))), ValueError, "`ops`"),
    ],
)
def test_hand_built_terms_are_checked(kwargs, error, name):
    # bounds() and every estimator assume real coefficients and Hermitian
    # factors; a non-Hermitian factor gave bounds that did not hold
    args = dict(coeff=1.0, qubits=(0,), ops=(np.diag([1.0, -1.0]),))
    args.update(kwargs)
    with pytest.raises(error, match=name):
        Term(**args)
