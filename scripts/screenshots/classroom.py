"""The README's pictures of a class session: the projector and a phone, mid-lecture.

A fresh server on a throwaway pool; 40 simulated students each label 24 colours through the
pool (their taste: white text below a luminance near WCAG's switch, with some disagreement);
then a real phone (390x844) opens the join link and votes, and the projector (1920x1080) shows
the lecturer's view, its charts, and, after "Retrain on the class's labels", what changed.

    python -m scripts.screenshots classroom            # into docs/screenshots/classroom_*.png
    python -m scripts.screenshots classroom --out DIR

Look at every picture before committing it.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from core.colour.classroom import colour_at
from core.colour.contrast import relative_luminance
from core.colour.pool import ClassPool
from core.colour.pool_schema import new_student_id
from tests.support import browser as br
from tests.support.app_server import ROOT, AppServer

OUT = ROOT / "docs" / "screenshots"
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def fill(pool: ClassPool, code: str, students: int = 40, each: int = 24) -> None:
    """Simulated students vote through the pool: white below L ~ 0.2, give or take."""
    rng = np.random.default_rng(0)
    for _ in range(students):
        student = new_student_id()
        view = pool.join(code, student)
        switch = rng.normal(0.22, 0.08)  # each student's own switch point
        for index in range(each):
            issued = colour_at(view.seed, student, index)
            text = "white" if relative_luminance(issued.hex) < switch else "black"
            pool.vote(code, student, index, issued.hex, text)


def shoot(base_url: str, code: str, key: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = br.launch(pw)
        phone = browser.new_context(viewport=PHONE, user_agent=br.PHONE_AGENT).new_page()
        br.open_app(phone, base_url, "text_over_colour", f"class={code}", timeout=300)
        phone.get_by_role("button", name="White reads better").click()
        phone.get_by_text("Counted:").wait_for()
        br.screenshot(phone, out / "classroom_phone.png", full_page=False)

        projector = browser.new_context(viewport=PROJECTOR).new_page()
        br.open_app(projector, base_url, "text_over_colour", f"class={code}&key={key}", 300)
        projector.wait_for_timeout(2500)
        br.screenshot(projector, out / "classroom_projector.png", full_page=False)
        projector.mouse.move(1100, 700)  # over the main column, which scrolls on its own
        projector.mouse.wheel(0, 560)
        projector.wait_for_timeout(1500)
        br.screenshot(projector, out / "classroom_projector_charts.png", full_page=False)

        projector.get_by_role("button", name="Retrain on the class's labels").click()
        br.wait_for_run(projector, timeout=300)
        projector.get_by_text("What retraining changed").scroll_into_view_if_needed()
        projector.mouse.move(1100, 700)
        projector.mouse.wheel(0, 700)
        projector.wait_for_timeout(1000)
        br.screenshot(projector, out / "classroom_projector_retrained.png", full_page=False)

        phone.reload()
        br.wait_for_run(phone)
        phone.get_by_text("After your answer you see what the class network").wait_for()
        phone.get_by_role("button", name="Black reads better").click()  # its pick after the vote
        phone.get_by_text(re.compile("would have picked")).wait_for(timeout=20_000)
        br.wait_for_run(phone)
        br.screenshot(phone, out / "classroom_phone_network.png", full_page=False)
        problems = br.problems(phone) + br.problems(projector)
        browser.close()
    if problems:
        raise RuntimeError(f"error boxes on the pages: {problems}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="classroom-shots-") as data:
        engine = sa.create_engine(f"sqlite:///{Path(data) / 'classroom.sqlite'}")
        seconds = iter(range(10**9))
        pool = ClassPool(engine, clock=lambda: float(next(seconds)))  # a second between votes
        session = pool.create_session()
        fill(pool, session.code)
        with AppServer(env={"CLASSROOM_DATA_DIR": data}) as server:
            server.warm()
            shoot(server.url, session.code, session.key, args.out)
        engine.dispose()
    print(f"saved classroom_*.png in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
