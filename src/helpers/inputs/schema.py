"""``python -m helpers schema wave|codebook|profile``: the JSON Schema of a configuration file.

Editors with a YAML language server (VS Code, JupyterLab's LSP) read the
committed copies, ``config/<kind>.schema.json``, named on the first line of
each file (``# yaml-language-server: $schema=...``), to complete and check the
file as it is typed. ``make schemas`` rewrites the copies; a test checks they
equal what this command prints.
"""

from __future__ import annotations

import argparse
import json

from pydantic import BaseModel

from helpers.inputs.codebook import CodebookFile
from helpers.inputs.profiles import Profile
from helpers.inputs.validation import json_schema
from helpers.inputs.waves import WaveSettings

__all__ = ["SCHEMAS", "configure_parser", "main", "schema_text"]

SCHEMAS: dict[str, type[BaseModel]] = {"wave": WaveSettings, "codebook": CodebookFile, "profile": Profile}
"""Each kind of configuration file and its model."""


def schema_text(kind: str) -> str:
    """The JSON Schema of ``kind`` (a key of :data:`SCHEMAS`) as the committed ``config/<kind>.schema.json`` holds it."""
    return json.dumps(json_schema(SCHEMAS[kind]), indent=2, ensure_ascii=False) + "\n"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers schema``."""
    parser.add_argument("kind", choices=sorted(SCHEMAS), help="the configuration file whose schema to print")


def main(args: argparse.Namespace) -> int:
    """Print the schema; returns the exit status."""
    print(schema_text(args.kind), end="")
    return 0
