"""The film's player: Play / Pause, the scrubber and its labels, where a frame sits in time.

Shared by the replay and the landscape's walk along the path (``landscape_plots``).
"""

from __future__ import annotations

import numpy as np

from core.mlp.replay_frames import ReplayFrames
from core.plot_style import FONT_SIZE

FRAME_MS = 80  # one frame every 80 ms when playing: about 8 s for 101 frames


def marker_x(iteration: int, log_x: bool) -> int:
    """Where a frame sits on the iteration axis: iteration 0 at 1 on a log axis."""
    return max(int(iteration), 1) if log_x else int(iteration)


def slider_and_buttons(
    frames: ReplayFrames,
    spacing: str,
    top: float = 0.0,
    pads: tuple[int, int] = (50, 100),
    narrow: bool = False,
) -> dict:
    """Play / Pause and a scrubber labelled with each frame's iteration.

    Args:
        frames: anything with the frames' ``iterations``.
        spacing: "log" or "even", named on the scrubber.
        top: paper y under which the controls sit.
        pads: pixels from ``top`` to the buttons and to the scrubber (a row of its own under
            them: on a narrow screen they would overlap).
        narrow: a phone's width: the scrubber's label on two lines.
    """
    label = "log-spaced" if spacing == "log" else "evenly spaced"
    # No full redraw per frame: the frames move lines and swap pictures, which Plotly does on
    # its own; a redraw would repaint every trace, slower than a frame.
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
    }
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "fromcurrent": True}
    play["transition"] = {"duration": 0}
    steps = [
        {"method": "animate", "label": f"{int(i):,}", "args": [[str(int(i))], still]}
        for i in frames.iterations
    ]
    slider = {
        "active": 0,
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": top,
        "yanchor": "top",
        "pad": {"t": pads[1]},
        "currentvalue": {
            "prefix": f"iteration ({len(steps)} {label} frames):{'<br>' if narrow else ' '}",
            "font": {"size": FONT_SIZE + 1},
        },
        "font": {"size": FONT_SIZE - 1},  # the ticks: 16 px, read on a projector
    }
    slider["font"]["color"] = "rgba(0, 0, 0, 0)"  # its own labels skip the last: scrubber_labels
    slider["currentvalue"]["font"]["color"] = TEXT_COLOUR  # else it takes the ticks' colour
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": top,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": pads[0]},
        "showactive": False,
        "font": {"size": FONT_SIZE},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }
    return {"sliders": [slider], "updatemenus": [buttons]}


# Plotly labels every k-th step of a scrubber from the first, k fitted to the width it finds in
# the browser, so its last label is seldom the last frame (180,503 of a 200,000 run). The
# scrubber's labels are drawn here instead, at chosen frames, the first and the last always.
STEP_INSET = 10  # plotly.js: the first and the last step sit 10 px inside the slider's ends
TEXT_COLOUR = "#2a3f5f"  # Plotly's text colour, which the figure's annotations keep
LAST_OVERHANG = 12  # px the last label may reach past its step: into the figure's margin
TICK_DROP = 32  # plotly.js: from the current value's bottom to the labels' top (tick + 7 px)
LABEL_GAP = {False: 0.09, True: 0.34}  # the least distance between two labels, share of width


def scrubber_frames(iterations: np.ndarray, spacing: str, narrow: bool = False) -> list[int]:
    """Which frames the scrubber labels: the first, the last, and round iterations between.

    Args:
        iterations: (F,) the frames' iterations, ascending.
        spacing: "log" (powers of ten between) or "even" (quarters between).
        narrow: a phone's width: fewer labels, further apart.

    Returns:
        Frame indices, ascending, 0 and F - 1 included.
    """
    iterations = np.asarray(iterations)
    last = len(iterations) - 1
    if last <= 0:
        return [0]
    if spacing == "log":
        decades = np.log10(np.maximum(iterations, 1))  # the frame nearest each power of ten
        between = [int(np.argmin(np.abs(decades - k))) for k in range(1, int(decades[-1]) + 1)]
    else:
        between = [
            int(np.argmin(np.abs(iterations - q * iterations[-1]))) for q in (0.25, 0.5, 0.75)
        ]
    gap = LABEL_GAP[bool(narrow)] * last
    kept = [0]
    for index in between:
        if index - kept[-1] >= gap and last - index >= gap:
            kept.append(index)
    return [*kept, last]


def scrubber_labels(
    frames: ReplayFrames, spacing: str, top: float, pad: int, narrow: bool = False
) -> list[dict]:
    """The scrubber's labels as annotations under its ticks, the last iteration always last.

    Args:
        frames: anything with the frames' ``iterations``.
        spacing: "log" or "even".
        top: paper y under which the controls sit; pad: pixels from it to the scrubber.
        narrow: a phone's width (the current value on two lines, fewer labels).
    """
    last = max(len(frames.iterations) - 1, 1)
    value_height = (2 if narrow else 1) * round(1.25 * (FONT_SIZE + 1)) + 10
    labels = []
    for index in scrubber_frames(frames.iterations, spacing, narrow):
        f = index / last
        end = index == last  # ends at its step (a little past), not half its width past the edge
        labels.append(
            {
                "x": f,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xshift": STEP_INSET * (1 - 2 * f) + (LAST_OVERHANG if end else 0),
                "yshift": -(pad + value_height + TICK_DROP),
                "yanchor": "top",
                "xanchor": "right" if end else "center",
                "text": f"{int(frames.iterations[index]):,}",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 1, "color": TEXT_COLOUR},
                "name": "scrubber label",
            }
        )
    return labels
