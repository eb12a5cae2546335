"""A class session in real browsers: one projector (1920x1080) and three phones (390x844).

The projector starts a session from "Text over a colour" and shows an absolute join link; each
phone opens it, sees only the voting view, votes, and the projector counts each vote within a
few seconds. No page of the session asks anything of a server other than the app's own.
"""

from __future__ import annotations

import re

import pytest

from tests.support import browser as br

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
LECTURER_ONLY = ["Pause voting", "Close the session", "Reset", "Retrain on the class's labels"]


def labels_on_projector(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Labels").first
    return int(re.sub(r"\D", "", metric.inner_text().split("Labels", 1)[1]) or 0)


def wait_for_count(page, count: int, timeout_s: float = 20.0) -> int:
    """Poll the projector (it refreshes itself every 1.5 s) until it shows ``count`` labels."""
    seen = -1
    for _ in range(int(timeout_s / 0.25)):
        seen = labels_on_projector(page)
        if seen == count:
            return seen
        page.wait_for_timeout(250)
    return seen


def watch_outside(context, base_url: str, found: list[str]) -> None:
    """Collect in ``found`` every request the context makes to anything but the app's server."""
    context.on(
        "request",
        lambda r: (
            found.append(r.url) if not r.url.startswith((base_url, "data:", "blob:")) else None
        ),
    )
    return found


def test_phones_vote_and_the_projector_counts_each_vote(browser, base_url, shots):
    projector_context = browser.new_context(viewport=PROJECTOR)
    projector_context.set_default_timeout(120_000)
    outside: list[str] = []
    watch_outside(projector_context, base_url, outside)
    projector = projector_context.new_page()
    phones = []
    try:
        br.open_app(projector, base_url, "text_over_colour", timeout=300)
        projector.get_by_role("button", name="Start a class session").click()
        br.wait_for_run(projector)
        assert "key=" in projector.url and "class=" in projector.url
        link = projector.get_by_role("link", name=re.compile(r"text_over_colour\?class=")).first
        join = link.inner_text().strip()
        assert join.startswith(base_url + "/text_over_colour?class=") and "key" not in join
        assert projector.get_by_role("img").count() >= 1  # the QR code
        assert labels_on_projector(projector) == 0

        for i, text in enumerate(["White", "Black", "White"]):
            context = browser.new_context(viewport=PHONE, user_agent=br.PHONE_AGENT)
            context.set_default_timeout(60_000)
            watch_outside(context, base_url, outside)
            phone = context.new_page()
            phones.append(context)
            phone.goto(join, wait_until="domcontentloaded")
            br.wait_for_run(phone)
            for label in LECTURER_ONLY:
                assert phone.get_by_role("button", name=label).count() == 0
            phone.get_by_role("button", name=f"{text} reads better").click()
            phone.get_by_text("Counted:").wait_for(timeout=20_000)
            assert br.problems(phone) == []
            assert wait_for_count(projector, i + 1) == i + 1, f"projector missed vote {i + 1}"
            if i == 0:
                br.screenshot(phone, shots / "classroom_phone.png", full_page=False)
        br.screenshot(projector, shots / "classroom_projector.png", full_page=False)
        assert br.problems(projector) == []
        assert outside == [], f"requests outside the app's server: {outside[:5]}"
    finally:
        for context in phones:
            context.close()
        projector_context.close()


def picked_over(colour: str) -> re.Pattern:
    """The phone's line with the class network's pick for ``colour``."""
    return re.compile(rf"class network would have picked (black|white) text over {colour}")


def phone_colour(phone) -> str:
    return phone.get_by_test_id("class-colour").get_attribute("data-colour")


def retrain_section(projector) -> str:
    text = br.main_text(projector)
    assert "What retraining changed" in text, text[-2000:]
    return text[text.index("What retraining changed") :]


def test_a_phone_sees_the_class_networks_pick_only_after_its_vote(browser, base_url, shots):
    projector_context = browser.new_context(viewport=PROJECTOR)
    projector_context.set_default_timeout(120_000)
    phone_context = browser.new_context(viewport=PHONE, user_agent=br.PHONE_AGENT)
    phone_context.set_default_timeout(60_000)
    projector, phone = projector_context.new_page(), phone_context.new_page()
    try:
        br.open_app(projector, base_url, "text_over_colour", timeout=300)
        projector.get_by_role("button", name="Start a class session").click()
        br.wait_for_run(projector)
        link = projector.get_by_role("link", name=re.compile(r"text_over_colour\?class=")).first
        phone.goto(link.inner_text().strip(), wait_until="domcontentloaded")
        br.wait_for_run(phone)
        first = phone_colour(phone)
        phone.get_by_role("button", name="White reads better").click()
        phone.get_by_text(f"Counted: white over {first}").wait_for(timeout=20_000)
        assert "would have picked" not in br.main_text(phone)  # no class network yet
        assert wait_for_count(projector, 1) == 1
        br.screenshot(projector, shots / "vote_projector_before.png", full_page=False)

        projector.get_by_role("button", name="Retrain on the class's labels").click()
        projector.get_by_text("What retraining changed").wait_for(timeout=300_000)
        br.wait_for_run(projector, timeout=300)
        shown = retrain_section(projector)
        assert "After: retrained on the class's 1 label, " in shown
        assert "The class's labels the network matches" in shown
        assert "Pick for" not in shown and "your" not in shown.lower()
        projector.get_by_text("What retraining changed").scroll_into_view_if_needed()
        br.screenshot(projector, shots / "vote_projector_retrained.png", full_page=False)

        # The phone finds the class network on its next refresh (every 5 s): a note, no pick.
        phone.get_by_text("After your answer you see what the class network").wait_for()
        colour = phone_colour(phone)
        assert not picked_over(colour).search(br.main_text(phone)), br.main_text(phone)
        br.screenshot(phone, shots / "vote_phone_before.png", full_page=False)
        phone.get_by_role("button", name="Black reads better").click()
        phone.get_by_text(picked_over(colour)).wait_for(timeout=20_000)
        assert f"Counted: black over {colour}" in br.main_text(phone)
        assert br.problems(phone) == []
        br.screenshot(phone, shots / "vote_phone_after.png", full_page=False)

        projector.reload(wait_until="domcontentloaded")  # a fresh session, the same link
        projector.get_by_text("What retraining changed").wait_for(timeout=300_000)
        br.wait_for_run(projector, timeout=300)
        shown = retrain_section(projector)
        assert "After: retrained on the class's 1 label, " in shown
        assert "The class's labels have changed since: 2 labels now" in shown
        assert br.problems(projector) == []
        projector.get_by_text("What retraining changed").scroll_into_view_if_needed()
        br.screenshot(projector, shots / "vote_projector_reload.png", full_page=False)

        phone.reload(wait_until="domcontentloaded")  # the tab keeps its id and its place
        phone.get_by_text("After your answer you see what the class network").wait_for()
        assert not picked_over(phone_colour(phone)).search(br.main_text(phone))
        br.screenshot(phone, shots / "vote_phone_reload.png", full_page=False)
    finally:
        phone_context.close()
        projector_context.close()
