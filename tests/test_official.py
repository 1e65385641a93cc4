"""Readers of the official files, on small fixtures written in the original download formats."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.frame import official

from officialfiles import RNE_DEPARTEMENT_COUNCIL_HEADER, RNE_EPCI_MEMBER_HEADER, RNE_MAYOR_HEADER, write_lines


def mayor_row(dep: str, code: str, name: str, population: str, last: str, start: str, end: str,
              nuance: str, *, function_end: str | None = None) -> str:
    fields = [dep, "DEP", code, name, population, last, "Jean", "1/1/1950", "M", "01", "x", "Conseiller Municipal",
              start, end, "FM", "Maire", start, function_end if function_end is not None else end, "FM", nuance,
              "1" + code]
    return "\t".join(fields)


def test_rne_mayors_read_from_windows_1252_tab_file_with_title_and_decimal_commas(tmp_path):
    path = write_lines(tmp_path / "rne_maires.txt", [
        "Titre du rapport",
        "\t".join(RNE_MAYOR_HEADER),
        mayor_row("01", "004", "Ambérieu-en-Bugey", "13 839,00", "EXPOSITO", "16/3/2008", "22/3/2014", "SOC"),
        mayor_row("1", "5", "Ambérieux-en-Dombes", "1600", "RAVOIRE", "9/3/2008", "22/3/2014", "DVD"),
        mayor_row("2A", "004", "Ajaccio", "65 153,00", "RENUCCI", "9/3/2008", "22/3/2014", "DVG"),
        mayor_row("ZM", "511", "Mamoudzou", "57 281,00", "ABDOU", "9/3/2008", "22/3/2014", "UMP"),
        mayor_row("ZA", "101", "Les Abymes", "59 311,00", "EUSTACHE", "9/3/2008", "22/3/2014", "DVG"),
        mayor_row("01", "185", "Hauteville-Lompnes", "3 971,00", "PIQUET", "9/3/2008", "17/7/2013", "SOC",
                  function_end="17/7/0013"),
        "01\tAIN\t999\tTronquée",
        mayor_row("QQ", "001", "Nulle part", "1,00", "X", "9/3/2008", "22/3/2014", "SOC"),
    ], encoding="cp1252", newline="\r\n")

    table = official.read_rne_mayors(path)

    assert (table.encoding, table.separator, table.header_line) == ("cp1252", "\t", 2)
    data = table.data.set_index("insee_code")
    assert list(data.index) == ["01004", "01005", "2A004", "97611", "97101", "01185"]
    assert data.at["01004", "commune_name"] == "Ambérieu-en-Bugey"
    assert data.at["01004", "rne_population"] == 13839
    assert data.at["01004", "line"] == 3
    assert data.at["01004", "start"] == pd.Timestamp(2008, 3, 16)
    # The unreadable function end falls back on the mandate end.
    assert data.at["01185", "end"] == pd.Timestamp(2013, 7, 17)
    problems = {(issue.line, issue.column, issue.value): issue.problem for issue in table.issues}
    assert (8, "Date de fin de la fonction", "17/7/0013") in problems
    assert any(line == 9 and "fields" in problem for (line, _, _), problem in problems.items())
    assert (10, "Code du département (Maire)", "QQ") in problems
    assert all(issue.path == path for issue in table.issues)


def test_population_files_utf8_bom_semicolons_pad_codes_and_map_overseas_departements(tmp_path):
    metro = write_lines(tmp_path / "insee_population_metropole.csv", [
        "\ufeffDEPCOM;REG;DEP;DEPARR;DEPPCT;LIBMIN;PMUN13;PMUN08",
        "7121;82;07;071;0701;Saint-Étienne-de-Lugdarès;500;480",
        "2A004;94;2A;2A1;2A01;Ajaccio;67507;65153",
        "ABC;82;01;011;0101;Mauvais code;1;1",
        "75056;11;75;;75;Paris;2 229 621;2211297",
        "75056;11;75;;75;Paris;2229621;2211297",
        "69123;82;01;;69;Lyon;500715;474946,5",
    ], newline="\r\n")
    dom = write_lines(tmp_path / "insee_population_dom.csv", [
        "DEPCOM;REG;ZE94;DEP;ARR;CAN;LIBMIN;PMUN13;PMUN08;PSDC99",
        "97101;01;971;01;2;93;Les Abymes;57960;59270;63054",
        "97411;04;974;974;1;01;Saint-Denis;142442;144238;131557",
    ])

    table = official.read_population(metro)
    overseas = official.read_population(dom)

    assert table.encoding == "utf-8-sig"
    data = table.data.set_index("insee_code")
    assert list(data.index) == ["07121", "2A004", "75056", "69123"]
    assert data.at["07121", "dep_code"] == "07"
    assert data.at["2A004", "dep_code"] == "2A"
    assert data.at["75056", "pop_2013"] == 2229621
    assert pd.isna(data.at["69123", "pop_2008"])
    assert official.population_vintages(table.data) == [2008, 2013]
    problems = {(issue.line, issue.value): issue.problem for issue in table.issues}
    assert "not an INSEE commune code" in problems[(4, "ABC")]
    assert "earlier line" in problems[(6, "75056")]
    assert "département does not match" in problems[(7, "01")]
    assert "not a whole number" in problems[(7, "474946,5")]
    assert overseas.data.set_index("insee_code")["dep_code"].to_dict() == {"97101": "971", "97411": "974"}
    assert overseas.issues == []


def test_geohisto_comma_file_keeps_units_valid_on_the_date_and_dated_references(tmp_path):
    path = write_lines(tmp_path / "departements.csv", [
        "id,insee_code,start_datetime,end_datetime,name,successors,ancestors,chef_lieu,parents",
        "fr:departement:20@1860-07-01,20,1860-07-01 00:00:00,1975-12-31 23:59:59,Corse,,,"
        "fr:commune:20004@1942-01-01,fr:region:94@1970-01-09",
        "fr:departement:2A@1976-01-01,2A,1976-01-01 00:00:00,9999-12-31 23:59:59,Corse-du-Sud,,,"
        "fr:commune:20004@1942-01-01;fr:commune:2A004@1976-01-01,fr:region:94@1970-01-09",
        "fr:departement:08@1860-07-01,08,1860-07-01 00:00:00,9999-12-31 23:59:59,Ardennes,,,"
        "fr:commune:08290@1942-01-01;fr:commune:08105@1966-10-01,"
        "fr:region:21@1970-01-09;fr:region:44@2016-01-01",
        "fr:departement:99@1860-07-01,99,someday,9999-12-31 23:59:59,Nulle part,,,,",
    ], newline="\r\n")

    table = official.read_departements(path, date(2012, 1, 1))

    data = table.data.set_index("code")
    assert table.separator == ","
    assert list(data.index) == ["2A", "08"]
    assert data.at["2A", "chef_lieu"] == "2A004"
    assert data.at["08", "chef_lieu"] == "08105"
    assert data.at["08", "parent_region"] == "21"
    assert [(issue.line, issue.column) for issue in table.issues] == [(5, "start_datetime")]
    assert official.read_departements(path, date(2016, 6, 1)).data.set_index("code").at["08", "parent_region"] == "44"


def test_dgcl_list_normalises_natures_and_reports_bad_rows(tmp_path):
    path = write_lines(tmp_path / "dgcl_epci_2012.csv", [
        "siren;nom;nature;fiscalite;nb_com;ptot;pmun;insee;nom_com;ptot_com;pmun_com",
        "200030195;Métropole Nice Côte d'Azur;Métropole;FPU;2;536378;530016;6088;Nice;348721;340735",
        "200030195;Métropole Nice Côte d'Azur;Métropole;FPU;2;536378;530016;06004;Antibes;1;189281",
        "24510061;CA Tronquée;CA;FPU;1;10;10;51454;Reims;10;10",
        "245100615;CA Reims Métropole;CA;FPU;1;10;10;51454;Reims;10;10",
        "245100616;Syndicat;SIVU;FA;1;10;10;51454;Reims;10;10",
    ])

    table = official.read_epci(path)

    assert table.data["nature"].tolist() == ["MET", "MET", "CA", "SIVU"]
    assert table.data["insee_code"].iloc[0] == "06088"
    assert table.data["member_population"].iloc[0] == 340735
    problems = {(issue.line, issue.column): issue.problem for issue in table.issues}
    assert "SIREN" in problems[(4, "siren")]
    assert "unknown nature" in problems[(6, "nature")]


def test_rne_epci_presidents_effective_dates_and_functions(tmp_path):
    def row(siren: str, last: str, mandate: tuple[str, str], function: str, dates: tuple[str, str]) -> str:
        return "\t".join(["44", "44", "109", "Nantes", siren, "CU NANTES", last, "Jean", "M", "1/1/1950", "01", "x",
                          *mandate, "FM", function, *dates, "FM", "SOC", last])

    path = write_lines(tmp_path / "rne_membres_epci.txt", [
        "Titre du rapport",
        "\t".join(RNE_EPCI_MEMBER_HEADER),
        row("244400404", "AYRAULT", ("20/4/2001", "6/7/2012"), "Président", ("20/4/2001", "22/3/2014")),
        row("244400404", "RETIERE", ("6/7/2012", "22/3/2014"), "Président", ("6/7/2012", "")),
        row("244400404", "ADJOINT", ("6/7/2012", "22/3/2014"), "Vice-président d'EPCI", ("6/7/2012", "")),
        row("244400404", "MEMBRE", ("6/7/2012", "22/3/2014"), "", ("", "")),
    ], newline="\r\n")

    data = official.read_rne_epci_presidents(path).data.set_index("last_name")

    assert list(data.index) == ["AYRAULT", "RETIERE"]
    assert data.at["AYRAULT", "end"] == pd.Timestamp(2012, 7, 6)
    assert data.at["RETIERE", "end"] == pd.Timestamp(2014, 3, 22)


def test_rne_departement_presidents_map_overseas_letter_codes(tmp_path):
    row = ["ZM", "MAYOTTE", "ZAIDANI", "Daniel", "M", "01", "X", "DVG", "Président du conseil général", "1", "x",
           "1/1/1960", "9", "27/3/2011", "3/4/2011", "Conseiller", "1/4/2015", "FM", "1/4/2015", "FM"]
    path = write_lines(tmp_path / "rne_conseillers_generaux.txt",
                       ["Titre du rapport", "\t".join(RNE_DEPARTEMENT_COUNCIL_HEADER), "\t".join(row)],
                       encoding="cp1252")

    data = official.read_rne_departement_presidents(path).data

    assert data["dep_code"].tolist() == ["976"]
    assert data["nuance"].tolist() == ["DVG"]


def test_value_parsers():
    numbers = official.parse_numbers(pd.Series(["780,00", "13 839,00", "13\u00a0839", "1.234,5", "12.5", "", "n/a"]))
    assert numbers.iloc[:5].tolist() == [780.0, 13839.0, 13839.0, 1234.5, 12.5]
    assert numbers.iloc[5:].isna().all()
    dates = official.parse_dates(pd.Series(["1/4/2015", "09/03/2008", "31/2/2012", "17/7/0013", ""]))
    assert dates.iloc[:2].tolist() == [pd.Timestamp(2015, 4, 1), pd.Timestamp(2008, 3, 9)]
    assert dates.iloc[2:].isna().all()
    codes = official.normalize_commune_codes(pd.Series(["7121", "2a004", "75056", "101"]))
    assert codes.tolist() == ["07121", "2A004", "75056", "00101"]
    assert official.departement_of(pd.Series(["97611", "2B033", "01053"])).tolist() == ["976", "2B", "01"]
    assert official.reference_on("fr:commune:20004@1942-01-01;fr:commune:2A004@1976-01-01", date(1970, 1, 1)) \
        == "20004"


def test_file_without_expected_header_is_an_input_error(tmp_path):
    path = write_lines(tmp_path / "insee_population_metropole.csv", ["Titre", "CODE;NOM;POP", "01001;A;1"])
    with pytest.raises(InputError, match="no header line") as error:
        official.read_population(path)
    assert error.value.path == path


def test_population_file_without_vintage_is_an_input_error(tmp_path):
    path = write_lines(tmp_path / "insee_population_metropole.csv", ["DEPCOM;REG;DEP;LIBMIN", "01001;82;01;A"])
    with pytest.raises(InputError, match="PMUNyy") as error:
        official.read_population(path)
    assert error.value.row == 1


def test_undecodable_bytes_are_an_input_error_with_the_line(tmp_path):
    path = tmp_path / "regions.csv"
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8.
    path.write_bytes(b"id,insee_code\r\nfr:region:11,11\r\nbad \x81 byte,00\r\n")
    with pytest.raises(InputError, match="cannot decode") as error:
        official.read_regions(path, date(2012, 1, 1))
    assert error.value.row == 3


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        official.read_epci(tmp_path / "absent.csv")
