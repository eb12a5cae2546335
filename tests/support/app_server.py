"""Start `streamlit run streamlit_app.py` on a free localhost port, watch it, stop it.

Shared by the browser tests (tests/e2e), scripts/screenshots.py, scripts/cloud_check.py and
scripts/load_test.py so that all of them start the app the same way Community Cloud does:
from the repository root, so `.streamlit/config.toml` applies.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = "streamlit_app.py"
# Ports other people on this machine use for their own servers.
RESERVED_PORTS = {8501, 8611, 8612}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (asked from the OS, never a fixed number)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port
    raise RuntimeError("no free port found")


def throwaway_caches(folder: Path) -> dict[str, str]:
    """Environment that sends the app's grid caches and class pool to ``folder``, never the
    user's own (a test server's)."""
    return {
        "FILTER_GRID_CACHE": str(folder / "grids"),
        "FILTER_GRID_DIR": str(folder / "prerendered"),
        "CLASSROOM_DATA_DIR": str(folder / "classroom"),
    }


def tree_rss(process: psutil.Process) -> int:
    """Resident memory in bytes of a process and all its children."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def tree_cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU seconds used so far by a process and its children."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


class MemorySampler:
    """Samples a process tree's RSS on a background thread and keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, tree_rss(self.process))
            except psutil.NoSuchProcess:
                return
            self._stop.wait(self.interval)

    def reset(self) -> None:
        self.peak = tree_rss(self.process)

    def __enter__(self) -> MemorySampler:
        self.reset()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(psutil.NoSuchProcess):
            self.peak = max(self.peak, tree_rss(self.process))


class AppServer:
    """One `streamlit run` process in its own process group, with its log in a temp file.

    Use as a context manager; `stop()` always ends the whole process group it started.
    """

    def __init__(
        self,
        python: str | os.PathLike = sys.executable,
        root: Path = ROOT,
        env: dict[str, str] | None = None,
        port: int | None = None,
        cloud_like: bool = False,
        unset: tuple[str, ...] = (),
        options: tuple[str, ...] = (),
    ):
        self.python = str(python)
        self.root = Path(root)
        self.port = port or free_port()
        self.env = {**os.environ, **(env or {})}
        for name in unset:
            self.env.pop(name, None)
        self.env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.env["PYTHONUNBUFFERED"] = "1"
        self.cloud_like = cloud_like
        self.options = tuple(options)  # extra command-line options, e.g. "--runner.postScriptGC"
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        self.started_at: float | None = None
        self.healthy_after: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [
            self.python,
            "-m",
            "streamlit",
            "run",
            ENTRYPOINT,
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
        if not self.cloud_like:
            # Others edit the sources while tests run; the test server must not react to that.
            cmd += ["--server.fileWatcherType", "none"]
        return cmd + list(self.options)

    def start(self, timeout: float = 90.0) -> float:
        """Start the server and wait until /_stcore/health answers "ok".

        Returns:
            Seconds from launching `streamlit run` to the first healthy answer.
        """
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.root,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        atexit.register(self.stop)  # also when the caller dies on an exception or Ctrl-C
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.proc.returncode}:\n{self.log_tail()}"
                )
            if self.health() == "ok":
                self.healthy_after = time.perf_counter() - self.started_at
                return self.healthy_after
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"/_stcore/health did not answer within {timeout} s:\n{self.log_tail()}")

    def warm(self, timeout: float = 180.0) -> float:
        """Run the default page once in a throwaway session; returns its seconds.

        Streamlit learns the app's pages when `st.navigation` first runs, so before that a deep
        link such as /colour answers "Page not found" to the very first visitor.
        """
        from tests.support.st_client import open_page, run_sync

        result = run_sync(lambda: open_page(self.url, "", "", timeout))
        return result.seconds

    def health(self) -> str | None:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                return response.read().decode().strip()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return None

    @property
    def pid(self) -> int:
        assert self.proc is not None, "server not started"
        return self.proc.pid

    def rss(self) -> int:
        return tree_rss(psutil.Process(self.pid))

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(psutil.Process(self.pid))

    def memory_sampler(self, interval: float = 0.1) -> MemorySampler:
        return MemorySampler(self.pid, interval)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL to its own process group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        # Children (if any) share the group started with start_new_session.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
