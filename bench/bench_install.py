"""The test command's install: pip compiling all bytecode up front, or each module on first use.

The README's test command installs with ``pip install --no-compile`` and lets the test processes
write the bytecode of what they import (``tests/conftest.py``). Measured side by side here:

1. ``pip install -r requirements-dev.txt`` into a new venv, as pip does by default (it compiles
   every module of every package, TensorFlow's included), and with ``--no-compile``: wall
   seconds and CPU seconds of each, the two taking turns.
2. What the test processes pay instead: three processes importing TensorFlow, Keras, Streamlit
   and Plotly at once (as three workers do at the start of the suite), in the pip-compiled venv,
   in the uncompiled venv the first time (each compiles what it imports and writes it), and
   again (the bytecode is there).

Needs the package index (or the wheels) that the README's command needs; takes a few minutes.

Usage: python -m bench.bench_install [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import cpu_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements-dev.txt"
IMPORTS = "import tensorflow, keras, streamlit, plotly"
PROCESSES = 3


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    commands: list[list[str]], env: dict[str, str] | None = None, stderr=None
) -> tuple[float, float]:
    """Run the commands at once; wall seconds until all ended, and their CPU seconds."""
    cpu, start = children_cpu(), time.perf_counter()
    out = {"stdout": subprocess.DEVNULL, "stderr": stderr}
    running = [subprocess.Popen(c, env=env, **out) for c in commands]
    for process in running:
        if process.wait() != 0:
            raise RuntimeError(f"failed: {' '.join(process.args)}")
    return time.perf_counter() - start, children_cpu() - cpu


def install(venv: Path, compile_bytecode: bool) -> tuple[float, float]:
    """A new venv with the test requirements; (wall, CPU) seconds of venv and install."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)]
    return timed([pip if compile_bytecode else [*pip[:2], "--no-compile", *pip[2:]]])


def imports(venv: Path) -> tuple[float, float]:
    """PROCESSES concurrent imports, allowed to write bytecode; (wall, CPU) seconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    python = str(venv / "bin" / "python")
    return timed([[python, "-c", IMPORTS]] * PROCESSES, env, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="installs of each kind (1)")
    args = parser.parse_args(argv)
    print(f"Install of requirements-dev.txt on {cpu_name()}")
    runs: dict[str, list[tuple[float, float]]] = {"compiled": [], "no-compile": []}
    first_imports: list[tuple[float, float]] = []
    again: list[tuple[float, float]] = []
    compiled_imports: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-install-") as folder:
        for r in range(args.repeats):
            compiled, lazy = Path(folder, f"compiled{r}"), Path(folder, f"lazy{r}")
            runs["compiled"].append(install(compiled, compile_bytecode=True))
            runs["no-compile"].append(install(lazy, compile_bytecode=False))
            compiled_imports.append(imports(compiled))
            first_imports.append(imports(lazy))
            again.append(imports(lazy))

    def median(pairs, i):
        return statistics.median(p[i] for p in pairs)

    result = {
        "install_s": {k: median(v, 0) for k, v in runs.items()},
        "install_cpu_s": {k: median(v, 1) for k, v in runs.items()},
        "imports_cpu_s": {
            "compiled": median(compiled_imports, 1),
            "first": median(first_imports, 1),
            "again": median(again, 1),
        },
    }
    wall, cpu, imp = result["install_s"], result["install_cpu_s"], result["imports_cpu_s"]
    print(f"  venv + pip install (medians of {args.repeats}, taking turns)   wall     CPU")
    for kind in runs:
        print(f"    {kind:<12}{'':44}{wall[kind]:6.1f} s {cpu[kind]:6.1f} s")
    print(
        f"  --no-compile installs in {wall['no-compile'] / wall['compiled']:.2f} of the time, "
        f"{wall['compiled'] - wall['no-compile']:.1f} s less"
    )
    print(f"  {PROCESSES} processes importing TensorFlow, Keras, Streamlit, Plotly at once (CPU):")
    print(f"    pip-compiled venv                                   {imp['compiled']:6.1f} s")
    print(f"    --no-compile venv, first time (compiles, writes)    {imp['first']:6.1f} s")
    print(f"    --no-compile venv, again                            {imp['again']:6.1f} s")
    print(
        f"  the first imports cost {imp['first'] - imp['compiled']:.1f} CPU s more, once per "
        "venv; the suite runs on 2 cores"
    )
    return result


if __name__ == "__main__":
    main()
