"""Small files written in the formats of the official sources (``data/external/official``), for unit tests."""

from __future__ import annotations

from pathlib import Path

# Column headers of the Répertoire national des élus extracts, as the register writes them.
RNE_MAYOR_HEADER = [
    "Code du département (Maire)", "Libellé de département (Maires)", "Code Insee de la commune",
    "Libellé de la commune", "Population de la commune", "Nom de l'élu", "Prénom de l'élu", "Date de naissance",
    "Code sexe", "Code profession", "Libellé de la profession", "Libellé de mandat", "Date de début du mandat",
    "Date de fin du mandat", "Motif de fin de mandat", "Libellé de fonction", "Date de début de la fonction",
    "Date de fin de la fonction", "Motif de fin de fonction", "Nuance politique (C. Mun.)",
    "N° Identification d'un élu",
]
RNE_EPCI_MEMBER_HEADER = [
    "Code département EPCI", "Code département commune rattachée", "Code de la commune",
    "Libellé commune rattachée", "N° SIREN", "Libellé de l'EPCI", "Nom de l'élu", "Prénom de l'élu", "Code sexe",
    "Date de naissance", "Code profession", "Libellé de la profession", "Date de début du mandat",
    "Date de fin du mandat", "Motif de fin de mandat", "Libellé de fonction", "Date de début de la fonction",
    "Date de fin de la fonction", "Motif de fin de fonction", "Nuance mandat", "N° Identification d'un élu",
]
RNE_DEPARTEMENT_COUNCIL_HEADER = [
    "Code du département", "Libellé du département", "Nom de l'élu", "Prénom de l'élu", "Code sexe",
    "Code du canton", "Libellé du canton", "Nuance politique (C. Gén.)", "Libellé de fonction",
    "Code profession", "Libellé de la profession", "Date de naissance", "N° Identification d'un élu",
    "Date de début du mandat", "Date de début de la fonction", "Libellé de mandat", "Date de fin du mandat",
    "Motif de fin de mandat", "Date de fin de la fonction", "Motif de fin de fonction",
]
RNE_REGION_COUNCIL_HEADER = [
    "Code région", "Libellé de la région", "Code du département", "Libellé de département", "Nom de l'élu",
    "Prénom de l'élu", "Code sexe", "Date de naissance", "Code profession", "Libellé de la profession",
    "Libellé de mandat", "Date de début du mandat", "Date de fin du mandat", "Motif de fin de mandat",
    "Libellé de fonction", "Date de début de la fonction", "Date de fin de la fonction",
    "Motif de fin de fonction", "Nuance mandat", "N° Identification d'un élu",
]


def write_lines(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write ``lines`` joined by ``newline`` with a final line end, in ``encoding``; returns ``path``."""
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path
