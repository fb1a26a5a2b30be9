"""Size limits and numerical noise floors, each defined once.

Every limit has one name and one meaning; modules import them from here.
Sizes are in qubits unless the name says entries (array elements).
"""

from __future__ import annotations

# ------------------------------------------------------------------ sizes
#: Largest register the dense statevector backend accepts: 2^26 amplitudes = 1 GiB.
#: Measured (``simulate(hardware_efficient(n, 1), backend="dense")``, 24 GiB, 2
#: shared cores): n = 24 in 22 s, 0.95 GiB peak; n = 26 in 101 s, 3.2 GiB peak
#: (4.2 GiB with an estimate); n = 27 in 128 s, 6.2 GiB; n = 28 needs three
#: 4 GiB arrays at once (over 12 GiB) and failed to allocate within that budget.
MAX_DENSE_QUBITS = 26
#: Largest set of qubits whose reduced density matrix is formed explicitly.
MAX_RDM_QUBITS = 12
#: Largest number of entries an MPS reduced-density-matrix contraction may hold
#: at once (ket x bra x bond legs; 2^28 complex numbers = 4 GiB).
MAX_RDM_ENTRIES = 2**28
#: Most entries one batch of equal-structure lightcone networks may hold in a
#: forward pass (batch size x ``footprint`` of its
#: :class:`~tnbp.states.tn.contraction.ContractionProgram`; 2^24 complex numbers =
#: 256 MiB, about as much again in the reverse sweep); larger batches are contracted in
#: chunks. Measured (Z terms of hardware_efficient(40, 6), ladder): 1.3 GB peak
#: in one batch, 0.7 GB in chunks, at the same speed (each product is large).
MAX_TN_BATCH_ENTRIES = 2**24
#: Largest purification the layer-by-layer DQNN route holds, in entries:
#: 2^(n_{l-1} + n_l) amplitudes times a rank up to 2^(n_{l-1}) (2^26 complex
#: numbers = 1 GiB).
MAX_LAYERWISE_ENTRIES = 2**26
#: Largest perceptron held as a dense unitary matrix (parameter matrix
#: multiplication, :mod:`tnbp.models.dqnn_matrices`): 2^10 x 2^10 complex = 16 MiB,
#: and an eigendecomposition per update (about 1 s at this size).
MAX_PERCEPTRON_MATRIX_QUBITS = 10
#: Most gates of a :class:`tnbp.DQNN` (counted from the widths and the
#: perceptron kind before building; for a callable perceptron the qubits are
#: checked first and the gates as they are built). Building is linear (measured: 60,000 toy
#: gates in 0.6 s; ``DQNN((40, 40), "global")``, 393,600 gates with a Haar draw
#: per three, in 12 s), so 10^6 gates take 10-30 s.
MAX_DQNN_GATES = 10**6
#: Most random samples per group of an ensemble (``samples`` of
#: :func:`tnbp.gradient_variance` and its DQNN and QBM versions): the task list
#: is built up front, and 10^7 samples already take hours at the fastest
#: (sub-millisecond) sample.
MAX_SAMPLES = 10**7
#: Largest n for dense Gibbs states (``gibbs_state(backend="dense")``).
MAX_DENSE_GIBBS_QUBITS = 12
#: Dense Gibbs states up to this size diagonalize with one BLAS thread (faster).
SMALL_DENSE_GIBBS_QUBITS = 9
#: Largest n for the dense matrix of a :class:`~tnbp.PauliSum`.
MAX_DENSE_HAMILTONIAN_QUBITS = 14
#: Largest n of a GUE matrix (:func:`tnbp.gue_matrix`): 4^n complex entries,
#: 1 GiB at n = 13, about three times that while it is drawn (n = 12: 3 s to draw,
#: one real-time evolution to t = 10 in ~5 s on a shared core).
MAX_GUE_QUBITS = 13
#: Real-time evolutions (:func:`tnbp.evolve`) up to this size run with one BLAS
#: thread: their matrix-vector products gain nothing from threads on 2 shared
#: cores (measured, GUE at t = 10: n = 10 in 0.32 s instead of 4.6 s; n = 12 in
#: 8.0 s instead of 9.6 s).
SMALL_EVOLUTION_QUBITS = 12
#: ``PauliSum.norm(method="auto")`` diagonalizes exactly up to this many qubits.
EXACT_NORM_QUBITS = 12
#: Largest visible set of a fidelity cost: its gradient operator is expanded in
#: the 4^k Pauli strings on the visible qubits.
MAX_FIDELITY_QUBITS = 6
#: Default memory cap of ``max_bond="auto"`` (bytes, 2 GiB): a bond dimension
#: whose predicted peak memory (:func:`tnbp.states.mps.auto_run_bytes`) exceeds
#: it is not tried.
AUTO_MEMORY_CAP = 2**31
#: Schmidt-rank bounds are capped at 2^62 so that they fit a 64-bit integer.
MAX_BOUND_EXPONENT = 62

#: Largest integer an OpenQASM expression may compute exactly (bits): ``10^10^10``
#: would otherwise run for ever. Larger results are refused with the line.
MAX_QASM_INT_BITS = 4096
#: Most controls on one OpenQASM 3 gate (``ctrl(k) @``): a k-controlled one-qubit
#: gate is expanded into 2*3^(k-1) - 1 two-qubit gates (k = 10: 39,365 gates in
#: 2.7 s; k = 15 would be 9.6 million).
MAX_QASM_CONTROLS = 10
#: Most gates emitted for one ``pow(k) @`` of a gate on three or more qubits
#: (repeated k times; on one or two qubits the power is one matrix).
MAX_QASM_POWER_GATES = 100_000
#: Most qubits an OpenQASM program may declare.
MAX_QASM_QUBITS = 100_000

# ------------------------------------------------------------ noise floors
#: Eigenvalues of a reduced state below this are floating-point noise (a dense
#: spectrum from ``eigvalsh`` resolves nothing below ~1e-16) and count as zero.
SPECTRUM_NOISE_FLOOR = 1e-14
#: Relative squared-norm losses of one two-site update below this are SVD
#: rounding, not truncation: they enter the discarded weight but are not
#: counted as truncations.
TRUNCATION_NOISE_FLOOR = 1e-13
#: Relative squared-norm losses of one two-site update at or below this are
#: indistinguishable from rounding (measured: ``|loss| <= 2.2e-15`` over exact
#: Haar and hardware-efficient runs at n = 10), so the trace-distance bound
#: (:attr:`tnbp.BondRecord.distance_bound`) of the MPS backend, which measures
#: each loss as a difference of norms, does not count them. Known gap: many
#: real truncations of at most this weight each (e.g. 2000 rotations by 1e-7)
#: escape that bound (up to sqrt(1e-14) = 1e-7 of trace distance per update);
#: the purified routes sum the dropped singular values themselves and count
#: every cut.
ROUNDING_WEIGHT = 1e-14
#: Largest ``max |U^dag U - I|`` accepted for a user-supplied unitary.
UNITARY_ATOL = 1e-10
#: Largest ``max |rho - rho^dag|``, and largest negative eigenvalue, accepted for a
#: user-supplied density matrix.
DENSITY_MATRIX_ATOL = 1e-10
#: Largest ``|Tr rho - 1|`` (or ``|<psi|psi> - 1|``) accepted for a user-supplied
#: density matrix (or state vector).
NORMALIZATION_ATOL = 1e-8
#: Eigenvalues of sqrt(sigma) rho sqrt(sigma) below this (relative) count as zero.
FIDELITY_RANK_TOL = 1e-12
#: A term of a Gibbs Hamiltonian conserves a charge (total Z, Z parity) when its
#: commutator with it is below this times its largest entry (rounding of O(1) sums).
CONSERVATION_ATOL = 1e-12
#: Relative singular-value cutoff per bond of the compressed H^2 MPO behind a
#: purified Gibbs state's energy variance (bond 8 instead of 16 on the XX chain).
SQUARE_MPO_CUTOFF = 1e-13
#: Coefficients Tr(G P)/2^k below this are dropped when a Hermitian matrix is
#: expanded in Pauli strings (rounding of entries of order one).
PAULI_COEFFICIENT_NOISE_FLOOR = 1e-15
#: Largest relative singular-value cutoff of the exact-moments engine that only
#: drops rounding noise; above it the dropped weight is not tracked, so the
#: result is flagged as truncated.
MOMENTS_NOISE_CUTOFF = 1e-12
#: Most Pauli strings an observable may expand into for the Pauli-transfer chain
#: (:mod:`tnbp.gradients.pauli_moments`); its cross sectors are found among the
#: m (m - 1) / 2 pairs of strings (about 0.5 M pairs, a few seconds, at the limit).
#: A global cost on n qubits has 2^n - 1 strings, so from n = 11 it goes to the
#: doubled-circuit engine.
PAULI_MAX_STRINGS = 1024
#: Memory the Pauli-transfer chain keeps for its vectors between its sweeps
#: (bytes; half for each sweep's half of the parameter blocks); beyond it they
#: are kept at every second, fourth, ... parameter block and the others
#: recomputed: one more sweep over that half, whatever the stride, so a larger
#: budget only helps when everything fits (n = 20, 20 layers: ~100 MB; n = 50,
#: 50 layers at bond ~240-350 and the default cutoff: ~1.5 GB, which fits).
#: While a dropped vector is recomputed, the ones between it and its checkpoint
#: are held too: up to a stride's worth more than the budget.
MOMENTS_SNAPSHOT_BYTES = 2**31
#: Truncation error of the Chebyshev series of exp(-iHt) (:func:`tnbp.evolve`):
#: terms are kept until twice the sum of the remaining Bessel coefficients,
#: which bounds the error in the state's norm, falls below this.
CHEBYSHEV_TOL = 1e-13
#: Most Chebyshev terms (one product with H each) :func:`tnbp.evolve` takes:
#: about a t of them, a the spectrum's half width; at D = 2^12 ninety take a
#: few seconds (GUE, t = 10), so 10^6 take hours (t = 1e300 asked numpy for an
#: array of 1e300 Bessel values).
MAX_CHEBYSHEV_TERMS = 10**6
#: Lanczos steps that bound the spectrum of H for :func:`tnbp.evolve` (one
#: product with H each; matrices of at most this dimension are diagonalized).
LANCZOS_STEPS = 40
#: A QNTK K = sum_l (d<O>/d theta_l)^2 at or below this per angle, relative to
#: the square of O's half spectral width, is a vanishing gradient's rounding
#: (:func:`tnbp.nonvanishing_qntk`): a derivative of 1e-12 there, against dense
#: adjoint rounding of ~1e-17 (measured: K = 2.7e-38 for 2 angles whose
#: rotations commute with O = Z_0 Z_1).
QNTK_NOISE_FLOOR = 1e-24
#: Range of the step h (radians) of meta_kernel's difference Hessian-vector
#: product: below, rounding (~1e-16 / h) dominates the central difference;
#: above, its truncation error (``<= h^2 P^2 |g|^2 ||O|| / 96``) does.
HVP_STEP_RANGE = (1e-8, 0.1)
