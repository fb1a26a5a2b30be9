"""Contraction trees found once per network structure and replayed for every instance.

Random instances of one ansatz share their tensor-network *structure* (which
tensors, which indices, which shapes) and differ only in the numbers. The
expensive part of an exact contraction, the cotengra path search, depends on
the structure alone; so it runs once per structure, and each instance replays
the tree as a fixed sequence of pairwise ``tensordot`` calls
(:class:`ContractionProgram`).

A program also runs backwards: one reverse sweep along the same tree gives the
*environment* :math:`E_i = \\partial f / \\partial T_i` of every input tensor of
a scalar contraction :math:`f`, so the derivative of ``f`` with respect to any
parameter inside the tensors costs one extra sweep (reverse-mode
differentiation, done by hand on numpy arrays because the tree is fixed).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Hashable, Sequence

import cotengra as ctg
import numpy as np
from autoray import do

#: cotengra's greedy search: ~5 ms for a 265-tensor lightcone network (n = 100,
#: 4 layers), and its trees replay faster here than "auto-hq" ones (1.9 vs 18 ms)
DEFAULT_OPTIMIZE = "greedy"


@dataclasses.dataclass(frozen=True)
class _Step:
    """One pairwise contraction ``out = tensordot(left, right, axes)``."""

    left: int
    right: int
    axes: tuple[tuple[int, ...], tuple[int, ...]]
    # reverse sweep: env_left = tensordot(env_out, right, back_left) then transpose
    back_left: tuple[tuple[int, ...], tuple[int, ...]]
    perm_left: tuple[int, ...]
    back_right: tuple[tuple[int, ...], tuple[int, ...]]
    perm_right: tuple[int, ...]
    leaves: int  # bitmask of the inputs below this node


class ContractionProgram:
    """A closed or open tensor network contracted along one fixed cotengra tree.

    Parameters
    ----------
    inputs : sequence of tuple of hashable
        The indices of each input tensor. Every index must appear on at most
        two inputs, or on one input and the output (no hyperedges).
    output : tuple of hashable
        The open indices, in the order of the result's axes.
    size_dict : dict
        Dimension of every index.
    tree : cotengra.ContractionTree
        The contraction order, e.g. from :func:`cotengra.array_contract_tree`.
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
        inds = [*self.inputs]
        leaves = [1 << k for k in range(len(self.inputs))]
        steps = []
        keep = set(self.output)
        for a, b in tree.get_ssa_path():
            ia, ib = inds[a], inds[b]
            shared = [i for i in ia if i in ib and i not in keep]
            fa = [i for i in ia if i not in shared]
            fb = [i for i in ib if i not in shared]
            out = fa + fb
            axes = (
                tuple(ia.index(i) for i in shared),
                tuple(ib.index(i) for i in shared),
            )
            # env_a: sum over b's free legs -> (fa..., shared in b order)
            got_a = fa + [i for i in ib if i in shared]
            got_b = fb + [i for i in ia if i in shared]
            steps.append(
                _Step(
                    a,
                    b,
                    axes,
                    (tuple(range(len(fa), len(out))), tuple(ib.index(i) for i in fb)),
                    tuple(got_a.index(i) for i in ia),
                    (tuple(range(len(fa))), tuple(ia.index(i) for i in fa)),
                    tuple(got_b.index(i) for i in ib),
                    leaves[a] | leaves[b],
                )
            )
            inds.append(tuple(out))
            leaves.append(leaves[a] | leaves[b])
        self._steps = tuple(steps)
        final = inds[-1]
        if sorted(final, key=str) != sorted(self.output, key=str):
            raise ValueError("The tree does not contract to the requested output.")
        self._perm = tuple(final.index(i) for i in self.output)

    @property
    def num_inputs(self) -> int:
        return len(self.inputs)

    def forward(self, arrays: Sequence[np.ndarray], *, reuse=None, changed=()):
        """Contract; return ``(result, intermediates)``.

        Parameters
        ----------
        arrays : sequence of arrays
            One array per input, in the order of :attr:`inputs`: numpy, or any
            library autoray dispatches to (jax arrays for automatic
            differentiation).
        reuse : list of numpy.ndarray, optional
            Intermediates of an earlier call; only the nodes above the inputs
            listed in ``changed`` are recomputed (a parameter shift touches two
            leaves, so most of the tree is reused).
        changed : iterable of int
            Positions of the inputs that differ from the ``reuse`` call.
        """
        if len(arrays) != self.num_inputs:
            raise ValueError(
                f"`arrays` must hold {self.num_inputs} tensors, got {len(arrays)}."
            )
        mask = 0
        for k in changed:
            mask |= 1 << k
        nodes = list(arrays)
        for k, step in enumerate(self._steps, start=self.num_inputs):
            if reuse is not None and not step.leaves & mask:
                nodes.append(reuse[k])
            else:
                nodes.append(
                    do("tensordot", nodes[step.left], nodes[step.right], step.axes)
                )
        return do("transpose", nodes[-1], self._perm), nodes

    def environments(self, nodes) -> list[np.ndarray]:
        """``dF/dT_i`` for every input of a scalar contraction ``F`` (reverse sweep).

        ``nodes`` are the intermediates from :meth:`forward`; then
        ``F = sum(env[i] * arrays[i])`` for every ``i`` (no conjugation).
        """
        if self.output:
            raise ValueError("Environments are defined for scalar (closed) networks.")
        env: list = [None] * len(nodes)
        env[-1] = np.ones_like(nodes[-1])
        for k in range(len(nodes) - 1, self.num_inputs - 1, -1):
            step = self._steps[k - self.num_inputs]
            e = env[k]
            a = np.tensordot(e, nodes[step.right], step.back_left).transpose(
                step.perm_left
            )
            b = np.tensordot(e, nodes[step.left], step.back_right).transpose(
                step.perm_right
            )
            env[step.left] = a if env[step.left] is None else env[step.left] + a
            env[step.right] = b if env[step.right] is None else env[step.right] + b
        return env[: self.num_inputs]


class TreeCache:
    """Contraction programs keyed by network structure; path search on a miss only.

    Parameters
    ----------
    optimize : str, dict or cotengra optimizer, optional
        How to search for a tree: a cotengra preset name (e.g. ``"auto-hq"``),
        an optimizer instance, or keyword arguments of
        :class:`cotengra.HyperOptimizer` (default ``"greedy"``).

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

    def program(
        self, key: Hashable, inputs, output, size_dict: dict
    ) -> ContractionProgram:
        """The program for ``key``, built (path search included) on the first call."""
        with self._lock:
            prog = self._programs.get(key)
            if prog is not None:
                self.hits += 1
                return prog
        tree = ctg.array_contract_tree(
            inputs, output, size_dict, optimize=self._optimizer()
        )
        prog = ContractionProgram(inputs, output, size_dict, tree)
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
    """The process-wide cache used when no ``cache`` is passed."""
    return _DEFAULT
