"""core.mlp.landscape against independent references: closed forms, NumPy's SVD, MLP.forward."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.mlp import MLP, train
from core.mlp.data import training_set
from core.mlp.landscape import (
    Plane,
    filter_normalise,
    grid_axes,
    grid_span,
    pca_plane,
    project_path,
    random_plane,
    run_landscape,
    surface,
)
from core.mlp.weight_space import TrainingError, flatten, unflatten, weight_count

X, Y = training_set()
LESSON = (3, 5, 2, 1)


def reference_error(layers, activation, weights, X=X, y=Y) -> float:
    """Error_total of the reference network, one forward pass."""
    net = MLP(layers, activation=activation, weights=weights)
    return 0.5 * float(np.sum((net.forward(X) - np.asarray(y).reshape(len(X), -1)) ** 2))


def test_flatten_is_row_by_row_first_matrix_first_and_unflatten_inverts_it():
    weights = MLP(LESSON, seed=3).weights
    theta = flatten(weights)
    assert theta.shape == (35,) == (weight_count(LESSON),)
    np.testing.assert_array_equal(theta, np.concatenate([W.ravel() for W in weights]))
    np.testing.assert_array_equal(theta[:4], weights[0][0])  # neuron 1 of W1, bias last
    for W, back in zip(weights, unflatten(theta, LESSON), strict=True):
        np.testing.assert_array_equal(W, back)


def test_snapshots_flatten_to_one_row_per_snapshot():
    run = train(X, Y, iterations=20)
    path = flatten(run.snapshots)
    assert path.shape == (len(run.snapshot_iterations), 35)
    np.testing.assert_array_equal(path[-1], flatten(run.weights))
    np.testing.assert_array_equal(path[0], flatten(run.initial_weights))


@pytest.mark.parametrize(
    "layers, activation",
    [
        (LESSON, "sigmoid"),
        ((3, 4, 4, 1), "tanh"),
        ((3, 6, 1), "relu"),
        ((3, 2, 3, 2, 1), "sigmoid"),
    ],
)
def test_the_batched_error_equals_the_reference_network_point_by_point(layers, activation):
    rng = np.random.default_rng(1)
    thetas = rng.normal(scale=2.0, size=(50, weight_count(layers)))
    batched = TrainingError(layers, activation, X, Y)(thetas)
    loop = [reference_error(layers, activation, unflatten(t, layers)) for t in thetas]
    np.testing.assert_allclose(batched, loop, rtol=1e-12, atol=1e-14)


def test_the_batched_error_handles_several_outputs():
    layers = (3, 4, 2)
    y = np.stack([Y[:, 0], 1 - Y[:, 0]], axis=1)
    thetas = np.random.default_rng(2).normal(size=(7, weight_count(layers)))
    batched = TrainingError(layers, "sigmoid", X, y)(thetas)
    loop = [reference_error(layers, "sigmoid", unflatten(t, layers), X, y) for t in thetas]
    np.testing.assert_allclose(batched, loop, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-60, 60), min_size=35, max_size=35))
def test_any_weights_give_the_reference_error(values):
    theta = np.array(values)
    batched = float(TrainingError(LESSON, "sigmoid", X, Y)(theta[None])[0])
    assert math.isfinite(batched)
    assert batched == pytest.approx(
        reference_error(LESSON, "sigmoid", unflatten(theta, LESSON)), rel=1e-12, abs=1e-14
    )


def test_on_a_planted_quadratic_the_surface_is_the_closed_form():
    """One linear layer: E(w) = 1/2 |X1 w - y|^2, Hessian H = X1^T X1, minimum w* by least squares.

    On any plane centred at w*, E(w* + a d1 + b d2) = E(w*) + 1/2 [a b] D H D^T [a b]^T.
    """
    X1 = np.hstack([X, np.ones((len(X), 1))])
    H = X1.T @ X1
    w_star = np.linalg.lstsq(X1, Y[:, 0], rcond=None)[0]
    E_star = 0.5 * float(np.sum((X1 @ w_star - Y[:, 0]) ** 2))
    error = TrainingError((3, 1), "sigmoid", X, Y, output="linear")
    rng = np.random.default_rng(5)
    walk = w_star + np.cumsum(rng.normal(size=(30, 4)) * [1.0, 0.5, 0.2, 0.1], axis=0)
    for plane in (pca_plane([walk], w_star), random_plane(w_star, (3, 1), seed=4)):
        alphas, betas = np.linspace(-3, 2, 17), np.linspace(-1, 4, 13)
        s = surface(plane, error, alphas, betas)
        a, b = np.meshgrid(alphas, betas)
        D = plane.directions
        Q = D @ H @ D.T
        closed = E_star + 0.5 * (Q[0, 0] * a**2 + 2 * Q[0, 1] * a * b + Q[1, 1] * b**2)
        np.testing.assert_allclose(s.errors, closed, rtol=1e-10, atol=1e-10)
        assert s.errors.shape == (len(betas), len(alphas))


def test_a_one_layer_sigmoid_network_matches_its_error_written_out_along_the_plane():
    centre = np.array([0.3, -1.2, 0.8, 0.1])
    plane = Plane(centre, np.array([[1.0, 0, 0, 0], [0, 0.6, 0, 0.8]]), None, "random")
    error = TrainingError((3, 1), "sigmoid", X, Y)
    alphas, betas = np.array([-2.0, 0.0, 1.5]), np.array([-1.0, 0.5])
    s = surface(plane, error, alphas, betas)
    for j, b in enumerate(betas):
        for i, a in enumerate(alphas):
            w = centre + a * plane.directions[0] + b * plane.directions[1]
            expected = 0.0
            for (r, g, bl), t in zip(X, Y[:, 0], strict=True):
                z = w[0] * r + w[1] * g + w[2] * bl + w[3]
                expected += 0.5 * (1 / (1 + math.exp(-z)) - t) ** 2
            assert s.errors[j, i] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("centre", ["end", "start"])
def test_a_two_snapshot_run_lies_on_its_plane_and_the_surface_reads_the_recorded_errors(centre):
    one = train(X, Y, iterations=1)  # snapshots at iterations 0 and 1
    two = train(X, Y, iterations=2)  # records the error after one step: losses[1]
    assert list(one.snapshot_iterations) == [0, 1]
    landscape = run_landscape([one], X, Y, "pca", centre, resolution=5)
    path = landscape.paths[0]
    np.testing.assert_allclose(path.residuals, 0, atol=1e-12)
    recorded = [one.losses[0] / 2, two.losses[1] / 2]  # the loop records the sum, no 1/2
    np.testing.assert_allclose(path.surface_errors, recorded, rtol=1e-12)
    for (a, b), expected in zip(path.coords, recorded, strict=True):
        at_point = surface(landscape.plane, landscape.error, [a], [b]).errors[0, 0]
        assert at_point == pytest.approx(expected, rel=1e-12)
    assert landscape.plane.explained[0] == pytest.approx(1.0)


def test_principal_directions_are_orthonormal_and_explain_what_numpys_svd_says():
    runs = [train(X, Y, learning_rate=lr, iterations=300) for lr in (0.5, 3.0)]
    paths = [flatten(r.snapshots) for r in runs]
    plane = pca_plane(paths, paths[0][-1])
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    M = np.vstack(paths)
    _, s, Vt = np.linalg.svd(M - M.mean(axis=0))
    np.testing.assert_allclose(plane.explained, s[:2] ** 2 / np.sum(s**2), rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.sum(plane.directions * Vt[:2], axis=1)), 1, rtol=1e-9)
    # The same fractions, seen as variances of the coordinates along each direction.
    coords = (M - M.mean(axis=0)) @ plane.directions.T
    total = np.sum((M - M.mean(axis=0)) ** 2)
    np.testing.assert_allclose(np.sum(coords**2, axis=0) / total, plane.explained, rtol=1e-9)
    travel = np.mean([p[-1] - p[0] for p in paths], axis=0)
    assert plane.directions[0] @ travel > 0  # PC1 points from start towards end


def test_filter_normalisation_gives_each_row_the_norm_of_the_centres_row():
    weights = MLP(LESSON, seed=2).weights
    weights[1][0] = 0.0  # a neuron with no weights: its direction row is 0 too
    centre = flatten(weights)
    plane = random_plane(centre, LESSON, seed=7)
    for d in plane.directions:
        for W, D in zip(weights, unflatten(d, LESSON), strict=True):
            np.testing.assert_allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1))
    assert np.all(unflatten(plane.directions[0], LESSON)[1][0] == 0)
    again = random_plane(centre, LESSON, seed=7)
    np.testing.assert_array_equal(plane.directions, again.directions)
    assert not np.allclose(random_plane(centre, LESSON, seed=8).directions, plane.directions)
    assert plane.explained is None and plane.kind == "random"


def test_filter_normalise_scales_rows_without_turning_them():
    direction = np.arange(1.0, 36.0)
    weights = np.full(35, 2.0)
    out = unflatten(filter_normalise(direction, weights, LESSON), LESSON)
    for D, W in zip(out, unflatten(direction, LESSON), strict=True):
        np.testing.assert_allclose(
            D, W / np.linalg.norm(W, axis=1, keepdims=True) * 2 * np.sqrt(W.shape[1])
        )


@pytest.mark.parametrize("kind", ["pca", "random"])
def test_projection_finds_the_coordinates_and_the_distance_off_the_plane(kind):
    rng = np.random.default_rng(3)
    centre = rng.normal(size=35)
    plane = (
        pca_plane([rng.normal(size=(9, 35))], centre)
        if kind == "pca"
        else random_plane(centre, LESSON, seed=1)
    )
    q, _ = np.linalg.qr(np.vstack([plane.directions, rng.normal(size=(1, 35))]).T)
    off = 0.75 * q[:, 2]  # orthogonal to both directions
    theta = centre + 0.3 * plane.directions[0] - 0.7 * plane.directions[1] + off
    coords, residual = plane.project(theta[None])
    np.testing.assert_allclose(coords[0], [0.3, -0.7], atol=1e-12)
    assert residual[0] == pytest.approx(0.75, rel=1e-12)
    path = project_path(plane, TrainingError(LESSON, "sigmoid", X, Y), theta[None], [5])
    on_plane = unflatten(plane.points(coords[0]), LESSON)
    assert path.surface_errors[0] == pytest.approx(reference_error(LESSON, "sigmoid", on_plane))
    assert path.true_errors[0] == pytest.approx(
        reference_error(LESSON, "sigmoid", unflatten(theta, LESSON))
    )


def test_the_span_holds_the_path_the_centre_and_a_margin():
    coords = np.array([[-10.0, -1.0], [-4.0, 0.5], [-1.0, -0.2]])
    span = grid_span(coords, margin=0.1, min_ratio=0.4)
    assert span[0, 0] < -10 and span[0, 1] > 0 and span[1, 0] < -1 and span[1, 1] > 0.5
    assert span[0, 0] == pytest.approx(-10 - 1.0) and span[0, 1] == pytest.approx(1.0)
    assert (span[1, 1] - span[1, 0]) >= 0.4 * (span[0, 1] - span[0, 0]) - 1e-9
    wide = grid_span(np.zeros((1, 2)), at_least=1.0)
    assert wide[0, 0] <= -1 and wide[0, 1] >= 1
    alphas, betas = grid_axes(span, 81)
    assert len(alphas) == len(betas) == 81 and alphas[0] == span[0, 0]


def test_the_lessons_run_gets_a_surface_that_holds_its_path_and_error_at_point_is_the_reference():
    run = train(X, Y, iterations=2_000)
    landscape = run_landscape([run], X, Y)
    s, path = landscape.surface, landscape.paths[0]
    assert s.errors.shape == (81, 81)
    assert s.alphas[0] < path.coords[:, 0].min() and s.alphas[-1] > path.coords[:, 0].max()
    assert s.betas[0] < path.coords[:, 1].min() and s.betas[-1] > path.coords[:, 1].max()
    assert path.residuals[-1] == pytest.approx(0, abs=1e-12)  # centred at the end
    assert path.true_errors[-1] == pytest.approx(reference_error(LESSON, "sigmoid", run.weights))
    a, b = 0.4, -0.3
    weights = unflatten(landscape.plane.points(np.array([a, b])), LESSON)
    assert landscape.error_at(a, b) == pytest.approx(reference_error(LESSON, "sigmoid", weights))
    low_a, low_b, low = s.lowest
    assert low == s.errors.min() and low_a in s.alphas and low_b in s.betas


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: unflatten(np.zeros(34), LESSON), "shape"),
        (lambda: flatten([]), "at least one"),
        (lambda: TrainingError(LESSON, "sigmoid", X, Y, output="softmax"), "output"),
        (lambda: TrainingError(LESSON, "swish", X, Y), "activation"),
        (lambda: TrainingError(LESSON, "sigmoid", X, Y)(np.zeros((2, 34))), "theta"),
        (lambda: pca_plane([np.zeros((1, 35))], np.zeros(35)), "at least 2 snapshots"),
        (lambda: pca_plane([np.zeros((3, 35))], np.zeros(34)), "centre"),
        (lambda: pca_plane([np.full((3, 35), np.nan)], np.zeros(35)), "not finite"),
        (lambda: random_plane(np.zeros(34), LESSON, 0), "centre"),
        (lambda: grid_span(np.zeros((2, 3))), "shape"),
        (lambda: grid_span(np.zeros((2, 2)), margin=-1), "margin"),
        (lambda: grid_axes(np.zeros((2, 2)), 1), "resolution"),
        (lambda: grid_axes(np.zeros((2, 2)), 10_000), "resolution"),
        (
            lambda: Plane(np.zeros(35), np.eye(2, 35), None, "random").points(np.zeros(3)),
            "(..., 2)",
        ),
        (lambda: run_landscape([], X, Y), "at least one run"),
        (lambda: run_landscape([train(X, Y, iterations=3)], X, Y, plane="flat"), "plane"),
        (lambda: run_landscape([train(X, Y, iterations=3)], X, Y, centre="middle"), "centre"),
    ],
)
def test_bad_inputs_raise_value_errors_that_name_them(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_runs_of_different_networks_cannot_share_a_plane():
    a = train(X, Y, iterations=3)
    b = train(X, Y, layers=(3, 4, 1), iterations=3)
    with pytest.raises(ValueError, match="same layers and activation"):
        run_landscape([a, b], X, Y)
