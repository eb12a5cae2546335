"""The machine a benchmark ran on, named in its first line (CPUs differ from machine to machine)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from core.filters.compute import cpu_bf16_features


def cpu_name() -> str:
    """E.g. "AMD EPYC (family 25, model 17), 2 cores, native bf16: avx512_bf16".

    The model name alone can be the same on two generations of a CPU (a virtual machine often
    says only "AMD EPYC"); the family and model numbers, the cores and the bfloat16 features
    tell them apart.
    """
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    name = fields.get("model name", platform.machine())
    family, model = fields.get("cpu family"), fields.get("model")
    where = f" (family {family}, model {model})" if family and model else ""
    bf16 = ", ".join(cpu_bf16_features()) or "none"
    return f"{name}{where}, {os.cpu_count()} cores, native bf16: {bf16}"


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB, since its program started.

    Linux's ``VmHWM`` (``/proc/self/status``) belongs to the program; ``ru_maxrss`` survives
    ``exec`` and so, in a child started by a large process (a test worker), reports the
    parent's size at the fork. Elsewhere ``ru_maxrss`` is all there is.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    import sys

    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
