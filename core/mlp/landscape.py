"""The error surface around a run, and gradient descent's path on it (Li et al., NeurIPS 2018).

All the weights of a network are one vector ``theta`` of P numbers (35 for 3-5-2-1): ``W1``,
``W2``, ... flattened row by row, bias last in each row, as the lesson writes them. A plane
through weight space is

    theta(alpha, beta) = centre + alpha * d1 + beta * d2

and the surface is the training error ``Error_total = 1/2 sum((A_L - y)^2)`` over a grid of
(alpha, beta), every grid point in one batched forward pass (``core.mlp.weight_space``).
Two planes:

- the **plane of the path**: d1, d2 the first two principal components of the run's weight
  snapshots (of several runs' snapshots together for a shared plane);
- a **random plane**: Gaussian directions scaled row by row to the norm of the centre's row
  (Li et al.'s filter normalisation, a filter being a neuron: one row of a ``W``).

A snapshot ``theta_s`` is drawn at its projection onto the plane; ``residual`` is how far it
lies off the plane. Where the residual is zero, the surface's error at the dot is the run's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.mlp.weight_space import TrainingError, flatten, unflatten, weight_count

PLANES = ("pca", "random")
CENTRES = ("end", "start")
DEFAULT_RESOLUTION = 81
MAX_RESOLUTION = 401


@dataclass(frozen=True, eq=False)
class Plane:
    """``theta(alpha, beta) = centre + alpha * d1 + beta * d2``.

    Attributes:
        centre: (P,) the weights at (0, 0).
        directions: (2, P) d1 and d2 (orthonormal for the plane of a path).
        explained: (2,) fraction of the path's variance along d1 and d2; None for a random plane.
        kind: "pca" or "random".
    """

    centre: np.ndarray
    directions: np.ndarray
    explained: np.ndarray | None
    kind: str

    def points(self, coords: np.ndarray) -> np.ndarray:
        """Weights at plane coordinates (..., 2): shape (..., P)."""
        coords = np.asarray(coords, dtype=np.float64)
        if coords.ndim < 1 or coords.shape[-1] != 2:
            raise ValueError(f"expected coordinates of shape (..., 2), got {coords.shape}")
        return self.centre + coords @ self.directions

    def project(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Least-squares plane coordinates of weights (..., P), and their distance off the plane.

        Returns:
            coords (..., 2) and residual norms (...,).
        """
        offset = np.asarray(theta, dtype=np.float64) - self.centre
        coords = offset @ np.linalg.pinv(self.directions)
        residual = np.linalg.norm(offset - coords @ self.directions, axis=-1)
        return coords, residual


def orient(direction: np.ndarray, travel: np.ndarray) -> np.ndarray:
    """The direction or its opposite: along the travel, else with its largest entry positive."""
    along = float(direction @ travel)
    if abs(along) > 1e-9 * (np.linalg.norm(travel) + 1e-300):
        return direction if along > 0 else -direction
    return direction if direction[np.argmax(np.abs(direction))] > 0 else -direction


def pca_plane(paths: Sequence[np.ndarray], centre: np.ndarray) -> Plane:
    """The plane of one or several paths: their first two principal components, through centre.

    The snapshots of all paths are stacked and centred on their mean; d1 and d2 are the first
    two right singular vectors, each turned to point along the travel from start to end.

    Args:
        paths: one (S_k, P) array of flattened snapshots per run.
        centre: (P,) the weights at (0, 0), e.g. the final or the initial weights.

    Returns:
        A Plane with orthonormal directions and ``explained`` = s_k^2 / sum(s^2).
    """
    if len(paths) == 0:
        raise ValueError("expected at least one path, got none")
    M = np.vstack([np.atleast_2d(np.asarray(p, dtype=np.float64)) for p in paths])
    centre = np.asarray(centre, dtype=np.float64)
    if len(M) < 2 or M.shape[1] < 2 or centre.shape != (M.shape[1],):
        raise ValueError(
            f"expected at least 2 snapshots of P >= 2 weights and a centre of "
            f"shape ({M.shape[1]},), got {M.shape} and {centre.shape}"
        )
    if not np.all(np.isfinite(M)):
        raise ValueError("the snapshots contain weights that are not finite")
    _, s, Vt = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
    total = float(np.sum(s**2))
    explained = s[:2] ** 2 / total if total > 0 else np.zeros(2)
    travel = np.mean([p[-1] - p[0] for p in paths], axis=0)
    directions = np.array([orient(d, travel) for d in Vt[:2]])
    return Plane(centre.copy(), directions, explained, "pca")


def filter_normalise(
    direction: np.ndarray, weights: np.ndarray, layers: Sequence[int]
) -> np.ndarray:
    """Scale each row of each ``W`` of a direction to the norm of that row of ``weights``.

    Li et al.'s filter normalisation, a filter being one neuron's incoming weights and bias.

    Args:
        direction, weights: (P,) flattened.
        layers: layer sizes.

    Returns:
        (P,) the normalised direction; a row whose norm is 0 becomes 0.
    """
    rows_d = [W.reshape(-1, W.shape[-1]) for W in unflatten(direction, layers)]
    rows_w = [W.reshape(-1, W.shape[-1]) for W in unflatten(weights, layers)]
    scaled = []
    for d, w in zip(rows_d, rows_w, strict=True):
        norm_d = np.linalg.norm(d, axis=1, keepdims=True)
        scale = np.divide(
            np.linalg.norm(w, axis=1, keepdims=True),
            norm_d,
            out=np.zeros_like(norm_d),
            where=norm_d > 0,
        )
        scaled.append(d * scale)
    return flatten(scaled)


def random_plane(centre: np.ndarray, layers: Sequence[int], seed: int) -> Plane:
    """Two seeded Gaussian directions, filter-normalised to the centre's rows (Li et al.).

    Args:
        centre: (P,) the weights at (0, 0); each direction's rows take its rows' norms.
        layers: layer sizes.
        seed: seed of ``numpy.random.default_rng``.
    """
    centre = np.asarray(centre, dtype=np.float64)
    P = weight_count(layers)
    if centre.shape != (P,):
        raise ValueError(
            f"expected a centre of shape ({P},) for layers {layers}, got {centre.shape}"
        )
    rng = np.random.default_rng(seed)
    directions = np.array(
        [filter_normalise(rng.standard_normal(P), centre, layers) for _ in range(2)]
    )
    return Plane(centre.copy(), directions, None, "random")


def grid_span(
    coords: np.ndarray, margin: float = 0.15, min_ratio: float = 0.4, at_least: float = 0.0
) -> np.ndarray:
    """Ranges of alpha and beta that hold the points and (0, 0), with a margin.

    Args:
        coords: (S, 2) points that must lie inside (the projected path).
        margin: added on each side, as a fraction of the range's width.
        min_ratio: neither range narrower than this fraction of the other (a valley next to a
            straight path stays visible).
        at_least: each range holds [-at_least, at_least] too.

    Returns:
        (2, 2): [[alpha_min, alpha_max], [beta_min, beta_max]].
    """
    coords = np.atleast_2d(np.asarray(coords, dtype=np.float64))
    if coords.shape[1] != 2 or not np.all(np.isfinite(coords)):
        raise ValueError(f"expected finite coordinates of shape (S, 2), got {coords.shape}")
    if margin < 0 or not 0 <= min_ratio <= 1 or at_least < 0:
        raise ValueError(
            f"expected margin >= 0, min_ratio in [0, 1], at_least >= 0, got "
            f"{margin}, {min_ratio}, {at_least}"
        )
    low = np.minimum(coords.min(axis=0), -at_least).clip(max=0)
    high = np.maximum(coords.max(axis=0), at_least).clip(min=0)
    width = np.maximum(high - low, 1e-6)
    widest = width.max() * min_ratio
    grow = np.maximum(widest - width, 0) / 2 + margin * np.maximum(width, widest)
    return np.stack([low - grow, high + grow], axis=1)


@dataclass(frozen=True)
class Surface:
    """The error over a grid of the plane.

    Attributes:
        alphas: (G1,) coordinates along d1; betas: (G2,) along d2.
        errors: (G2, G1), ``errors[j, i]`` at (alphas[i], betas[j]) (Plotly's row = y).
    """

    alphas: np.ndarray
    betas: np.ndarray
    errors: np.ndarray

    @property
    def lowest(self) -> tuple[float, float, float]:
        """(alpha, beta, error) of the grid point with the smallest error."""
        j, i = np.unravel_index(int(np.argmin(self.errors)), self.errors.shape)
        return float(self.alphas[i]), float(self.betas[j]), float(self.errors[j, i])


def surface(
    plane: Plane, error: Callable[[np.ndarray], np.ndarray], alphas: np.ndarray, betas: np.ndarray
) -> Surface:
    """The error at every (alpha, beta) of the grid, in one batched call of ``error``.

    Args:
        plane: the plane.
        error: maps weights (N, P) to errors (N,), e.g. a ``TrainingError``.
        alphas: (G1,) and betas: (G2,) grid coordinates.
    """
    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    betas = np.asarray(betas, dtype=np.float64).ravel()
    if len(alphas) == 0 or len(betas) == 0:
        raise ValueError(f"expected a non-empty grid, got {len(alphas)} x {len(betas)}")
    a, b = np.meshgrid(alphas, betas)
    coords = np.stack([a.ravel(), b.ravel()], axis=1)
    errors = np.asarray(error(plane.points(coords))).reshape(len(betas), len(alphas))
    return Surface(alphas, betas, errors)


@dataclass(frozen=True)
class PathOnPlane:
    """A run's snapshots seen on a plane.

    Attributes:
        iterations: (S,) the iteration of each snapshot.
        coords: (S, 2) the projected (alpha, beta).
        surface_errors: (S,) the error at the projected weights (what the picture shows).
        true_errors: (S,) the error at the snapshot's own weights (what the run had).
        residuals: (S,) the distance of the snapshot from the plane, in weight space.
    """

    iterations: np.ndarray
    coords: np.ndarray
    surface_errors: np.ndarray
    true_errors: np.ndarray
    residuals: np.ndarray

    def take(self, index: np.ndarray) -> PathOnPlane:
        """The same path at some snapshots only (e.g. the replay's frames)."""
        index = np.asarray(index)
        return PathOnPlane(*(field[index] for field in self.__dict__.values()))

    @property
    def lowest(self) -> int:
        """Index of the snapshot with the smallest true error."""
        return int(np.argmin(self.true_errors))


def project_path(
    plane: Plane, error: Callable[[np.ndarray], np.ndarray], path: np.ndarray, iterations
) -> PathOnPlane:
    """Project snapshots (S, P) onto the plane; errors at both ends of each projection."""
    path = np.atleast_2d(np.asarray(path, dtype=np.float64))
    iterations = np.asarray(iterations)
    if path.shape[1] != plane.centre.shape[0] or len(iterations) != len(path):
        raise ValueError(
            f"expected snapshots (S, {plane.centre.shape[0]}) and S iterations, "
            f"got {path.shape} and {len(iterations)}"
        )
    coords, residuals = plane.project(path)
    both = error(np.concatenate([plane.points(coords), path]))
    return PathOnPlane(iterations, coords, both[: len(path)], both[len(path) :], residuals)


def grid_axes(span: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """``resolution`` evenly spaced alphas and betas over a span from ``grid_span``."""
    if isinstance(resolution, bool) or not 2 <= int(resolution) <= MAX_RESOLUTION:
        raise ValueError(f"expected a resolution in 2..{MAX_RESOLUTION}, got {resolution!r}")
    return tuple(np.linspace(low, high, int(resolution)) for low, high in span)


@dataclass(frozen=True)
class Landscape:
    """What the Landscape tab draws: a plane, the surface on it, and the runs' paths."""

    plane: Plane
    surface: Surface
    paths: tuple[PathOnPlane, ...]
    error: TrainingError

    def error_at(self, alpha: float, beta: float) -> float:
        """The training error at the weights ``centre + alpha d1 + beta d2``."""
        return float(self.error(self.plane.points(np.array([[alpha, beta]])))[0])


def run_landscape(
    results: Sequence,
    X: np.ndarray,
    y: np.ndarray,
    plane: str = "pca",
    centre: str = "end",
    seed: int = 0,
    resolution: int = DEFAULT_RESOLUTION,
) -> Landscape:
    """The surface around one run (or several, on their shared plane) and their paths.

    Args:
        results: ``TrainResult``s of networks of the same layers and activation; the first
            one's weights give the centre.
        X, y: the training set the error is measured on.
        plane: "pca" (principal components of all the snapshots) or "random" (seeded,
            filter-normalised).
        centre: "end" (the first run's final weights) or "start" (its initial weights).
        seed: seed of the random plane.
        resolution: grid points per axis.
    """
    if plane not in PLANES or centre not in CENTRES:
        raise ValueError(
            f"expected plane in {PLANES} and centre in {CENTRES}, got {plane!r}, {centre!r}"
        )
    if len(results) == 0:
        raise ValueError("expected at least one run, got none")
    first = results[0]
    if any((r.layers, r.activation) != (first.layers, first.activation) for r in results):
        raise ValueError(
            "expected runs of one network (same layers and activation), got "
            f"{sorted({(r.layers, r.activation) for r in results})}"
        )
    paths = [flatten(r.snapshots) for r in results]
    middle = paths[0][-1] if centre == "end" else paths[0][0]
    if plane == "pca":
        chosen = pca_plane(paths, middle)
    else:
        chosen = random_plane(middle, first.layers, seed)
    error = TrainingError(first.layers, first.activation, X, y)
    projected = tuple(
        project_path(chosen, error, p, r.snapshot_iterations)
        for p, r in zip(paths, results, strict=True)
    )
    span = grid_span(np.vstack([p.coords for p in projected]), at_least=(plane == "random") * 1.0)
    alphas, betas = grid_axes(span, resolution)
    return Landscape(chosen, surface(chosen, error, alphas, betas), projected, error)
