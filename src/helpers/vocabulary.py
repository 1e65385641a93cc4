"""Vocabularies defined once: unit types, tiers, type groups, région groups, political groups, weighting variables and methods.

The frame builder, the frame reader, the demo generator and the auxiliary
variables of the analysis all take their categories from here, so that a demo
frame and a frame built from the official files group the same unit, and the
same executive, in the same way. Standard library only: every stage may import it.
"""

from __future__ import annotations

UNIT_TYPES = ("region", "departement", "metropole", "communaute_urbaine",
              "communaute_agglomeration", "commune")
"""The unit types, in the order frames list them.

The barometer's population (``data/external/official/README.md``): every région,
every département, every communauté urbaine and the métropole (Nice Côte
d'Azur, the only one in 2012, its own type), every communauté d'agglomération,
every commune of 50,000 inhabitants or more, and every préfecture not already
included (a commune).
"""

TIERS = {"region": "region_departement", "departement": "region_departement",
         "metropole": "intercommunal", "communaute_urbaine": "intercommunal",
         "communaute_agglomeration": "intercommunal", "commune": "commune"}
"""Unit type -> tier of local government (three tiers).

Régions and départements (the upper tiers), intercommunal groupings with their
own tax base (métropole, communautés urbaines and d'agglomération), communes.
The covariate of the leadership-and-savings models and of the demo's census
odds ratio (coarse enough for about twenty events), and the weighting cells of
a wave where a type group has no respondent.
"""

TYPE_GROUPS = {"region": "region", "departement": "departement", "metropole": "cu_metropole",
               "communaute_urbaine": "cu_metropole", "communaute_agglomeration": "communaute_agglomeration",
               "commune": "commune"}
"""Unit type -> type group (five groups).

The unit types with the single métropole joined to the communautés urbaines it
succeeds (a cell of one unit cannot be weighted): the response analysis's and
the weighting's grouping of the frame.
"""

REGION_GROUPS = {
    "11": "Île-de-France",
    **dict.fromkeys(("21", "22", "23", "24", "25", "26"), "Bassin parisien"),
    "31": "Nord",
    **dict.fromkeys(("41", "42", "43"), "Est"),
    **dict.fromkeys(("52", "53", "54"), "Ouest"),
    **dict.fromkeys(("72", "73", "74"), "Sud-Ouest"),
    **dict.fromkeys(("82", "83"), "Centre-Est"),
    **dict.fromkeys(("91", "93", "94"), "Méditerranée"),
    **dict.fromkeys(("01", "02", "03", "04", "06"), "Outre-mer"),
}
"""Région code -> région group: INSEE's ZEAT (zones d'études et d'aménagement du territoire) of the 2012
régions, overseas apart; the response analysis's and the weighting's grouping of the régions (``region_group``)."""

POLITICAL_GROUPS = ("left", "right", "centre", "other", "unknown")
"""The political groups of a unit's executive, as frames hold them (``political_group``)."""

_LEFT = ("EXG", "COM", "FG", "PG", "SOC", "RDG", "PRG", "DVG", "VEC", "MDC")
_RIGHT = ("UMP", "DVD", "M-NC", "M", "MAJ", "RPR", "DL", "RPF", "MPF", "FN", "EXD", "MNR")
_CENTRE = ("MODM", "CEN", "ALLI", "UDI", "UDF", "UDFD")
_OTHER = ("REG", "AUT", "DIV", "ECO", "CPNT")
_UNCLASSIFIED = ("NC",)
NUANCE_GROUPS: dict[str, str] = {
    **dict.fromkeys(_LEFT, "left"), **dict.fromkeys(_RIGHT, "right"),
    **dict.fromkeys(_CENTRE, "centre"), **dict.fromkeys(_OTHER, "other"),
    **dict.fromkeys(_UNCLASSIFIED, "unknown"),
}
"""Political nuance of the Répertoire national des élus (RNE) -> political group.

Left: far left, communists, Front and Parti de gauche, socialists, radicals
of the left (RDG, PRG), miscellaneous left, greens (VEC), Mouvement des
citoyens. Right: UMP and its predecessors (RPR, DL, RPF), miscellaneous
right, M-NC ("majorité présidentielle - Nouveau Centre"), M and MAJ
(presidential majority), MPF, and the far right (FN, EXD, MNR). Centre:
MoDem (MODM, UDFD), UDF, centrists (CEN, ALLI, UDI). Other: regionalists,
miscellaneous (AUT, DIV), ecologists outside the greens (ECO), CPNT.
Every code found in the 2012 extracts is listed but PRS and NCE (one row
each, no executive), which count as "other" (:func:`political_group`).

NC is "unknown", not the Nouveau Centre. The party, allied with the UMP in
the presidential majority in 2012 and counted on the right by the Ministry
of the Interior's groupings of nuances for the 2011 cantonales and the 2012
legislative elections, is coded M-NC in the register: in the 2012 extracts
(``data/external/official/2012``) M-NC is the nuance of its known figures in
office, François Sauvadet (Côte-d'Or), Maurice Leroy (Loir-et-Cher) and
Jean-Léonce Dupont (Calvados) at the head of their conseils généraux, André
Santini (Issy-les-Moulineaux), Jean-Christophe Lagarde (Drancy) and Jean
Dionis du Séjour (Agen) as mayors, Valérie Létard (Valenciennes Métropole)
as president of a grouping, so M-NC is on the right. NC, on the contrary,
marks officials given no nuance: 1,984 of its 2,381 mayors lead communes of
fewer than 1,000 inhabitants, it is the nuance of 15 of the 19 members of
the conseil territorial of Saint-Pierre-et-Miquelon, and that of two
executives of the 2012 frame known as Socialists, Joaquim Pueyo (communauté
urbaine d'Alençon) and Claude Bérit-Débat (communauté d'agglomération
Périgourdine). The political colour of an NC executive is therefore
unknown, as is that of an executive not found in the register.
"""


def political_group(nuance: str) -> str:
    """Political group of one RNE nuance code.

    Parameters
    ----------
    nuance
        The register's code, in any case and spacing; empty means no executive found.

    Returns
    -------
    str
        From :data:`NUANCE_GROUPS`; "unknown" for an empty code, "other" for a
        code outside the mapping.
    """
    code = nuance.strip().upper()
    if not code:
        return "unknown"
    return NUANCE_GROUPS.get(code, "other")


AUXILIARY = ("type_group", "size_band", "political_bloc", "region_group")
"""The auxiliary frame variables of the response analysis (built by :func:`helpers.steps.auxvars.add_auxiliary`)."""

WEIGHTING_VARIABLES = (*AUXILIARY, "tier")
"""What weighting cells, post-strata and margins may use.

The tier collapses the type groups into three, for a wave where a type group
(the 16 communautés urbaines and the métropole, say) has no respondent.
"""

COLLAPSE_ORDER = {
    "type_group": ("region", "departement", "cu_metropole", "communaute_agglomeration", "commune"),
    "tier": ("region_departement", "intercommunal", "commune"),
    "size_band": ("<100k", "100k-500k", ">=500k"),
    "political_bloc": ("left", "centre_other", "right"),
    "region_group": ("Île-de-France", "Bassin parisien", "Nord", "Est", "Ouest", "Sud-Ouest", "Centre-Est",
                     "Méditerranée", "Outre-mer"),
}
"""Default order of the categories of :data:`WEIGHTING_VARIABLES` for collapsing small weighting classes.

A failing class is merged with the next category in this order (the previous
one for the last): the types from the upper tiers down, the communautés
urbaines and the métropole next to the communautés d'agglomération (the
intercommunal tier); population bands by size; the political blocs from left
to right; the ZEAT in INSEE's order. A wave's ``weighting.collapse.order``
replaces the order of a variable.
"""

VARIABLE_LABELS = {"type_group": "type of authority", "size_band": "population band",
                   "political_bloc": "political bloc of the executive", "region_group": "région group (ZEAT)",
                   "tier": "tier of local government"}
"""How tables and prose name each of :data:`WEIGHTING_VARIABLES`."""

CALIBRATED = ("poststratification", "raking", "linear", "logit")
"""The calibrated weighting methods (built by :mod:`helpers.steps.adjustment`).

With the cell adjustment, the methods the bootstrap can redo, hence the choices
of a wave's ``weighting.primary``.
"""
