"""One style for every figure: titled, labelled with units, sourced, colour-blind safe."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

PALETTE = "colorblind"
# Fixed metadata keep saved PNGs byte-identical between runs.
PNG_METADATA = {"Software": None}


def apply_style() -> None:
    """Set the project's plotting style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    mpl.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 150, "figure.figsize": (8, 4.5), "axes.titleweight": "bold",
        "axes.titlesize": 12, "axes.labelsize": 10, "legend.fontsize": 9, "svg.hashsalt": "barometre",
    })


def finish(fig: plt.Figure, ax: plt.Axes, *, title: str, xlabel: str, ylabel: str, source: str) -> None:
    """Give a figure its title, axis labels (with units) and source line.

    Parameters
    ----------
    fig, ax
        The figure and its main axes.
    title
        What the figure shows.
    xlabel, ylabel
        Axis labels, with units in parentheses where there are units.
    source
        Where the data come from, printed under the figure.
    """
    title_lines = textwrap.wrap(title, width=int(fig.get_figwidth() * 10))
    fig.suptitle("\n".join(title_lines), x=0.01, ha="left", fontweight="bold", fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, 0.005, f"Source: {source}", fontsize=8, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def save(fig: plt.Figure, path: Path) -> Path:
    """Save ``fig`` as PNG at ``path`` (folders created), without varying metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    return path


def title_of(fig: plt.Figure) -> str:
    """The figure's title (set by :func:`finish`) on one line, or ``""``."""
    return fig._suptitle.get_text().replace("\n", " ") if fig._suptitle is not None else ""


def show(fig: plt.Figure, description: str = "") -> None:
    """Display ``fig`` in the notebook as a PNG whose text alternative is its title (and ``description``), then
    close it.

    Instead of ``plt.show()``, whose image has no text alternative in the notebook's HTML page.
    """
    from IPython.display import Image, display  # only where a notebook shows the figure

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata=PNG_METADATA)
    plt.close(fig)
    alt = ". ".join(part for part in (title_of(fig), description) if part)
    display(Image(data=buffer.getvalue(), format="png", alt=alt))
