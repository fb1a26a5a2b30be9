r"""Contraction trees found once per network structure and replayed for every instance.

Random instances of one ansatz share their tensor-network *structure* (which
tensors, which indices, which shapes) and differ only in the numbers. The
expensive part of an exact contraction, the cotengra path search, depends on
the structure alone; so it runs once per structure, and each instance replays
the tree as a fixed sequence of pairwise ``tensordot`` calls
(:class:`ContractionProgram`).

A program also runs backwards: one reverse sweep along the same tree gives the
*environment* :math:`E_i = \partial f / \partial T_i` of every input tensor of
a scalar contraction :math:`f`, so the derivative of ``f`` with respect to any
parameter inside the tensors costs one extra sweep (reverse-mode
differentiation, done by hand on numpy arrays because the tree is fixed).
Programs run on a batch of networks at once (one matrix product per step for
all of them), which is what makes many small lightcones fast.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Hashable, Sequence

import cotengra as ctg
import numpy as np
from autoray import get_lib_fn, infer_backend_multi

#: the default search, :data:`ADAPTIVE`: cotengra's greedy search (~5 ms for a
#: 265-tensor lightcone network, n = 100, 4 layers; its trees replay faster here
#: than "auto-hq" ones, 1.9 vs 18 ms), then a random-greedy search for the
#: networks where greedy's tree is expensive
ADAPTIVE = "adaptive"
#: what ``optimize=None`` means: :data:`ADAPTIVE`
DEFAULT_OPTIMIZE = ADAPTIVE
#: contraction cost (complex multiply-adds per network) above which the adaptive
#: search runs :data:`WIDE_REPEATS` seeded random-greedy trials and keeps the
#: cheaper tree. Greedy stays below it for brickwork cones of width <= 16 (e.g.
#: 2^20 for a Z term of a 4-layer ladder); above it, the replays it saves repay
#: the search's 1-10 s within a few tens of calls. Measured (one Z term of
#: hardware_efficient(64, L), ladder): greedy 2^25.1 -> 2^22.7 at L = 5, 2^31.2 ->
#: 2^26.6 at L = 6 (one gradient 4.7 -> 0.2 s), and largest intermediate 2^26 ->
#: 2^20 entries for a ZZ term at L = 6.
WIDE_TREE_COST = 2.0**24
#: random-greedy trials of the adaptive search (serial, seed 0: reproducible)
WIDE_REPEATS = 64


@dataclasses.dataclass(frozen=True)
class _Step:
    """One pairwise contraction, as a batched matrix product.

    ``out[b] = A[b].transpose(ta).reshape(fa, s) @ B[b].transpose(tb).reshape(s, fb)``
    with ``fa``/``fb`` the free legs of each side and ``s`` the shared ones;
    ``out`` keeps A's free legs, then B's.
    """

    left: int
    right: int
    ta: tuple[int, ...]
    tb: tuple[int, ...]
    fa: int
    s: int
    fb: int
    out_shape: tuple[int, ...]
    # reverse sweep: un-permute the (free, shared) arrangements
    a_shape: tuple[int, ...]
    inv_ta: tuple[int, ...]
    b_shape: tuple[int, ...]
    inv_tb: tuple[int, ...]
    leaves: int  # bitmask of the inputs below this node


def _arranged(x, perm, rows, cols, fn=np):
    return fn.reshape(fn.transpose(x, perm), (-1, rows, cols))


class _Functions:
    """The array library functions a program calls, looked up once per call."""

    def __init__(self, arrays):
        numpy = all(type(x) is np.ndarray for x in arrays)
        lib = "numpy" if numpy else infer_backend_multi(*arrays)
        if lib == "numpy":  # methods skip numpy's Python-level wrappers
            self.reshape = np.ndarray.reshape
            self.transpose = np.ndarray.transpose
            self.matmul = np.matmul
            return
        for name in ("reshape", "transpose", "matmul"):
            setattr(self, name, get_lib_fn(lib, name))


class Intermediates(list):
    """Nodes of a forward pass (inputs, then one per step) and the arranged operands.

    Parameters
    ----------
    nodes : iterable of arrays
        The input arrays of the pass; :meth:`ContractionProgram.forward`
        appends one node per contraction step.

    Attributes
    ----------
    arranged : dict of int to tuple of arrays
        ``arranged[k]`` holds the two matrices multiplied at node ``k``, kept
        for the reverse sweep.
    """

    def __init__(self, nodes):
        super().__init__(nodes)
        self.arranged: dict = {}


class ContractionProgram:
    """A tensor network contracted along one fixed cotengra tree, for a batch of values.

    Every array carries a leading *batch* axis: ``B`` networks of one structure
    (e.g. the lightcones of all bulk terms of a circuit, or ``B = 1``) are
    contracted together, each pairwise step being one batched matrix product,
    so the Python cost per step is paid once for the whole batch.

    Parameters
    ----------
    inputs : sequence of tuple of hashable
        The indices of each input tensor (without the batch axis). Every index
        must appear on at most two inputs, or on one input and the output (no
        hyperedges).
    output : tuple of hashable
        The open indices, in the order of the result's axes (after the batch axis).
    size_dict : dict
        Dimension of every index.
    tree : cotengra.ContractionTree
        The contraction order, e.g. from :func:`cotengra.array_contract_tree`.

    Attributes
    ----------
    inputs : tuple of tuple of hashable
        The indices of each input tensor.
    output : tuple of hashable
        The open indices.
    tree : cotengra.ContractionTree
        The contraction order.
    footprint : int
        Entries held per network by a full :meth:`forward` pass: each step's
        two arranged operands and its result (the inputs not counted); the
        reverse sweep of :meth:`environments` holds about as many again.
        Multiply by the batch size and 16 bytes (complex128) for the memory
        of a batch.

    Raises
    ------
    ValueError
        If an index appears more than twice (a hyperedge), ``tree`` contracts
        a different number of tensors, or it does not end at ``output``.
    """

    def __init__(self, inputs, output, size_dict, tree):
        self.inputs = tuple(tuple(ix) for ix in inputs)
        self.output = tuple(output)
        self.tree = tree
        count: dict = {}
        for ix in self.inputs + (self.output,):
            for i in ix:
                count[i] = count.get(i, 0) + 1
        if any(c > 2 for c in count.values()):
            raise ValueError("ContractionProgram does not support hyperedges.")
        if tree.N != len(self.inputs):
            raise ValueError(
                f"`tree` contracts {tree.N} tensors, the network has {len(self.inputs)}."
            )
        size = lambda ix: math.prod(size_dict[i] for i in ix)  # noqa: E731
        inds = [*self.inputs]
        leaves = [1 << k for k in range(len(self.inputs))]
        steps = []
        keep = set(self.output)
        for a, b in tree.get_ssa_path():
            ia, ib = inds[a], inds[b]
            shared = [i for i in ia if i in ib and i not in keep]
            fa = [i for i in ia if i not in shared]
            fb = [i for i in ib if i not in shared]
            ta = (0, *(1 + ia.index(i) for i in fa + shared))
            tb = (0, *(1 + ib.index(i) for i in shared + fb))
            steps.append(
                _Step(
                    a,
                    b,
                    ta,
                    tb,
                    size(fa),
                    size(shared),
                    size(fb),
                    (-1, *(size_dict[i] for i in fa + fb)),
                    (-1, *(size_dict[i] for i in fa + shared)),
                    tuple(int(k) for k in np.argsort(ta)),
                    (-1, *(size_dict[i] for i in shared + fb)),
                    tuple(int(k) for k in np.argsort(tb)),
                    leaves[a] | leaves[b],
                )
            )
            inds.append(tuple(fa + fb))
            leaves.append(leaves[a] | leaves[b])
        self._steps = tuple(steps)
        self.footprint = sum(
            st.fa * st.s + st.s * st.fb + st.fa * st.fb for st in steps
        )
        final = inds[-1]
        if sorted(final, key=str) != sorted(self.output, key=str):
            raise ValueError("The tree does not contract to the requested output.")
        self._perm = (0, *(1 + final.index(i) for i in self.output))

    @property
    def num_inputs(self) -> int:
        """Number of input tensors."""
        return len(self.inputs)

    def forward(self, arrays: Sequence, *, reuse=None, changed=()):
        """Contract a batch; return ``(result, intermediates)``.

        Parameters
        ----------
        arrays : sequence of arrays
            One array per input, in the order of :attr:`inputs`, each with a
            leading batch axis of the same length: numpy, or any library
            autoray dispatches to (jax arrays for automatic differentiation).
        reuse : list of arrays, optional
            Intermediates of an earlier call; only the nodes above the inputs
            listed in ``changed`` are recomputed (a parameter shift touches two
            leaves, so most of the tree is reused).
        changed : iterable of int, optional
            Positions of the inputs that differ from the ``reuse`` call.

        Returns
        -------
        result : array
            The contracted networks, shape ``(batch, *output dims)``, in the
            library and dtype of ``arrays`` (complex128 for the circuits here).
        intermediates : Intermediates
            Every node of the pass, for :meth:`environments` and ``reuse``.

        Raises
        ------
        ValueError
            If ``arrays`` does not hold one array per input.
        """
        if len(arrays) != self.num_inputs:
            raise ValueError(
                f"`arrays` must hold {self.num_inputs} tensors, got {len(arrays)}."
            )
        mask = 0
        for k in changed:
            mask |= 1 << k
        nodes = Intermediates(arrays)
        fn = _Functions(arrays)
        for k, st in enumerate(self._steps, start=self.num_inputs):
            if reuse is not None and not st.leaves & mask:
                nodes.append(reuse[k])
                continue
            a = _arranged(nodes[st.left], st.ta, st.fa, st.s, fn)
            b = _arranged(nodes[st.right], st.tb, st.s, st.fb, fn)
            nodes.arranged[k] = a, b
            nodes.append(fn.reshape(fn.matmul(a, b), st.out_shape))
        return fn.transpose(nodes[-1], self._perm), nodes

    def environments(self, nodes) -> list[np.ndarray]:
        r"""Environments :math:`E_i = \partial F_b / \partial T_i[b]` of all inputs (reverse sweep).

        One sweep back along the tree gives the derivative of a closed
        (scalar) network with respect to each input tensor; since :math:`F`
        is linear in each input, ``F[b] = sum(env[i][b] * arrays[i][b])``
        for every ``i`` (no conjugation).

        Parameters
        ----------
        nodes : Intermediates
            The intermediates of a full (not ``reuse``) :meth:`forward` call
            on numpy arrays.

        Returns
        -------
        list of numpy.ndarray of complex128
            One environment per input, each of the shape of that input (batch
            axis first) and its dtype (complex128 for circuits).

        Raises
        ------
        ValueError
            If the network has open indices, or ``nodes`` come from a
            :meth:`forward` call with ``reuse``.

        References
        ----------
        .. [1] H.-J. Liao, J.-G. Liu, L. Wang and T. Xiang, "Differentiable
           programming tensor networks", Phys. Rev. X 9, 031041 (2019),
           arXiv:1903.09650 (reverse-mode differentiation of contractions).
        """
        if self.output:
            raise ValueError("Environments are defined for scalar (closed) networks.")
        env: list = [None] * len(nodes)
        env[-1] = np.ones_like(nodes[-1])
        for k in range(len(nodes) - 1, self.num_inputs - 1, -1):
            st = self._steps[k - self.num_inputs]
            if k not in nodes.arranged:
                raise ValueError(
                    "`nodes` must come from a full forward pass (not one with `reuse`)."
                )
            e = env[k].reshape(-1, st.fa, st.fb)
            a, b = nodes.arranged[k]
            ea = np.matmul(e, b.transpose(0, 2, 1)).reshape(st.a_shape)
            eb = np.matmul(a.transpose(0, 2, 1), e).reshape(st.b_shape)
            for pos, x in (
                (st.left, ea.transpose(st.inv_ta)),
                (st.right, eb.transpose(st.inv_tb)),
            ):
                env[pos] = x if env[pos] is None else env[pos] + x
        return env[: self.num_inputs]


class TreeCache:
    """Contraction programs keyed by network structure; path search on a miss only.

    Parameters
    ----------
    optimize : str, dict or cotengra optimizer, optional
        How to search for a tree: ``"adaptive"`` (default,
        :data:`DEFAULT_OPTIMIZE`): cotengra's ``"greedy"``, and where that
        tree costs more than :data:`WIDE_TREE_COST` multiply-adds also
        :data:`WIDE_REPEATS` seeded random-greedy trials, the cheaper tree
        kept (wide lightcones: 5-20x cheaper replays for a 1-10 s search, once
        per structure); a cotengra preset name (e.g. ``"greedy"``,
        ``"auto-hq"``), an optimizer instance, or keyword arguments of
        :class:`cotengra.HyperOptimizer`.

    Attributes
    ----------
    searches, hits : int
        Number of path searches run and of programs served from the cache.
    """

    def __init__(self, optimize=None):
        self.optimize = DEFAULT_OPTIMIZE if optimize is None else optimize
        self._programs: dict = {}
        self._lock = threading.Lock()
        self.searches = 0
        self.hits = 0

    def __len__(self) -> int:
        return len(self._programs)

    def _optimizer(self):
        if isinstance(self.optimize, dict):
            return ctg.HyperOptimizer(**self.optimize)
        return self.optimize

    def _search(self, inputs, output, size_dict):
        """The tree of :attr:`optimize` (for :data:`ADAPTIVE`: greedy, or better)."""
        if not (isinstance(self.optimize, str) and self.optimize == ADAPTIVE):
            return ctg.array_contract_tree(
                inputs, output, size_dict, optimize=self._optimizer()
            )
        tree = ctg.array_contract_tree(inputs, output, size_dict, optimize="greedy")
        if tree.contraction_cost() <= WIDE_TREE_COST:
            return tree
        wide = ctg.RandomGreedyOptimizer(
            max_repeats=WIDE_REPEATS, seed=0, parallel=False
        )
        other = ctg.array_contract_tree(inputs, output, size_dict, optimize=wide)
        return other if other.contraction_cost() < tree.contraction_cost() else tree

    def program(
        self, key: Hashable, inputs, output, size_dict: dict
    ) -> ContractionProgram:
        """The program for ``key``, built (path search included) on the first call.

        Parameters
        ----------
        key : hashable
            The network's structure key: equal keys must mean identical
            ``inputs``, ``output`` and ``size_dict``.
        inputs : sequence of tuple of hashable
            The indices of each input tensor.
        output : tuple of hashable
            The open indices.
        size_dict : dict
            Dimension of every index.

        Returns
        -------
        ContractionProgram
            The cached program (a new one, after a path search, on a miss).
        """
        with self._lock:
            prog = self._programs.get(key)
            if prog is not None:
                self.hits += 1
                return prog
        prog = ContractionProgram(
            inputs, output, size_dict, self._search(inputs, output, size_dict)
        )
        with self._lock:
            self.searches += 1
            return self._programs.setdefault(key, prog)

    def clear(self) -> None:
        """Forget every program (and reset the counters)."""
        with self._lock:
            self._programs.clear()
            self.searches = self.hits = 0


_DEFAULT = TreeCache()


def default_cache() -> TreeCache:
    """The process-wide cache used when no ``cache`` is passed.

    Returns
    -------
    TreeCache
        The same cache on every call in a process.
    """
    return _DEFAULT
