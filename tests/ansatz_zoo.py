"""Seeded circuits of every ansatz family, shared by the test modules."""

from tnbp import ansatz

#: name -> builder(n, seed) of every ansatz family, at depths that entangle well
ANSATZ_BUILDERS = {
    "hea_ladder": lambda n, seed: ansatz.hardware_efficient(n, 3, seed=seed),
    "hea_brick_cnot": lambda n, seed: ansatz.hardware_efficient(
        n, 4, rotations=("X", "Y", "Z"), entangler="cnot", pattern="brick", seed=seed
    ),
    "haar_brickwork": lambda n, seed: ansatz.haar_brickwork(n, 6, seed=seed),
    "unitary_qnn": lambda n, seed: ansatz.unitary_qnn(n, seed=seed),
    "unitary_qnn_nn": lambda n, seed: ansatz.unitary_qnn(
        n, nearest_neighbour=True, shuffle=True, seed=seed
    ),
    "free_fermion": lambda n, seed: ansatz.free_fermion_brickwork(n, 5, seed=seed),
}
