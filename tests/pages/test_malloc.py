"""The server's malloc hands large freed blocks back (``ui.app.configure_malloc``).

A fresh interpreter frees 20 blocks of 20 MB (a picture's maps, a batch's activations) between
which small blocks stay alive, as a server's do. glibc's defaults keep the freed space in the
heap: after the first such block is freed its mmap threshold rises above 20 MB, and the small
survivors pin every hole. The app's settings map each large block on its own, so it goes back.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK_MB, BLOCKS = 20, 20

PROGRAM = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from ui.app import configure_malloc

def anon_mb():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024

if sys.argv[1] == "app":
    assert configure_malloc()
block = {BLOCK_MB} * 2**20
bytearray(block)  # one large block, freed at once: glibc's threshold rises to it
before = anon_mb()
large, small = [], []
for _ in range({BLOCKS}):
    large.append(bytearray(block))
    small.append(bytearray(4096))  # survivors between the large blocks
del large
print(anon_mb() - before)
"""


def kept_mb(settings: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, settings],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(done.stdout.strip().splitlines()[-1])


pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's malloc: Linux only"
)


def test_glibcs_defaults_keep_the_freed_blocks():
    """The problem the settings solve, so that the next test can fail."""
    assert kept_mb("defaults") > 0.5 * BLOCK_MB * BLOCKS


def test_the_apps_settings_give_them_back():
    assert kept_mb("app") < 0.1 * BLOCK_MB * BLOCKS
