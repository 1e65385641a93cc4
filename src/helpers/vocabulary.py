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
                   "tier": "tier of local government", "type": "type of authority",
                   "political_group": "political group of the executive", "log_population": "population (log)",
                   "disposition": "final disposition", "method": "weighting method"}
"""How tables, figures and prose name each of :data:`WEIGHTING_VARIABLES` and the other frame variables and codes
they show."""

CALIBRATED = ("poststratification", "raking", "linear", "logit")
"""The calibrated weighting methods (built by :mod:`helpers.steps.adjustment`).

With the cell adjustment, the methods the bootstrap can redo, hence the choices
of a wave's ``weighting.primary``.
"""

# --- display labels -------------------------------------------------------------------------------------------
# What figures and tables show a reader for each code. Data files, results.json and CSV columns keep the codes.

UNIT_TYPE_LABELS = {"region": "Régions", "departement": "Départements", "metropole": "Métropole",
                    "communaute_urbaine": "Urban communities", "communaute_agglomeration": "Agglomeration communities",
                    "commune": "Communes"}
"""English label of each of :data:`UNIT_TYPES` (French administrative names kept where English has none)."""

TYPE_GROUP_LABELS = {"region": "Régions", "departement": "Départements",
                     "cu_metropole": "Urban communities and métropole",
                     "communaute_agglomeration": "Agglomeration communities", "commune": "Communes"}
"""English label of each type group of :data:`TYPE_GROUPS` (also the English report's)."""

TIER_LABELS = {"region_departement": "Régions and départements", "intercommunal": "Intercommunal groupings",
               "commune": "Communes"}
"""English label of each tier of :data:`TIERS`."""

DISPOSITION_LABELS = {"complete": "Complete answers", "partial": "Partial answers",
                      "refusal": "Refusals and break-offs", "non_contact": "Invitation not delivered",
                      "other": "Other non-response", "unknown_eligibility": "No reply (eligibility unknown)",
                      "ineligible": "Out of scope"}
"""English label of each final disposition (the labels of :data:`helpers.survey.aapor.DISPOSITIONS`; also the
English report's)."""

SIZE_BAND_LABELS = {"<100k": "Under 100,000 inhabitants", "100k-500k": "100,000 to 499,999 inhabitants",
                    ">=500k": "500,000 inhabitants or more"}
"""English label of each population band (:data:`helpers.steps.auxvars.SIZE_BANDS`)."""

POLITICAL_GROUP_LABELS = {"left": "Left", "right": "Right", "centre": "Centre", "other": "Other",
                          "unknown": "Unknown"}
"""English label of each of :data:`POLITICAL_GROUPS`."""

POLITICAL_BLOC_LABELS = {"left": "Left", "right": "Right", "centre_other": "Centre, other or unknown"}
"""English label of each political bloc (:data:`helpers.steps.auxvars.POLITICAL_BLOCS`)."""

REGION_GROUP_LABELS = {group: group for group in COLLAPSE_ORDER["region_group"]}
"""Label of each région group: the ZEAT's own names."""

METHOD_LABELS = {"unweighted": "Unweighted", "cell": "Weighting-class adjustment",
                 "poststratification": "Post-stratification", "raking": "Raking", "linear": "Linear calibration",
                 "logit": "Logit calibration", "propensity": "Response propensity",
                 "trimmed": "Primary method, trimmed"}
"""English label of each weighting method (:data:`helpers.steps.adjustment.METHODS`)."""

MISSING_REASON_LABELS = {"not_asked": "Not asked (routed past)", "not_answered": "Not answered",
                         "dont_know": "Don't know", "not_applicable": "Not applicable", "invalid": "Invalid answer"}
"""The reasons the cleaning gives for a missing answer (``<question>__missing``; empty: answered), in words."""

CLEANING_STEP_LABELS = {"submissions_read": "Submissions read", "test_submissions_dropped": "Test submissions dropped",
                        "unmatched_dropped": "Not linked to a frame unit (dropped)",
                        "duplicates_dropped": "Duplicates dropped", "submissions_retained": "Submissions retained"}
"""The cleaning's counts of submissions step by step (its summary's ``steps``), in words."""

LINKAGE_LABELS = {"identifier": "By identifier (SIREN)", "name": "By name and type",
                  "name_fuzzy": "By approximate name and type"}
"""How the cleaning linked a submission to its frame unit (its summary's ``linkage``), in words."""

DISPLAY_LABELS: dict[str, dict[str, str]] = {
    "type": UNIT_TYPE_LABELS, "type_group": TYPE_GROUP_LABELS, "tier": TIER_LABELS,
    "disposition": DISPOSITION_LABELS, "size_band": SIZE_BAND_LABELS, "political_group": POLITICAL_GROUP_LABELS,
    "political_bloc": POLITICAL_BLOC_LABELS, "region_group": REGION_GROUP_LABELS, "method": METHOD_LABELS,
    "missing_reason": MISSING_REASON_LABELS, "cleaning_step": CLEANING_STEP_LABELS, "linkage": LINKAGE_LABELS,
}
"""Variable -> code -> English label: the one vocabulary of the step notebooks' figures and tables."""


def display_label(variable: str, code: object) -> str:
    """English label of one code of a variable of :data:`DISPLAY_LABELS`.

    Parameters
    ----------
    variable
        A key of :data:`DISPLAY_LABELS` (``type_group``, ``disposition``...).
    code
        The code as data files hold it.

    Returns
    -------
    str
        Its label; the code itself (as text) when the vocabulary has none (a category of a real wave that the
        vocabulary does not know is shown as delivered rather than hidden).
    """
    return DISPLAY_LABELS[variable].get(str(code), str(code))
