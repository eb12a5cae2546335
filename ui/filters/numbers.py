"""By the numbers: one block1_conv1 filter on one 3x3 patch of the photo, every number.

A convolution is the lesson's neuron slid across the picture: the view picks a filter and a
cell (click the photo or the map), shows the 27 preprocessed values under the kernel, the 27
weights, their products, Z and A beside the formula, and the network's own value of that cell.
Then the kernel sliding along a row, a deeper cell's receptive field with what it costs, and
every first-layer kernel as a picture next to what its filter looks for. ``numbers_ui`` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.filters.features import (
    find_filter_pictures,
    preprocess,
    render_filter_pictures,
    top_filters,
)
from core.filters.numbers import (
    CHANNELS,
    FIRST_LAYER,
    KERNEL_SCALES,
    Box,
    Cell,
    cell_at_pixel,
    default_cell,
    field_box,
    first_layer_weights,
    layer_stack,
    one_cell,
    receptive_fields,
)
from core.filters.numbers_plots import (
    cell_figure,
)
from core.filters.store import png_bytes
from core.filters.visualizer import Visualizer
from ui.app import on_a_phone
from ui.filters import state
from ui.filters.charts import field_chart, kernels_chart, map_chart, photo_chart, sweep_chart
from ui.filters.environment import cache_dir, prerender_dir
from ui.filters.jobs import one_at_a_time

DEEPER_DEFAULT = "block3_conv3"
CLICKABLE = {state.NUMBERS_PHOTO: "cell", state.NUMBERS_MAP: "cell", state.NUMBERS_KERNELS: "f"}
# The 27 numbers are a fixed-width chart: on a phone its box scrolls sideways, the page does not.
# Streamlit sizes a chart to its frame, so the frame gets the minimum width.
SCROLL_CSS = """<style>
.st-key-convnumbers_numbers { overflow-x: auto; }
.st-key-convnumbers_numbers [data-testid="stFullScreenFrame"] { min-width: 540px; }
</style>"""
# On a phone the toolbar would cover the chart titles; these charts have nothing to zoom.
NO_TOOLBAR = {"scrollZoom": False, "displayModeBar": False}
KERNEL_SCALE_LABELS = {"own": "each kernel to its own largest weight", "shared": "one scale"}


@st.cache_resource(show_spinner=False, max_entries=4)
def first_weights_for(wkey: str, _model) -> tuple[np.ndarray, np.ndarray]:
    """block1_conv1's kernels (3, 3, 3, C) and biases (C,), per weights."""
    return first_layer_weights(_model)


@st.cache_resource(show_spinner=False, max_entries=4)
def stack_for(wkey: str, _model):
    """The model's convolutions and poolings (what decides every receptive field)."""
    return layer_stack(_model)


def numbers_ui(
    visualizer: Visualizer,
    wkey: str,
    pixels: np.ndarray,
    digest: str,
    maps: dict,
    label: str = "",
) -> None:
    """The whole view, for the photo's (s, s, 3) pixels and every layer's maps (``label``:
    the network they come from, said under the title)."""
    st.subheader("By the numbers: one filter on one 3x3 patch")
    if label:
        st.caption(f"Network: VGG16 · {label} (its weights, maps and pictures below).")
    st.markdown(
        "A filter of the first layer is the MLP's neuron, slid across the picture: at each cell "
        "it multiplies the 3x3 patch of the photo under it (27 numbers: 3 rows, 3 columns, 3 "
        "colours) by its 27 weights, adds them and its bias, and keeps the sum if positive. "
        "Pick a filter and click the photo or the map to choose the cell."
    )
    A1 = maps[FIRST_LAYER]
    model = visualizer.model
    W, b = first_weights_for(wkey, model)
    f, i, j = cell_ui(A1, (digest, pixels.shape[0], wkey))
    x = preprocess(pixels)
    cell = one_cell(x, W, b, f, i, j)
    where_ui(pixels, A1, cell)
    arithmetic_ui(cell, float(A1[i, j, f]))
    sweep_ui(x, W, b, pixels, A1, cell)
    deeper_ui(model, wkey, pixels, i, j)
    kernels_ui(visualizer, wkey, W, f)


def cell_ui(A1: np.ndarray, picture: tuple) -> tuple[int, int, int]:
    """Filter, row and column; a new picture starts at its most active filter's peak."""
    side = A1.shape[0]
    if state.get(state.NUMBERS_FOR) != picture:
        f, i, j = default_cell(A1)
        state.update(
            {
                state.NUMBERS_FOR: picture,
                state.NUMBERS_FILTER: f,
                state.NUMBERS_ROW: i,
                state.NUMBERS_COL: j,
                state.NUMBERS_CLICKS: {},
            }
        )
    apply_clicks(side, A1.shape[2])
    order, means = top_filters(A1, A1.shape[2])
    labels = {
        int(g): f"filter {int(g)} · mean A {m:.1f}" for g, m in zip(order, means, strict=True)
    }
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    f = left.selectbox(
        f"Filter of {FIRST_LAYER} (most active first)",
        list(labels),
        format_func=labels.get,
        key=state.NUMBERS_FILTER,
    )
    i = middle.number_input("Row i", 0, side - 1, step=1, key=state.NUMBERS_ROW)
    j = right.number_input("Column j", 0, side - 1, step=1, key=state.NUMBERS_COL)
    st.button(
        "Go to this filter's strongest cell",
        key="convnumbers_peak",
        on_click=go_to_peak,
        args=(A1,),
    )
    return int(f), int(i), int(j)


def go_to_peak(A1: np.ndarray) -> None:
    f = int(state.get(state.NUMBERS_FILTER))
    i, j = np.unravel_index(int(np.argmax(A1[:, :, f])), A1.shape[:2])
    state.update({state.NUMBERS_ROW: int(i), state.NUMBERS_COL: int(j)})


def clicked_point(chart_key: str) -> dict | None:
    """The point last clicked on a chart (its selection), or None."""
    points = state.selected_points(chart_key)
    return points[0] if points else None


def apply_clicks(side: int, filters: int) -> None:
    """A new click on the photo or the map moves the cell; on the kernels, the filter.

    Each chart keeps its selection across reruns, so a click is applied once, when new.
    """
    for chart, what in CLICKABLE.items():
        point = clicked_point(chart)
        if not state.new_click(chart, point):
            continue
        if what == "f" and point.get("customdata") is not None:
            f = int(point["customdata"])
            if 0 <= f < filters:
                state.put(state.NUMBERS_FILTER, f)
        elif what == "cell" and point.get("x") is not None and point.get("y") is not None:
            i, j = int(round(point["y"])), int(round(point["x"]))
            if 0 <= i < side and 0 <= j < side:
                state.update({state.NUMBERS_ROW: i, state.NUMBERS_COL: j})


def where_ui(pixels: np.ndarray, A1: np.ndarray, cell: Cell) -> None:
    """The photo and the filter's map, the cell outlined on both; a click on either moves it."""
    f, i, j, size = cell.filter_index, cell.i, cell.j, pixels.shape[0]
    select = {"on_select": "rerun", "selection_mode": "points", "config": NO_TOOLBAR}
    left, right = st.columns(2)
    left.plotly_chart(photo_chart(pixels, i, j), key=state.NUMBERS_PHOTO, **select)
    right.plotly_chart(map_chart(A1[:, :, f], f, i, j), key=state.NUMBERS_MAP, **select)
    st.caption(
        f"Left: the photo as the network sees it ({size}x{size} px), the patch under cell "
        f"({i}, {j}) outlined. Right: the map of filter {f} ({size}x{size} cells: block1_conv1 "
        "keeps the picture's size, the border cells see zero padding). Click either to move."
    )


def formula_lines(cell: Cell) -> list[str]:
    """The training page's formula, then this cell's numbers: one short equation a line."""
    total = float(cell.products.sum())
    return [
        r"Z_1 = W_1\cdot\begin{bmatrix}INPUT\\ 1\end{bmatrix}",
        r"Z_1 = \textstyle\sum W\odot INPUT + b",
        rf"Z_1 = {total:.4f} + ({cell.b:.4f})",
        rf"Z_1 = {cell.Z:.4f}",
        r"A_1 = \mathrm{relu}(Z_1) = \max(0,\ Z_1)",
        rf"A_1 = {cell.A:.4f}",
    ]


def arithmetic_ui(cell: Cell, network_A: float) -> None:
    """The 27 numbers, the formula with them, and the network's own value beside."""
    st.html(SCROLL_CSS)
    left, right = st.columns([2, 1], gap="medium")
    with left:
        st.caption(
            "Top: **INPUT**, the photo's 27 values under the kernel after `preprocess_input` "
            "(channels in **B, G, R** order, each minus its ImageNet mean 103.939, 116.779, "
            f"123.68). Middle: **W**, filter {cell.filter_index}'s kernel. Bottom: their 27 "
            "products. Grey squares lie past the edge: zero padding. Scroll sideways on a phone."
        )
        with st.container(key="convnumbers_numbers"):
            st.plotly_chart(cell_figure(cell), key="convnumbers_cell", theme=None)
    with right:
        for line in formula_lines(cell):
            st.latex(line)
    hand, network, difference = st.columns(3)
    hand.metric("A₁ by hand", f"{cell.A:.4f}")
    network.metric(f"The network's A₁ at ({cell.i}, {cell.j})", f"{network_A:.4f}")
    difference.metric("Difference", f"{abs(cell.A - network_A):.1e}")
    st.caption(
        f"By hand: the 27 products and the bias b = {cell.b:.4f} of filter {cell.filter_index}, "
        "added in float64. The network: its own forward pass (Keras, float32), the map's value "
        "at this cell. They agree to float32 rounding."
    )
    products_table_ui(cell)


def products_table(cell: Cell) -> pd.DataFrame:
    """One row per product: where, which colour, the input value, the weight, the product."""
    rows = []
    for u in range(3):
        for v in range(3):
            for c, name in enumerate(CHANNELS):
                rows.append(
                    {
                        "row": cell.i + u - 1,
                        "column": cell.j + v - 1,
                        "channel": name,
                        "INPUT": cell.INPUT[u, v, c],
                        "W": cell.W[u, v, c],
                        "W*INPUT": cell.products[u, v, c],
                        "padding": not cell.inside[u, v],
                    }
                )
    return pd.DataFrame(rows)


def products_table_ui(cell: Cell) -> None:
    table = products_table(cell)
    with st.expander("The 27 products as a table"):
        st.dataframe(table, hide_index=True, key="convnumbers_table")
        st.caption(f"Sum {table['W*INPUT'].sum():.4f} + bias {cell.b:.4f} = Z {cell.Z:.4f}.")
    name = f"block1_conv1_filter{cell.filter_index}_cell{cell.i}_{cell.j}.csv"
    st.download_button(
        "Download the 27 products (CSV)",
        table.to_csv(index=False).encode(),
        file_name=name,
        mime="text/csv",
        key="convnumbers_csv",
    )


def sweep_ui(x, W, b, pixels, A1, cell: Cell) -> None:
    """The kernel sliding along the cell's row while the map fills in (played by the browser)."""
    st.markdown("**The kernel sliding.** The same 27 multiplications at every cell, row by row:")
    f, i, j = cell.filter_index, cell.i, cell.j
    compact = on_a_phone()
    figure = sweep_chart(x, W, b, pixels, A1[:, :, f], f, i, j, compact)
    st.plotly_chart(figure, key="convnumbers_sweep", theme=None, config=NO_TOOLBAR)
    st.caption(
        f"Press ▶ Play: the outlined patch moves along row {i} of the photo and filter {f}'s "
        "map fills in, one cell per step (the rows above were made before). Each step's label "
        "is Z computed by hand; the map shows the network's values. It plays in your browser."
    )


def deeper_ui(model, wkey: str, pixels: np.ndarray, i: int, j: int) -> None:
    """A deeper layer's cell at the same place: its exact receptive field, what it costs."""
    st.markdown(
        "**Deeper cells see more.** Each 3x3 layer widens what a cell sees by 2 steps, "
        "each pooling doubles the step:"
    )
    st.latex(r"r' = r + (k - 1)\,J")
    st.latex(r"J' = J\,s")
    size = pixels.shape[0]
    fields = receptive_fields(stack_for(wkey, model), size)
    convs = [name for name, field in fields.items() if field.stage.kind == "conv"]
    default = convs.index(DEEPER_DEFAULT) if DEEPER_DEFAULT in convs else len(convs) - 1
    layer = st.selectbox("Deeper layer", convs, index=default, key="convnumbers_layer")
    field = fields[layer]
    ci, cj = cell_at_pixel(field, i, j)
    box = field_box(field, ci, cj)
    seen = box.clip(size)
    left, right = st.columns([3, 2], gap="medium")
    title = f"{layer}, cell {(ci, cj)}:<br>{field.size}x{field.size} px of the photo"
    figure = field_chart(pixels, box, patch_box(i, j), title)
    left.plotly_chart(figure, key="convnumbers_field", theme=None)
    with right:
        st.markdown(field_text(layer, field, (ci, cj), box, seen, size))
    fields_table_ui(fields, size)


def patch_box(i: int, j: int) -> Box:
    """The first layer's 3x3 patch at pixel (i, j), for scale."""
    return Box(i - 1, j - 1, i + 1, j + 1)


def field_text(layer: str, field, cell: tuple[int, int], box, seen, size: int) -> str:
    """What the deeper cell sees and costs, in plain words and exact numbers."""
    stage, (ci, cj) = field.stage, cell
    padding = box.height * box.width - seen.height * seen.width
    past = f" ({padding:,} of its pixels lie past the edge: zero padding)" if padding else ""
    return "\n".join(
        [
            f"- **{layer}**: a {field.side}x{field.side} map per filter, {stage.c_out} filters.",
            f"- One cell sees **{field.size}x{field.size} px**; neighbouring cells are "
            f"{field.jump} px apart.",
            f"- Its cell ({ci}, {cj}), centred nearest the chosen pixel, sees rows "
            f"{box.top} to {box.bottom}, columns {box.left} to {box.right}{past}.",
            f"- One cell of one map: {stage.kernel} × {stage.kernel} × {stage.c_in} = "
            f"**{field.cell_macs:,} multiply-adds** (plus its bias), where block1_conv1 needs 27.",
            f"- The whole layer for this {size} px photo: {field.side} × {field.side} cells × "
            f"{stage.c_out} maps × {field.cell_macs:,} = **{field.layer_macs:,}** multiply-adds "
            f"({field.layer_macs / 1e9:.2f} billion); every layer up to it: "
            f"{field.total_macs / 1e9:.2f} billion.",
        ]
    )


def fields_table_ui(fields: dict, size: int) -> None:
    rows = [
        {
            "layer": name,
            "map": f"{fd.side}x{fd.side}",
            "receptive field (px)": fd.size,
            "jump (px)": fd.jump,
            "multiply-adds per cell": fd.cell_macs,
            "multiply-adds, whole layer": fd.layer_macs,
            "up to this layer": fd.total_macs,
        }
        for name, fd in fields.items()
        if fd.stage.kind == "conv"
    ]
    table = pd.DataFrame(rows)
    with st.expander(f"Every conv layer at {size} px"):
        st.dataframe(table, hide_index=True, key="convnumbers_fields")
    st.download_button(
        "Download the layer table (CSV)",
        table.to_csv(index=False).encode(),
        file_name=f"vgg16_receptive_fields_{size}px.csv",
        mime="text/csv",
        key="convnumbers_fields_csv",
    )


def kernels_ui(visualizer: Visualizer, wkey: str, W: np.ndarray, f: int) -> None:
    """Every block1_conv1 kernel as a 3x3 colour patch beside what its filter looks for."""
    st.markdown(
        f"**The kernels as pictures.** Each of the {W.shape[3]} kernels of "
        f"{FIRST_LAYER} as a 3x3 colour patch, beside its filter's gradient-ascent "
        "picture: a kernel that adds up green on its left and subtracts it on its "
        "right looks for a green edge, and so does its picture."
    )
    scale = st.radio(
        "Kernel colours",
        KERNEL_SCALES,
        format_func=KERNEL_SCALE_LABELS.get,
        horizontal=True,
        key="convnumbers_kernel_scale",
    )
    count = W.shape[3]
    found = find_filter_pictures(
        FIRST_LAYER, range(count), wkey, [prerender_dir(), cache_dir()], visualizer.compute_dtype
    )
    missing = [g for g in range(count) if g not in found]
    slot = st.empty()
    if missing and slot.button(
        f"Draw what the {len(missing)} missing filters look for", key="convnumbers_draw"
    ):
        found = {**found, **draw_first_layer(visualizer, missing, wkey)}
        slot.empty()
    per_row = 4 if on_a_phone() else 8
    canvas, figure = kernels_chart(W, scale, per_row, tuple(sorted(found.items())), f)
    select = {"on_select": "rerun", "selection_mode": "points", "config": NO_TOOLBAR}
    st.plotly_chart(figure, key=state.NUMBERS_KERNELS, theme=None, **select)
    st.caption(
        "Weight 0 is grey; a positive weight on a colour makes that square brighter in it, a "
        "negative one darker (the kernel's B, G, R turned to R, G, B; the pictures too: the "
        "document's method draws the network's input as it is, in B, G, R order). Dark grey: "
        "not drawn "
        f"yet. Click a pair to choose its filter (now: #{f}, outlined)."
    )
    st.download_button(
        "Download the kernels (PNG)",
        png_bytes(canvas),
        file_name=f"{FIRST_LAYER}_kernels_{scale}.png",
        mime="image/png",
        key="convnumbers_kernels_png",
    )


def draw_first_layer(
    visualizer: Visualizer, missing: list[int], wkey: str
) -> dict[int, np.ndarray]:
    """Render the missing first-layer pictures (one batch, with progress) and store them."""
    bar = st.progress(0.0, text=f"{FIRST_LAYER}: drawing {len(missing)} filters ...")

    def report(p) -> None:
        bar.progress(min(p.done / max(p.total, 1), 1.0), text=f"{p.done}/{p.total} steps")

    try:
        with one_at_a_time(lambda: bar.progress(0.0, text="Queued behind another drawing ...")):
            return render_filter_pictures(
                visualizer, FIRST_LAYER, missing, wkey, cache_dir(), report
            )
    finally:
        bar.empty()
