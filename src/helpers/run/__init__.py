"""The yearly run: wave configuration, the papermill runner and publishing its outputs.

The wave configuration's names are imported with the package; the runner's
(:mod:`helpers.run.pipeline`, :mod:`helpers.run.notebooks`) only when first
used, so that loading a wave configuration imports no papermill, statistics
or plotting library.
"""

from __future__ import annotations

import importlib
from typing import Any

from helpers.run.waves import CALIBRATED, SCHEMA, Key, Wave, load_wave, wave_path

_LAZY = {
    "execute_notebook": "helpers.run.notebooks",
    "normalise_notebook": "helpers.run.notebooks",
    "KERNEL": "helpers.run.notebooks",
    "STEPS": "helpers.run.pipeline",
    "STEP_GROUPS": "helpers.run.pipeline",
    "RunLayout": "helpers.run.pipeline",
    "run": "helpers.run.pipeline",
}

__all__ = ["CALIBRATED", "SCHEMA", "Key", "Wave", "load_wave", "wave_path", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
