"""Command line: ``python -m helpers {run,status,demo,frame,validate,schema} ...``.

Each sub-command lives in the module of its concern, which provides
``configure_parser(parser)`` and ``main(args) -> int``; modules are imported
only when their command is chosen so that ``--help`` stays fast.

This is the one place where the package's exceptions become exit statuses,
each with a short message and no traceback: 0 success, 1 a notebook failed
or the outputs cannot be written (:class:`helpers.errors.StepFailed`,
:class:`helpers.errors.OutputError`; the previous outputs left in place),
2 bad input, configuration or option (:class:`helpers.errors.InputError`,
:class:`helpers.errors.UsageError`), 75 another run holds the wave
(:class:`helpers.errors.WaveBusy`; EX_TEMPFAIL: try again later), 130
interrupted by Ctrl-C (:class:`helpers.errors.Interrupted`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from helpers.errors import InputError, Interrupted, OutputError, StepFailed, UsageError, WaveBusy

LOG = logging.getLogger("helpers")

COMMANDS = {
    "run": ("helpers.run.pipeline", "run the yearly pipeline for one wave"),
    "status": ("helpers.run.status", "what the last runs of a wave left: lock, interrupted publish, whether the "
                                     "outputs are whole and of one run, failed runs kept"),
    "demo": ("helpers.demo.wave", "generate a synthetic demo wave under data/raw/<year>/"),
    "frame": ("helpers.frame.build", "build the sampling frame from the official public files"),
    "validate": ("helpers.demo.simulation", "method validation: bias, RMSE and interval coverage of the estimators "
                                       "over repeated demo response draws (reports/validation/)"),
    "schema": ("helpers.inputs.schema", "print the JSON Schema of a wave file, a codebook or an export profile (config/*.schema.json)"),
}


def build_parser() -> argparse.ArgumentParser:
    """Parser with one sub-parser per command, filled in by its module."""
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        sub.set_defaults(module=module_name)
        argv = sys.argv[1:]
        # Only the chosen command's module is imported to describe its options.
        if argv and argv[0] == name:
            importlib.import_module(module_name).configure_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m helpers``; returns the exit status."""
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s",
                        datefmt="%H:%M:%S")
    # The runner logs each step with its duration; papermill's lines on each notebook's paths and kernel repeat it.
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        # Inside the try: the command's module takes seconds to import, long enough for a Ctrl-C.
        args = build_parser().parse_args()
        return importlib.import_module(args.module).main(args)
    except StepFailed as failure:
        LOG.error("%s\n  previous outputs left in place", failure)
        return 1
    except OutputError as error:
        LOG.error("%s", error)
        return 1
    except (InputError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except WaveBusy as busy:
        LOG.error("%s", busy)
        return 75
    except Interrupted as interrupted:
        LOG.error("%s", interrupted)
        return 130
    except KeyboardInterrupt:
        LOG.error("interrupted before anything was written; previous outputs intact")
        return 130


if __name__ == "__main__":
    sys.exit(main())
