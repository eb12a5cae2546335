"""Screenshots of the measured preset notes and the failed-network warning (honesty_*.png).

At 1920x1080 and at 390x844 (a phone's User-Agent): "Lesson's" on three hidden layers (the note
says what the run did, not what the lesson's network does), "Too large" on the lesson's network,
then "Text over a colour" with that untrained run (the warning and its button; on the phone
opened by the link ``?lr=20``), and the page after the button (the lesson's network).

Usage: python -m scripts.screenshots honesty [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.support import browser as br
from tests.support.app_server import ROOT, AppServer

# The whole alert holding the text, in the middle of the view (Streamlit scrolls its main
# container, not the window).
SCROLL = """e => (e.closest('[data-testid="stAlert"]') || e).scrollIntoView({block: 'center'})"""


def shot(page, out: Path, name: str, text: str) -> Path:
    """Scroll the first element showing ``text`` near the top of the view, and save the view."""
    page.get_by_text(text).first.evaluate(SCROLL)
    page.wait_for_timeout(300)
    path = out / f"honesty_{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    print("saved", path)
    return path


def walk(page, url: str, out: Path, size: str) -> None:
    br.open_app(page, url, "", "hidden=5-2-4", timeout=300)
    assert br.problems(page) == [], br.problems(page)
    shot(page, out, f"note_three_layers_{size}", "Lesson's learning rate (0.2)")
    br.open_app(page, url, "", "lr=20", timeout=300)
    shot(page, out, f"note_too_large_{size}", "Too large learning rate (20)")
    if size == "1920":  # the session's run travels to the other page
        br.open_from_nav(page, "Text over a colour", timeout=300)
    else:  # the phone's navigation is folded away: the same run by its link
        br.open_app(page, url, "text_over_colour", "lr=20", timeout=300)
    assert br.problems(page) == [], br.problems(page)
    shot(page, out, f"unlearned_{size}", "This network never learned the colours")
    page.get_by_role("button", name="Use the lesson's network").click()
    br.wait_for_run(page)
    assert page.get_by_text("This network never learned").count() == 0
    shot(page, out, f"lesson_again_{size}", "in place of a network that did not learn")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with AppServer() as server, sync_playwright() as playwright:
        browser = br.launch(playwright)
        for size, (viewport, agent) in br.SCREENS.items():
            context = browser.new_context(viewport=viewport, user_agent=agent)
            context.set_default_timeout(300_000)
            walk(context.new_page(), server.url, args.out, size)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    main()
