"""The common start of every step notebook: the wave, its folders, the codebook and the figure style."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.inputs.codebook import Codebook, load_codebook
from helpers.inputs.waves import Wave, load_wave

PathLike = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Setup:
    """What a step notebook needs before its first computation.

    Attributes
    ----------
    wave
        The validated wave configuration.
    raw, processed, reports
        The wave's raw inputs, processed files and reports folders.
    codebook
        The wave's codebook (``codebook:`` of its wave file).
    level
        The wave's confidence level (``estimation.confidence_level``).
    source
        The source line of the wave's figures (marks a synthetic demo wave).
    """

    wave: Wave
    raw: Path
    processed: Path
    reports: Path
    codebook: Codebook
    level: float
    source: str

    @property
    def year(self) -> int:
        """The survey wave."""
        return self.wave.year

    @property
    def level_text(self) -> str:
        """The confidence level as prose writes it: ``"95%"``."""
        return f"{100 * self.level:g}%"


def start(year: int, *, raw_dir: PathLike = None, processed_dir: PathLike = None, reports_dir: PathLike = None,
          wave_config: PathLike = None, check_inputs: bool = True, figure_style: bool = True) -> Setup:
    """Load a wave for a step notebook and apply the figure style.

    Parameters
    ----------
    year
        The survey wave.
    raw_dir, processed_dir, reports_dir
        The wave's folders; ``None`` or ``""`` (a notebook parameter left
        empty): ``data/raw/<year>``, ``data/processed/<year>``,
        ``reports/<year>``.
    wave_config
        The wave configuration; ``None`` or ``""``: ``config/waves/<year>.yaml``.
    check_inputs
        Whether the wave's raw input files must exist (only the cleaning step
        reads them).
    figure_style
        Whether to apply the figure style of :mod:`helpers.steps.figures`.

    Returns
    -------
    Setup

    Raises
    ------
    helpers.errors.InputError
        As :func:`helpers.inputs.waves.load_wave` and
        :func:`helpers.inputs.codebook.load_codebook`, for a wave
        configuration or codebook that does not validate or a missing input.
    """
    wave = load_wave(year, wave_config or None, raw_dir or None, check_inputs=check_inputs)
    if figure_style:
        # Imported here: a step that draws no figure (year on year) does not load matplotlib and seaborn.
        from helpers.steps import figures

        figures.apply_style()
    return Setup(
        wave=wave,
        raw=paths.raw_dir(year, raw_dir or None),
        processed=paths.processed_dir(year, processed_dir or None),
        reports=paths.reports_dir(year, reports_dir or None),
        codebook=load_codebook(wave.codebook_path),
        level=wave.section("estimation")["confidence_level"],
        source=f"baromètre e-services {year}" + (" (synthetic demo data)" if wave.settings["demo"] else ""),
    )
