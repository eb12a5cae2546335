"""What a person does on each page, in a real browser; shared by e2e tests and scripts.

Controls are found by their labels and ARIA roles, never by layout classes.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlparse

from tests.support import browser as br

TRAIN_TITLE, COLOUR_TITLE, FILTERS_TITLE = "Train the MLP", "Text over a colour", "VGG16 filters"
# URL path of each page (its file name); the default page ("Train the MLP") is at the root.
TRAIN_PATH, COLOUR_PATH, FILTERS_PATH = "", "text_over_colour", "vgg16_filters"
TYPED_COLOUR = "Or type a colour"
CSV_UPLOAD = "Add labels from a CSV"


class MissingControlError(LookupError):
    """The page does not (yet) have a control the flow needs."""


def slider(page, label: str):
    """The thumb of the slider (or select_slider) labelled `label`."""
    thumb = page.get_by_role("slider", name=label, exact=False)
    if thumb.count() == 0:
        thumb = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")
    if thumb.count() == 0:
        raise MissingControlError(f"no slider labelled {label!r}")
    return thumb.first


def query(page) -> dict[str, str]:
    """The page's current URL parameters."""
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def first_chart(page):
    chart = page.get_by_test_id("stPlotlyChart")
    if chart.count() == 0:
        raise MissingControlError("no chart on the page")
    return chart.first


def picture(page, locator) -> str:
    """Fingerprint of what an element looks like (a hash of its screenshot)."""
    import hashlib

    return hashlib.sha256(locator.screenshot(animations="disabled")).hexdigest()


# ------------------------------------------------------------------ Train the MLP


def move_learning_rate(page, steps: int = 1) -> str:
    """Press the arrow key on the learning-rate slider; returns the new `lr` URL parameter."""
    thumb = slider(page, "Learning rate")
    before = query(page).get("lr")
    thumb.focus()
    for _ in range(abs(steps)):
        thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")
    br.wait_for_run(page)
    page.wait_for_function(
        "(before) => new URL(location.href).searchParams.get('lr') !== before", arg=before
    )
    br.wait_for_run(page)
    return query(page).get("lr", "0.2")  # the lesson's rate is left out of the address


def train_page(page, base_url: str, url_query: str = "", timeout: float = 180.0) -> float:
    """Open "Train the MLP" (by URL, so its query parameters apply) and wait for training."""
    return br.open_app(page, base_url, TRAIN_PATH, url_query, timeout)


# ------------------------------------------------------------------ Text over a colour


def labels_count(page) -> int:
    """The number of teaching labels the page says this session has."""
    text = page.get_by_text(re.compile(r"Your labels: \d+")).first.inner_text()
    return int(re.search(r"Your labels: (\d+)", text).group(1))


def type_colour(page, text: str) -> None:
    box = page.get_by_label(TYPED_COLOUR, exact=False)
    if box.count() == 0:
        raise MissingControlError(f"no text input labelled {TYPED_COLOUR!r}")
    box.first.fill(text)
    box.first.press("Enter")
    br.wait_for_run(page)


def pick_colour(page, hex_colour: str) -> None:
    """Choose a colour with the colour picker's popover (hex field)."""
    button = page.get_by_role("button", name=re.compile("colou?r picker", re.I))
    if button.count() == 0:
        raise MissingControlError("no colour picker")
    button.first.click()
    field = page.get_by_role("dialog").last.get_by_label("hex")
    field.fill(hex_colour.lstrip("#"))
    field.press("Enter")
    # The picker sends its value when the popover closes: click outside it.
    page.get_by_role("heading").first.click()
    br.wait_for_run(page)


def typed_colour(page) -> str:
    return page.get_by_label(TYPED_COLOUR, exact=False).first.input_value()


def preview(page):
    """The sample box with black text over the chosen colour."""
    return page.get_by_text("A paragraph of body text").first.locator("xpath=..")


def preview_background(page) -> str:
    """The CSS background colour of the preview, e.g. 'rgb(51, 102, 204)'."""
    return preview(page).evaluate("e => getComputedStyle(e).backgroundColor")


def teach(page, text: str = "Black") -> None:
    button = page.get_by_role("button", name=f"{text} reads better")
    if button.count() == 0:
        raise MissingControlError(f"no button '{text} reads better'")
    button.first.click()
    br.wait_for_run(page)


def upload(page, label: str, name: str, content: bytes, mime: str = "text/csv") -> None:
    """Upload a file through the file uploader labelled `label`."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    if uploader.count() == 0:
        raise MissingControlError(f"no file uploader labelled {label!r}")
    uploader.first.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    # The rerun starts only once the file is sent (a replaced file is deleted first): wait for
    # it to start (a quick one may be missed: then this only costs the timeout), then to end.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(f'{br.APP}[data-test-script-state="running"]', timeout=5_000)
    br.wait_for_run(page)


def colour_page(page, base_url: str, timeout: float = 180.0) -> float:
    return br.open_app(page, base_url, COLOUR_PATH, "", timeout)


# ------------------------------------------------------------------ VGG16 filters

UNTRAINED, LOCAL_FILE = "Untrained (random weights)", "Local weights file"
WEIGHTS_UPLOAD = "upload a .h5 weights file"


def without_offline_imagenet(page, problems: list[str]) -> list[str]:
    """Drop the failed-ImageNet-download error when the page explains it and offers a way on.

    Offline (CI, this machine) Keras cannot fetch the ImageNet weights; the page must then say
    so, offer three ways forward and fall back to the untrained network.
    """
    offline = [p for p in problems if "could not download the ImageNet weights" in p]
    if offline:
        text = br.main_text(page)
        assert "Three ways forward" in text, "no way forward offered after the failed download"
        assert "untrained" in text.lower(), "the untrained network is not offered"
    return [p for p in problems if p not in offline]


def filters_page(page, base_url: str, timeout: float = 180.0) -> float:
    return br.open_app(page, base_url, FILTERS_PATH, "", timeout)


def choose(page, label: str, timeout: float = 300.0) -> None:
    """Click the radio option labelled `label` (anywhere on the page, sidebar included)."""
    option = page.get_by_role("radio", name=label, exact=True)
    if option.count() == 0:
        raise MissingControlError(f"no radio option {label!r}")
    if not option.first.is_checked():
        option.first.check(force=True)  # Streamlit draws its own dot over the real input
        br.wait_for_run(page, timeout)


def select(page, label: str, option: str, timeout: float = 300.0) -> None:
    """Pick `option` (its text starts with it) in the selectbox labelled `label`."""
    box = page.get_by_role("combobox", name=label)
    if box.count() == 0:
        raise MissingControlError(f"no selectbox labelled {label!r}")
    box.first.click()
    # The list is virtualised (only the visible options exist): type to filter, then pick.
    box.first.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    br.wait_for_run(page, timeout)


def set_number(page, label: str, value, timeout: float = 300.0) -> None:
    field = page.get_by_label(label, exact=True)
    if field.count() == 0:
        raise MissingControlError(f"no number input labelled {label!r}")
    if field.first.input_value() != str(value):
        field.first.fill(str(value))
        field.first.press("Enter")
        br.wait_for_run(page, timeout)


def set_slider(page, label: str, value: int, timeout: float = 300.0) -> None:
    """Move an integer slider to `value` with the arrow keys."""
    thumb = slider(page, label)
    current = int(float(thumb.input_value()))
    if current != value:
        thumb.focus()
        key = "ArrowRight" if value > current else "ArrowLeft"
        for _ in range(abs(value - current)):
            thumb.press(key)
        br.wait_for_run(page, timeout)


def grid_chart(page):
    """The rendered grid (the first chart under the "Grid" tab)."""
    return first_chart(page)


def render_grid(
    page,
    base_url: str | None,
    layer: str = "block1_conv1",
    n: int = 2,
    weights: str | None = UNTRAINED,
    candidates: int | None = None,
    steps: int | None = None,
    size: int | None = None,
    timeout: float = 600.0,
) -> None:
    """Open the filters page (unless base_url is None), set the controls, press Render grid.

    weights: a radio option of the page (UNTRAINED, LOCAL_FILE, ...) or None to keep it.
    """
    if base_url is not None:
        filters_page(page, base_url, timeout)
    if weights is not None:
        choose(page, weights)
    select(page, "Layer", layer)
    set_slider(page, "Grid size", n)
    if candidates is not None:
        set_number(page, "M: candidates ranked", candidates)
    if steps is not None:
        set_number(page, "Steps", steps)
    if size is not None:
        thumb = slider(page, "Image size")
        thumb.focus()
        target = str(size)
        for _ in range(10):
            now = thumb.get_attribute("aria-valuetext") or ""
            if now.strip() == target:
                break
            thumb.press("ArrowLeft" if int(now or 0) > size else "ArrowRight")
        br.wait_for_run(page, timeout)
    press_render(page, timeout)
    heading = page.get_by_text(re.compile(re.escape(layer) + r" · "))
    if heading.count() == 0:
        raise AssertionError(f"no grid titled {layer} after rendering")


def press_render(page, timeout: float = 600.0) -> None:
    """Press "Render grid" and wait until its grid is drawn (its download button appears).

    The render runs in the background: the page's script finishes at once and a fragment
    shows the progress until the grid is there.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = page.get_by_role("button", name="Render grid")
    # On a busy machine the button was once not there yet when the page said it had run.
    try:
        button.first.wait_for(state="visible", timeout=30_000)
    except PlaywrightTimeout:
        shown = br.main_text(page)[:800]
        raise MissingControlError(f"no 'Render grid' button; the page shows:\n{shown}") from None
    button.first.click()
    page.get_by_role(
        "button", name=re.compile(r"^Download block\d_conv\d_\dx\d\.png$")
    ).first.wait_for(state="visible", timeout=timeout * 1000)
    br.wait_for_run(page, timeout)
