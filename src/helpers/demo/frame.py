"""The synthetic sampling frame of the demo waves: places, populations, nuances.

About 513 units with the real 2012 structure: 27 régions, 101 départements
(real names and codes), 15 communautés urbaines and the métropole, 202
communautés d'agglomération, 123 communes of 50,000+ (41 over 100,000) and 45
préfectures under 50,000 (Mamoudzou, population unknown, among them).
Populations are log-normal draws pinned to the published minimum, median and
maximum of each type; political nuances follow the published counts by type,
units not found in the register being "unknown". Communes and groupings carry
synthetic names. A frame built from official files can be read instead
(:func:`read_frame_csv`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.demo.model import DEFAULT_SEED, stream
from helpers.frame.reader import FRAME_COLUMNS, read_frame, sort_units
from helpers.vocabulary import political_group

# --- frame structure (public facts, 2012) --------------------------------------------
# (insee code, name, approximate population in thousands: only its rank is used)
REGIONS = (
    ("42", "Alsace", 1850), ("72", "Aquitaine", 3250), ("83", "Auvergne", 1350),
    ("25", "Basse-Normandie", 1470), ("26", "Bourgogne", 1640), ("53", "Bretagne", 3200),
    ("24", "Centre", 2550), ("21", "Champagne-Ardenne", 1340), ("94", "Corse", 310),
    ("43", "Franche-Comté", 1170), ("23", "Haute-Normandie", 1830), ("11", "Île-de-France", 11800),
    ("91", "Languedoc-Roussillon", 2640), ("74", "Limousin", 740), ("41", "Lorraine", 2350),
    ("73", "Midi-Pyrénées", 2880), ("31", "Nord-Pas-de-Calais", 4040), ("52", "Pays de la Loire", 3570),
    ("22", "Picardie", 1910), ("54", "Poitou-Charentes", 1770),
    ("93", "Provence-Alpes-Côte d'Azur", 4900), ("82", "Rhône-Alpes", 6230),
    ("01", "Guadeloupe", 400), ("02", "Martinique", 395), ("03", "Guyane", 225),
    ("04", "La Réunion", 820), ("06", "Mayotte", 210),
)
# (code, name, région code, approximate population in thousands)
DEPARTEMENTS = (
    ("01", "Ain", "82", 600), ("02", "Aisne", "22", 540), ("03", "Allier", "83", 340),
    ("04", "Alpes-de-Haute-Provence", "93", 160), ("05", "Hautes-Alpes", "93", 135),
    ("06", "Alpes-Maritimes", "93", 1080), ("07", "Ardèche", "82", 315), ("08", "Ardennes", "21", 283),
    ("09", "Ariège", "73", 152), ("10", "Aube", "21", 303), ("11", "Aude", "91", 353),
    ("12", "Aveyron", "73", 276), ("13", "Bouches-du-Rhône", "93", 1970), ("14", "Calvados", "25", 680),
    ("15", "Cantal", "83", 148), ("16", "Charente", "54", 352), ("17", "Charente-Maritime", "54", 625),
    ("18", "Cher", "24", 312), ("19", "Corrèze", "74", 243), ("2A", "Corse-du-Sud", "94", 143),
    ("2B", "Haute-Corse", "94", 168), ("21", "Côte-d'Or", "26", 525), ("22", "Côtes-d'Armor", "53", 590),
    ("23", "Creuse", "74", 123), ("24", "Dordogne", "72", 415), ("25", "Doubs", "43", 530),
    ("26", "Drôme", "82", 485), ("27", "Eure", "23", 585), ("28", "Eure-et-Loir", "24", 430),
    ("29", "Finistère", "53", 895), ("30", "Gard", "91", 705), ("31", "Haute-Garonne", "73", 1245),
    ("32", "Gers", "73", 188), ("33", "Gironde", "72", 1450), ("34", "Hérault", "91", 1040),
    ("35", "Ille-et-Vilaine", "53", 990), ("36", "Indre", "24", 231), ("37", "Indre-et-Loire", "24", 595),
    ("38", "Isère", "82", 1210), ("39", "Jura", "43", 261), ("40", "Landes", "72", 385),
    ("41", "Loir-et-Cher", "24", 331), ("42", "Loire", "82", 750), ("43", "Haute-Loire", "83", 224),
    ("44", "Loire-Atlantique", "52", 1290), ("45", "Loiret", "24", 660), ("46", "Lot", "73", 174),
    ("47", "Lot-et-Garonne", "72", 332), ("48", "Lozère", "91", 77), ("49", "Maine-et-Loire", "52", 790),
    ("50", "Manche", "25", 499), ("51", "Marne", "21", 566), ("52", "Haute-Marne", "21", 185),
    ("53", "Mayenne", "52", 307), ("54", "Meurthe-et-Moselle", "41", 732), ("55", "Meuse", "41", 194),
    ("56", "Morbihan", "53", 730), ("57", "Moselle", "41", 1045), ("58", "Nièvre", "26", 220),
    ("59", "Nord", "31", 2570), ("60", "Oise", "22", 805), ("61", "Orne", "25", 292),
    ("62", "Pas-de-Calais", "31", 1460), ("63", "Puy-de-Dôme", "83", 630),
    ("64", "Pyrénées-Atlantiques", "72", 650), ("65", "Hautes-Pyrénées", "73", 229),
    ("66", "Pyrénées-Orientales", "91", 450), ("67", "Bas-Rhin", "42", 1100), ("68", "Haut-Rhin", "42", 750),
    ("69", "Rhône", "82", 1720), ("70", "Haute-Saône", "43", 240), ("71", "Saône-et-Loire", "26", 555),
    ("72", "Sarthe", "52", 565), ("73", "Savoie", "82", 415), ("74", "Haute-Savoie", "82", 740),
    ("75", "Paris", "11", 2210), ("76", "Seine-Maritime", "23", 1250), ("77", "Seine-et-Marne", "11", 1340),
    ("78", "Yvelines", "11", 1410), ("79", "Deux-Sèvres", "54", 368), ("80", "Somme", "22", 570),
    ("81", "Tarn", "73", 375), ("82", "Tarn-et-Garonne", "73", 240), ("83", "Var", "93", 1010),
    ("84", "Vaucluse", "93", 545), ("85", "Vendée", "52", 640), ("86", "Vienne", "54", 430),
    ("87", "Haute-Vienne", "74", 375), ("88", "Vosges", "41", 380), ("89", "Yonne", "26", 342),
    ("90", "Territoire de Belfort", "43", 143), ("91", "Essonne", "11", 1215),
    ("92", "Hauts-de-Seine", "11", 1580), ("93", "Seine-Saint-Denis", "11", 1520),
    ("94", "Val-de-Marne", "11", 1330), ("95", "Val-d'Oise", "11", 1170),
    ("971", "Guadeloupe", "01", 405), ("972", "Martinique", "02", 395), ("973", "Guyane", "03", 230),
    ("974", "La Réunion", "04", 825), ("976", "Mayotte", "06", 210),
)
N_COMMUNES_50K, N_COMMUNES_100K, N_SMALL_PREFECTURES = 123, 41, 44
# Population knots per type: (rank, value) pinned after sorting; median pinned by the middle
# rank (or the middle pair for even counts), min and max by the ends. Published 2012 values.
POPULATION_KNOTS = {
    "region": (27, 224_469, 1_842_221, 11_709_222),
    "departement": (101, 77_164, 557_177, 2_571_936),
    "communaute_urbaine": (15, 48_702, 256_966, 1_281_971),
    "communaute_agglomeration": (202, 27_971, 85_054, 486_519),
    "commune_50k": (N_COMMUNES_50K, 50_021, 74_707, 2_214_962),
    "prefecture_small": (N_SMALL_PREFECTURES, 8_461, 30_118, 49_975),
}
METROPOLE = ("Métropole Nice Côte d'Azur", "93", 530_016, "UMP")
MAMOUDZOU = ("97611", "Mamoudzou")
# Nuance counts by type (Répertoire national des élus, October 2012); "" = not found. Codes are the
# register's, grouped by helpers.vocabulary (M-NC: Nouveau Centre, on the right; MODM: MoDem, centre).
NUANCES = {
    "region": {"SOC": 17, "DVG": 5, "UMP": 2, "": 3},
    "departement": {"SOC": 43, "UMP": 27, "DVD": 7, "DVG": 6, "M-NC": 3, "RDG": 2, "PRG": 2,
                    "DIV": 1, "MODM": 1, "": 9},
    "communaute_urbaine": {"SOC": 12, "UMP": 2, "M-NC": 1},
    "communaute_agglomeration": {"SOC": 74, "UMP": 58, "DVD": 17, "DVG": 12, "COM": 10, "M-NC": 6,
                                 "DIV": 5, "PRG": 3, "MODM": 2, "VEC": 1, "REG": 1, "RDG": 1, "": 12},
    "commune_50k": {"SOC": 54, "UMP": 34, "COM": 9, "DVG": 6, "DVD": 4, "M-NC": 2, "PRG": 2,
                    "VEC": 1, "MODM": 1, "": 10},
    "prefecture_small": {"SOC": 18, "UMP": 14, "DVD": 4, "DVG": 3, "COM": 2, "M-NC": 1, "PRG": 1, "": 2},
}

# --- synthetic vocabularies -----------------------------------------------------------
ROOTS = ("Beaulieu", "Montfort", "Villeneuve", "Rochefort", "Clairvaux", "Fontenay", "Beaumont",
         "Châtillon", "Ferrières", "Blanquefort", "Hérouville", "Mérinville", "Pézenac", "Lavaur",
         "Montbrison", "Bellerive", "Champfleury", "Vauréal", "Évrecy", "Écouflant", "Gréville",
         "Aubérive", "Rosières", "Chênevières", "Brévannes", "Condé", "Fréjus", "Mâcon-Neuf",
         "Pontcharra", "Vitré", "Courbevoix", "Alençay", "Orléac", "Thionval", "Besançay",
         "Ambérieu", "Épinac", "Sérignan", "Draguillan", "Quimperlé", "Lannévez", "Morlaise",
         "Auxerrois", "Nogent", "Gisors", "Yvré", "Dreux-Vallée", "Sablé", "Créteuil", "Vénissac")
SAINTS = ("Saint-Martin", "Saint-Étienne", "Saint-Laurent", "Saint-André", "Saint-Germain",
          "Saint-Maur", "Saint-Quentin", "Saint-Brieuc", "Saint-Nazaire", "Saint-Médard",
          "Saint-Hilaire", "Saint-Priest", "Saint-Chamond", "Saint-Dizier", "Saint-Malo",
          "Saint-Raphaël", "Saint-Benoît", "Saint-Cyr", "Saint-Genis", "Saint-Jérôme",
          "Sainte-Geneviève", "Sainte-Marie", "Sainte-Foy", "Sainte-Luce", "Sainte-Anne")
ARTICLED = ("Le Plessis", "Le Chesnay", "Le Pré", "Le Mée", "La Roche", "La Garenne", "La Chapelle",
            "La Tremblade", "Les Sables", "Les Mureaux", "L'Isle", "L'Haÿ", "L'Étang", "L'Orée",
            "Les Pavillons", "La Ferté")
SUFFIXES = ("-sur-Loire", "-sur-Seine", "-sur-Marne", "-sur-Rhône", "-sur-Garonne", "-sur-Oise",
            "-sur-Saône", "-sur-Isère", "-sur-Yon", "-lès-Bains", "-lès-Nancy", "-en-Vallée",
            "-en-Brie", "-le-Grand", "-le-Vieux", "-d'Olonne", "-d'Azur", "-d'Ascq", "-d'Armor",
            "-des-Fossés", "-de-la-Réunion", "-du-Var")


def _pinned_populations(rng: np.random.Generator, n: int, low: int, median: int, high: int,
                        knots: tuple[tuple[int, int], ...] = ()) -> np.ndarray:
    """Sorted log-normal-ish draws whose min, median and max are exactly the given values.

    Sorted standard normal draws are mapped piecewise linearly (in log scale) through
    knots (rank, value); extra ``knots`` pin further order statistics.
    """
    z = np.sort(rng.standard_normal(n))
    if n % 2:
        middle = [((n - 1) // 2, median)]
    else:  # the median is the mean of the middle pair
        gap = max(1, round(median * 0.004))
        middle = [(n // 2 - 1, median - gap), (n // 2, median + gap)]
    points = sorted([(0, low), *middle, *knots, (n - 1, high)])
    log_pop = np.empty(n)
    for (r0, v0), (r1, v1) in zip(points[:-1], points[1:]):
        share = (z[r0:r1 + 1] - z[r0]) / (z[r1] - z[r0])
        log_pop[r0:r1 + 1] = np.log(v0) + share * (np.log(v1) - np.log(v0))
    pop = np.round(np.exp(log_pop)).astype(np.int64)
    for rank, value in points:
        pop[rank] = value
    return pop


def luhn_id(rng: np.random.Generator, prefix: str, used: set[str]) -> str:
    """A 9-digit SIREN-like identifier with a valid Luhn check digit, unique in ``used``.

    Parameters
    ----------
    rng
        The stream to draw the digits from.
    prefix
        The identifier's first digits (2 for collectivités, as real SIRENs).
    used
        Identifiers already taken; the new one is added to it.

    Returns
    -------
    str
    """
    while True:
        body = prefix + "".join(rng.choice(list("0123456789"), 8 - len(prefix)))
        total = 0
        for position, digit in enumerate(reversed(body)):
            value = int(digit) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        candidate = body + str((10 - total % 10) % 10)
        if candidate not in used:
            used.add(candidate)
            return candidate


def _place_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct synthetic French place names (accents, hyphens, apostrophes, Saint-)."""
    names: list[str] = []
    while len(names) < n:
        pattern = rng.integers(4)
        if pattern == 0:
            name = str(rng.choice(ROOTS))
        elif pattern == 1:
            name = str(rng.choice(ROOTS)) + str(rng.choice(SUFFIXES))
        elif pattern == 2:
            name = str(rng.choice(SAINTS)) + (str(rng.choice(SUFFIXES)) if rng.random() < 0.5 else "")
        else:
            name = str(rng.choice(ARTICLED)) + str(rng.choice(SUFFIXES))
        if name not in names:
            names.append(name)
    return names


def french_of(name: str) -> str:
    """The name after the French "de": "de Lyon", "d'Évreux", "du Plessis", "des Sables".

    Parameters
    ----------
    name
        A place name.

    Returns
    -------
    str
        ``name`` with its contracted or elided article.
    """
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    if name.startswith("La ") or name.startswith("L'"):
        return "de " + name
    if unicodedata.normalize("NFD", name[0])[0] in "AEIOUYH":
        return "d'" + name
    return "de " + name


def _nuances(rng: np.random.Generator, counts: dict[str, int]) -> list[str]:
    pool = [nuance for nuance, count in counts.items() for _ in range(count)]
    return list(rng.permutation(pool))


def _departement_table() -> pd.DataFrame:
    table = pd.DataFrame(DEPARTEMENTS, columns=["code", "name", "region_code", "approx"])
    regions = {code: name for code, name, _ in REGIONS}
    table["region"] = table["region_code"].map(regions)
    return table


def _by_rank(values: np.ndarray, approx: pd.Series) -> np.ndarray:
    """Assign sorted ``values`` to units in the order of their approximate size."""
    order = np.argsort(np.argsort(approx.to_numpy(), kind="stable"), kind="stable")
    return np.sort(values)[order]


def _region_rows(rng: np.random.Generator, used: set[str]) -> list[dict]:
    n, low, median, high = POPULATION_KNOTS["region"]
    table = pd.DataFrame(REGIONS, columns=["code", "name", "approx"])
    pops = _by_rank(_pinned_populations(rng, n, low, median, high), table["approx"])
    nuances = _nuances(rng, NUANCES["region"])
    return [dict(unit_id=luhn_id(rng, "23", used), insee_code=row.code, name=row.name, type="region",
                 prefecture=0, region=row.name, region_code=row.code, population=int(pop), nuance=nu)
            for row, pop, nu in zip(table.itertuples(), pops, nuances)]


def _departement_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame) -> list[dict]:
    n, low, median, high = POPULATION_KNOTS["departement"]
    pops = _by_rank(_pinned_populations(rng, n, low, median, high), deps["approx"])
    nuances = _nuances(rng, NUANCES["departement"])
    return [dict(unit_id=luhn_id(rng, "22", used), insee_code=row.code, name=row.name, type="departement",
                 prefecture=0, region=row.region, region_code=row.region_code, population=int(pop),
                 nuance=nu)
            for row, pop, nu in zip(deps.itertuples(), pops, nuances)]


def _pick_departements(rng: np.random.Generator, deps: pd.DataFrame, n: int) -> pd.DataFrame:
    """Départements of ``n`` seats, drawn with probability proportional to population."""
    weights = deps["approx"].to_numpy(float)
    return deps.iloc[rng.choice(len(deps), n, p=weights / weights.sum())]


def _grouping_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame,
                   places: list[str]) -> list[dict]:
    rows = []
    name, dep_region, pop, nuance = METROPOLE
    region = deps.loc[deps["region_code"] == dep_region, "region"].iloc[0]
    rows.append(dict(unit_id=luhn_id(rng, "200", used), insee_code="", name=name, type="metropole",
                     prefecture=0, region=region, region_code=dep_region, population=pop, nuance=nuance))
    for kind, prefix, forms in (
        ("communaute_urbaine", "24", ("Communauté urbaine {of}", "Communauté urbaine du Grand {name}")),
        ("communaute_agglomeration", "24", ("Communauté d'agglomération {of}",
                                            "Communauté d'agglomération du Pays {of}",
                                            "Communauté d'agglomération des Rives {of}")),
    ):
        n, low, median, high = POPULATION_KNOTS[kind]
        pops = rng.permutation(_pinned_populations(rng, n, low, median, high))
        seats = _pick_departements(rng, deps, n)
        nuances = _nuances(rng, NUANCES[kind])
        for k in range(n):
            place = places.pop()
            form = str(rng.choice(forms)) if " " not in place else forms[0]
            seat = seats.iloc[k]
            rows.append(dict(unit_id=luhn_id(rng, prefix, used), insee_code="",
                             name=form.format(of=french_of(place), name=place), type=kind, prefecture=0,
                             region=seat["region"], region_code=seat["region_code"],
                             population=int(pops[k]), nuance=nuances[k]))
    return rows


def _commune_code(rng: np.random.Generator, dep: str, used: set[str]) -> str:
    while True:
        digits = 2 if len(dep) == 3 else 3
        code = dep + str(rng.integers(1, 10 ** digits)).zfill(digits)
        if code not in used:
            used.add(code)
            return code


def _commune_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame,
                  places: list[str]) -> list[dict]:
    n_big, low, median, high = POPULATION_KNOTS["commune_50k"]
    big = rng.permutation(_pinned_populations(
        rng, n_big, low, median, high,
        knots=((n_big - N_COMMUNES_100K - 1, 98_700), (n_big - N_COMMUNES_100K, 101_300))))
    n_small, low, median, high = POPULATION_KNOTS["prefecture_small"]
    small = rng.permutation(_pinned_populations(rng, n_small, low, median, high))

    # One préfecture per département: Paris and Mamoudzou are fixed, the others drawn.
    others = deps[~deps["code"].isin(["75", "976"])]
    n_big_prefectures = len(deps) - n_small - 1
    weights = others["approx"].to_numpy(float)
    chosen = rng.choice(len(others), n_big_prefectures - 1, replace=False, p=weights / weights.sum())
    big_pref = pd.concat([deps[deps["code"] == "75"], others.iloc[np.sort(chosen)]])
    small_pref = others.drop(others.index[chosen])
    big_other = _pick_departements(rng, deps, n_big - len(big_pref))
    big_deps = pd.concat([big_pref, big_other])
    big[[0, int(np.argmax(big))]] = big[[int(np.argmax(big)), 0]]  # Paris is the largest commune

    nuance_big = _nuances(rng, NUANCES["commune_50k"])
    nuance_small = _nuances(rng, NUANCES["prefecture_small"])
    codes: set[str] = set()
    rows = []
    for k, dep in enumerate(big_deps.itertuples()):
        rows.append(dict(insee_code=_commune_code(rng, dep.code, codes), name=places.pop(),
                         prefecture=int(k < len(big_pref)), region=dep.region,
                         region_code=dep.region_code, population=int(big[k]), nuance=nuance_big[k]))
    for k, dep in enumerate(small_pref.itertuples()):
        rows.append(dict(insee_code=_commune_code(rng, dep.code, codes), name=places.pop(),
                         prefecture=1, region=dep.region, region_code=dep.region_code,
                         population=int(small[k]), nuance=nuance_small[k]))
    mayotte = deps[deps["code"] == "976"].iloc[0]
    rows.append(dict(insee_code=MAMOUDZOU[0], name=MAMOUDZOU[1], prefecture=1, region=mayotte["region"],
                     region_code=mayotte["region_code"], population=None,
                     nuance=str(rng.choice(["DVD", "DVG", ""]))))
    # A homonym in another département: name matching must use more than the name.
    rows[-2]["name"] = rows[1]["name"]
    rows[0].update(name="Paris", insee_code="75056")
    for row in rows:
        dep = row["insee_code"][:3] if row["insee_code"].startswith("97") else row["insee_code"][:2]
        row.update(unit_id=luhn_id(rng, "21" + dep.replace("A", "0").replace("B", "0")[:2], used),
                   type="commune")
    return rows


def synthetic_frame(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The synthetic 2012 sampling frame (without invitation outcomes).

    Parameters
    ----------
    seed
        Seed of the frame stream.

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns :data:`helpers.frame.reader.FRAME_COLUMNS` minus
        ``invitation``, sorted by :func:`helpers.frame.reader.sort_units`.
    """
    rng = stream(seed, 1)
    deps = _departement_table()
    used: set[str] = set()
    places = _place_names(rng, 202 + 15 + N_COMMUNES_50K + N_SMALL_PREFECTURES)
    rows = (_region_rows(rng, used) + _departement_rows(rng, used, deps)
            + _grouping_rows(rng, used, deps, places) + _commune_rows(rng, used, deps, places))
    frame = pd.DataFrame(rows)
    frame["population"] = frame["population"].astype("Int64")
    frame["political_group"] = frame["nuance"].map(political_group)
    return sort_units(frame)


def read_frame_csv(path: str | Path) -> pd.DataFrame:
    """Read a frame in the frame format (e.g. built from the official files) to generate a wave over.

    Parameters
    ----------
    path
        A frame file, validated by :func:`helpers.frame.reader.read_frame`;
        ``invitation`` may be absent or blank, in which case
        :func:`helpers.demo.wave.generate_wave` draws it.

    Returns
    -------
    pandas.DataFrame
        The columns :data:`helpers.frame.reader.FRAME_COLUMNS`, ``prefecture`` as
        0/1, sorted by :func:`helpers.frame.reader.sort_units`.

    Raises
    ------
    InputError
        As :func:`helpers.frame.reader.read_frame`.
    """
    frame = read_frame(path, invitation_required=False).reset_index()
    return sort_units(frame[list(FRAME_COLUMNS)].astype({"prefecture": "int64"}))
