"""Malformed inputs through the command line: one line, exit status 1, never a traceback.

Each case breaks one thing in a copy of ``networks/toy-battery`` (one cell, one column, one file),
in a risk-register file, or in a command-line option, runs the real CLI, and checks that the
error is one line that names the file (and the row, field or key where there is one) and says
what was expected.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from valuechain.cli import run

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "networks" / "toy-battery"


# ----------------------------------------------------------------------------- building broken inputs
def _table(net: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(net / f"{table}.csv", dtype=str, keep_default_na=False)


def _save(net: Path, table: str, df: pd.DataFrame) -> None:
    df.to_csv(net / f"{table}.csv", index=False)


def set_cell(table: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    """Put ``value`` in data row ``row`` (0-based) of ``field`` (the column is added if missing)."""

    def edit(net: Path) -> None:
        df = _table(net, table)
        if field not in df.columns:
            df[field] = ""
        df.loc[row, field] = value
        _save(net, table, df)

    return edit


def drop_column(table: str, field: str) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        _save(net, table, _table(net, table).drop(columns=field))

    return edit


def rename_column(table: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        _save(net, table, _table(net, table).rename(columns={old: new}))

    return edit


def copy_row(table: str, row: int, **changes: str) -> Callable[[Path], None]:
    """Append a copy of data row ``row`` with ``changes`` (a duplicate when there are none)."""

    def edit(net: Path) -> None:
        df = _table(net, table)
        extra = df.iloc[[row]].copy()
        for k, v in changes.items():
            extra[k] = v
        _save(net, table, pd.concat([df, extra], ignore_index=True))

    return edit


def header_only(*tables: str) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        for t in tables:
            _save(net, t, _table(net, t).iloc[0:0])

    return edit


def replace_text(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        path = net / file
        text = path.read_text("utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), "utf-8")

    return edit


def write_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        (net / file).write_bytes(data)

    return edit


def latin1(file: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace ``old`` by ``new`` and save the file in Latin-1 (so it is not UTF-8)."""

    def edit(net: Path) -> None:
        path = net / file
        text = path.read_text("utf-8").replace(old, new, 1)
        path.write_bytes(text.encode("latin-1"))

    return edit


def remove(file: str) -> Callable[[Path], None]:
    def edit(net: Path) -> None:
        (net / file).unlink()

    return edit


@dataclass(frozen=True)
class Case:
    """A broken input: what to break, the command to run on it, and words the error must hold."""

    id: str
    prepare: Callable[[Path], list[str]]
    words: tuple[str, ...]


def network_case(
    id: str, edit: Callable[[Path], None], *words: str, command: tuple[str, ...] = ("networks", "check")
) -> Case:
    def prepare(tmp: Path) -> list[str]:
        net = tmp / "toy-battery"
        shutil.copytree(TOY, net)
        edit(net)
        return [*command, str(net)]

    return Case(id, prepare, words)


FINITE = "expected a finite number >= 0"
UNLIMITED = "expected a finite number >= 0 or empty for unlimited"

NETWORK_CASES: list[Case] = [
    # missing required columns
    network_case("processes-missing-region", drop_column("processes", "region"),
                 "processes.csv", "missing required column 'region'"),
    network_case("recipes-missing-coefficient", drop_column("recipes", "coefficient"),
                 "recipes.csv", "missing required column 'coefficient'"),
    network_case("demand-missing-quantity", drop_column("demand", "quantity"),
                 "demand.csv", "missing required column 'quantity'"),
    network_case("hubs-missing-commodity", drop_column("hubs", "commodity"),
                 "hubs.csv", "missing required column 'commodity'"),
    network_case("routes-missing-origin", drop_column("routes", "origin"),
                 "routes.csv", "missing required column 'origin'"),
    network_case("commodities-missing-unit", drop_column("commodities", "unit"),
                 "commodities.csv", "missing required column 'unit'"),
    # unknown columns
    network_case("processes-unknown-column", rename_column("processes", "capacity", "capacty"),
                 "processes.csv", "unknown column 'capacty'", "expected columns of processes"),
    network_case("routes-unknown-column", set_cell("routes", 0, "speed", "3"),
                 "routes.csv", "unknown column 'speed'", "expected columns of routes"),
    network_case("markets-unknown-column", set_cell("markets", 0, "currency", "EUR"),
                 "markets.csv", "unknown column 'currency'", "expected columns of markets"),
    network_case("expansions-unknown-column", rename_column("expansions", "capex", "capital"),
                 "expansions.csv", "unknown column 'capital'", "expected columns of expansions"),
    # wrong types and choices
    network_case("processes-capacity-text", set_cell("processes", 0, "capacity", "lots"),
                 "processes.csv", "row 1", "field 'capacity'", UNLIMITED, "'lots'"),
    network_case("routes-lead-time-text", set_cell("routes", 1, "lead_time", "two"),
                 "routes.csv", "row 2", "field 'lead_time'", FINITE, "'two'"),
    network_case("expansions-capex-comma", set_cell("expansions", 0, "capex", "1,000"),
                 "expansions.csv", "row 1", "field 'capex'", FINITE, "'1,000'"),
    network_case("sources-year-text", set_cell("sources", 0, "year", "twenty"),
                 "sources.csv", "row 1", "field 'year'", "expected a whole number"),
    network_case("markets-tier-fraction", set_cell("markets", 0, "tier", "1.5"),
                 "markets.csv", "row 1", "field 'tier'", "expected a whole number >= 1"),
    network_case("commodities-stage-typo", set_cell("commodities", 2, "stage", "minning"),
                 "commodities.csv", "row 3", "field 'stage'", "expected one of mining"),
    network_case("recipes-kind-unknown", set_cell("recipes", 3, "kind", "produce"),
                 "recipes.csv", "row 4", "field 'kind'", "expected one of input, output"),
    # negative where not allowed
    network_case("processes-capacity-negative", set_cell("processes", 6, "capacity", "-1200"),
                 "processes.csv", "row 7", "field 'capacity'", UNLIMITED, "'-1200'"),
    network_case("routes-cost-negative", set_cell("routes", 0, "cost", "-5"),
                 "routes.csv", "row 1", "field 'cost'", FINITE),
    network_case("hubs-stock-negative", set_cell("hubs", 3, "initial_stock", "-3"),
                 "hubs.csv", "row 4", "field 'initial_stock'", FINITE),
    network_case("demand-quantity-negative", set_cell("demand", 1, "quantity", "-10"),
                 "demand.csv", "row 2", "field 'quantity'", FINITE),
    network_case("recipes-coefficient-negative", set_cell("recipes", 1, "coefficient", "-1"),
                 "recipes.csv", "row 2", "field 'coefficient'", FINITE),
    network_case("expansions-max-size-negative", set_cell("expansions", 1, "max_size", "-1"),
                 "expansions.csv", "row 2", "field 'max_size'", UNLIMITED),
    network_case("demand-growth-below-minus-one", set_cell("demand", 0, "growth", "-1.5"),
                 "demand.csv", "row 1", "field 'growth'", "expected a finite number >= -1"),
    # non-finite numbers
    network_case("processes-capacity-inf", set_cell("processes", 3, "capacity", "inf"),
                 "processes.csv", "row 4 (line 5, id 'cn-aam'), field 'capacity'", UNLIMITED, "got 'inf'"),
    network_case("processes-capacity-nan", set_cell("processes", 3, "capacity", "NaN"),
                 "processes.csv", "row 4", "field 'capacity'", UNLIMITED, "got 'NaN'"),
    network_case("processes-capacity-1e309", set_cell("processes", 3, "capacity", "1e309"),
                 "processes.csv", "row 4", "field 'capacity'", UNLIMITED, "got '1e309'"),
    network_case("recipes-coefficient-inf", set_cell("recipes", 2, "coefficient", "inf"),
                 "recipes.csv", "row 3", "field 'coefficient'", FINITE, "got 'inf'"),
    network_case("demand-quantity-inf", set_cell("demand", 0, "quantity", "inf"),
                 "demand.csv", "row 1", "field 'quantity'", FINITE, "got 'inf'"),
    network_case("demand-quantity-nan", set_cell("demand", 1, "quantity", "nan"),
                 "demand.csv", "row 2", "field 'quantity'", FINITE, "got 'nan'"),
    network_case("routes-cost-1e309", set_cell("routes", 2, "cost", "1e309"),
                 "routes.csv", "row 3", "field 'cost'", FINITE, "got '1e309'"),
    network_case("processes-variable-cost-inf", set_cell("processes", 0, "variable_cost", "inf"),
                 "processes.csv", "row 1", "field 'variable_cost'", FINITE),
    network_case("hubs-stock-capacity-nan", set_cell("hubs", 0, "stock_capacity", "nan"),
                 "hubs.csv", "row 1", "field 'stock_capacity'", UNLIMITED),
    network_case("markets-price-inf", set_cell("markets", 0, "price", "inf"),
                 "markets.csv", "row 1", "field 'price'", FINITE),
    network_case("expansions-fixed-cost-nan", set_cell("expansions", 2, "fixed_cost", "NaN"),
                 "expansions.csv", "row 3", "field 'fixed_cost'", FINITE),
    network_case("routes-capacity-minus-inf", set_cell("routes", 0, "capacity", "-inf"),
                 "routes.csv", "row 1", "field 'capacity'", UNLIMITED),
    network_case("demand-value-lost-inf", set_cell("demand", 0, "value_of_lost_demand", "Infinity"),
                 "demand.csv", "row 1", "field 'value_of_lost_demand'", FINITE),
    # empty required fields
    network_case("demand-quantity-empty", set_cell("demand", 1, "quantity", ""),
                 "demand.csv", "row 2", "field 'quantity'", FINITE),
    network_case("processes-region-empty", set_cell("processes", 4, "region", ""),
                 "processes.csv", "row 5", "field 'region'", "expected a value"),
    network_case("recipes-commodity-empty", set_cell("recipes", 0, "commodity", ""),
                 "recipes.csv", "row 1", "field 'commodity'", "expected a value"),
    network_case("commodities-unit-empty", set_cell("commodities", 1, "unit", ""),
                 "commodities.csv", "row 2", "field 'unit'", "expected a value"),
    network_case("sources-title-empty", set_cell("sources", 0, "title", ""),
                 "sources.csv", "row 1", "field 'title'", "expected a value"),
    # duplicate keys
    network_case("processes-duplicate-id", copy_row("processes", 2),
                 "processes.csv", "row 13", "field 'id'", "duplicate id 'cn-graphite-mine'", "expected unique"),
    network_case("routes-duplicate-id", copy_row("routes", 0),
                 "routes.csv", "field 'id'", "duplicate id 'au-cn-lithium-ore'", "expected unique"),
    network_case("hubs-duplicate", copy_row("hubs", 1, initial_stock="5"),
                 "hubs.csv", "field 'region'", "duplicate region/commodity", "expected unique"),
    network_case("recipes-duplicate", copy_row("recipes", 1),
                 "recipes.csv", "field 'process'", "duplicate process/commodity/kind", "expected unique"),
    network_case("demand-duplicate", copy_row("demand", 0, quantity="5"),
                 "demand.csv", "row 3", "duplicate region/commodity", "expected unique"),
    # unknown references
    network_case("processes-unknown-region", set_cell("processes", 1, "region", "XX"),
                 "processes.csv", "row 2", "field 'region'", "unknown region 'XX'", "expected an id from regions"),
    network_case("recipes-unknown-process", set_cell("recipes", 0, "process", "nope"),
                 "recipes.csv", "row 1", "field 'process'", "unknown", "'nope'", "expected an id from processes"),
    network_case("recipes-unknown-commodity", set_cell("recipes", 0, "commodity", "unobtainium"),
                 "recipes.csv", "row 1", "field 'commodity'", "unknown commodity 'unobtainium'", "expected an id"),
    network_case("routes-unknown-destination", set_cell("routes", 1, "destination", "XX"),
                 "routes.csv", "row 2", "field 'destination'", "unknown region 'XX'", "expected an id"),
    network_case("demand-no-hub", set_cell("demand", 0, "commodity", "eol_batteries"),
                 "demand.csv", "row 1", "field 'commodity'", "no hub for commodity 'eol_batteries' in region 'CN'",
                 "expected a row (CN, eol_batteries) in hubs"),
    network_case("hubs-unknown-commodity", set_cell("hubs", 0, "commodity", "gold"),
                 "hubs.csv", "row 1", "field 'commodity'", "unknown commodity 'gold'", "expected an id"),
    network_case("processes-unknown-source", set_cell("processes", 0, "source", "nosuch"),
                 "processes.csv", "row 1", "field 'source'", "unknown source 'nosuch'", "expected an id"),
    network_case("routes-origin-without-hub", set_cell("routes", 2, "origin", "AU"),
                 "routes.csv", "row 3", "field 'origin'", "has no hub in region 'AU'", "expected a row"),
    # encodings, files and network.yaml
    network_case("processes-not-utf8", latin1("processes.csv", "Spodumene mines", "Spodum\u00e8ne mines"),
                 "processes.csv", "not UTF-8", "line 2", "expected UTF-8"),
    network_case("yaml-not-utf8", latin1("network.yaml", "A three-region", "A thr\u00e9e-region"),
                 "network.yaml", "not UTF-8", "expected UTF-8"),
    network_case("yaml-syntax-error", replace_text("network.yaml", "period: year", "period: [year"),
                 "network.yaml", "YAML syntax error at line", "column"),
    network_case("yaml-not-a-mapping", write_bytes("network.yaml", b"- name\n- year\n"),
                 "network.yaml", "expected a mapping with keys name"),
    network_case("yaml-unknown-period", replace_text("network.yaml", "period: year", "period: fortnight"),
                 "network.yaml", "period", "unknown period 'fortnight'", "expected one of month, quarter, year"),
    network_case("yaml-unknown-key", replace_text("network.yaml", "period: year", "periods: year"),
                 "network.yaml", "field 'periods'", "unknown key 'periods'", "expected keys"),
    network_case("yaml-year-text", replace_text("network.yaml", "year: 2024", "year: soon"),
                 "network.yaml", "field 'year'", "expected a whole year"),
    network_case("missing-table-file", remove("routes.csv"), "routes.csv", "missing file", "expected it to exist"),
    network_case("csv-row-too-long", replace_text("demand.csv", "DE,cell_nmc,200,", "DE,cell_nmc,200,1,"),
                 "demand.csv", "row 2", "expected 6 fields as in the header, got 7"),
    network_case("csv-empty-file", write_bytes("processes.csv", b""),
                 "processes.csv", "the file is empty", "expected a header row"),
    # empty networks
    network_case("empty-network-check", header_only("processes", "recipes", "routes", "demand", "markets",
                                                    "expansions"),
                 "processes.csv", "the network is empty", "expected at least one process or one demand row"),
    network_case("empty-network-simulate",
                 header_only("processes", "recipes", "routes", "demand", "markets", "expansions"),
                 "processes.csv", "the network is empty", command=("simulate",)),
    network_case("no-processes-simulate", header_only("processes", "recipes", "routes", "markets", "expansions"),
                 "processes.csv", "has no processes", "expected at least one", command=("simulate",)),
    network_case("no-processes-criticality",
                 header_only("processes", "recipes", "routes", "markets", "expansions"),
                 "processes.csv", "has no processes", "expected at least one", command=("criticality",)),
    network_case("no-commodities", header_only("commodities"),
                 "commodities.csv", "the network is empty", "expected at least one commodity"),
]  # fmt: skip


# ----------------------------------------------------------------------------- risk registers
GOOD_REGISTER = {
    "id": "cn-graphite",
    "exporter": "CN",
    "commodities": "anode_natural",
    "probability": "0.5",
    "severity": "uniform(0.5, 1)",
    "duration": "6",
}


def register_case(id: str, name: str, content: bytes | Callable[[], bytes], *words: str) -> Case:
    def prepare(tmp: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(content() if callable(content) else content)
        return ["scale", "simulate", "toy-battery", "--n", "10", "--register", str(path)]

    return Case(id, prepare, (name, *words))


def register_csv(**changes: str) -> Callable[[], bytes]:
    def make() -> bytes:
        row = {**GOOD_REGISTER, **changes}
        return pd.DataFrame([row]).to_csv(index=False).encode("utf-8")

    return make


REGISTER_CASES: list[Case] = [
    register_case("register-probability-empty", "reg.csv", register_csv(probability=""),
                  "row 1", "field 'probability'", "missing value", "expected a value"),
    register_case("register-probability-above-one", "reg.csv", register_csv(probability="1.5"),
                  "row 1", "field 'probability'", "expected a number in [0, 1]", "'1.5'"),
    register_case("register-probability-nan", "reg.csv", register_csv(probability="nan"),
                  "row 1", "field 'probability'", "expected a number in [0, 1]"),
    register_case("register-severity-inf", "reg.csv", register_csv(severity="inf"),
                  "row 1", "field 'severity'", "expected a number in [0, 1]"),
    register_case("register-duration-1e309", "reg.csv", register_csv(duration="1e309"),
                  "row 1", "field 'duration'", "expected months > 0"),
    register_case("register-duration-zero", "reg.csv", register_csv(duration="0"),
                  "row 1", "field 'duration'", "expected months > 0"),
    register_case("register-start-bad", "reg.csv", register_csv(start="soon"),
                  "row 1", "field 'start'", "expected 'uniform'"),
    register_case("register-unknown-field", "reg.csv", register_csv(severty="1"),
                  "row 1", "field 'severty'", "unknown field; expected"),
    register_case(
        "register-duplicate-id", "reg.csv",
        lambda: pd.DataFrame([GOOD_REGISTER, GOOD_REGISTER]).to_csv(index=False).encode("utf-8"),
        "row 2", "field 'id'", "expected unique ids",
    ),
    register_case("register-yaml-syntax", "reg.yaml", b"rows:\n  - id: a\n    exporter: [CN\n",
                  "reg.yaml:4:1", "not valid YAML"),
    register_case("register-yaml-not-a-list", "reg.yaml", b"id: a\nexporter: CN\n",
                  "expected a list of rows"),
    register_case("register-yaml-row-not-mapping", "reg.yaml", b"- just text\n",
                  "row 1", "expected a mapping of fields"),
    register_case("register-not-utf8", "reg.csv",
                  lambda: register_csv(basis="r\u00e9sum\u00e9")().decode("utf-8").encode("latin-1"),
                  "not UTF-8", "expected UTF-8"),
    register_case("register-header-only", "reg.csv", b"id,exporter,commodities,probability,severity,duration\n",
                  "has no rows", "expected at least one"),
    register_case("register-empty-file", "reg.csv", b"", "not a readable CSV file"),
]  # fmt: skip


def missing_register(tmp: Path) -> list[str]:
    return ["scale", "simulate", "toy-battery", "--n", "10", "--register", str(tmp / "nowhere.csv")]


REGISTER_CASES.append(Case("register-missing-file", missing_register, ("nowhere.csv", "no such file", "expected")))


# ----------------------------------------------------------------------------- command-line options
def cli_case(id: str, args: list[str], *words: str) -> Case:
    def prepare(tmp: Path) -> list[str]:
        return [a.replace("{tmp}", str(tmp)) for a in args]

    return Case(id, prepare, words)


def out_is_a_file(tmp: Path) -> list[str]:
    (tmp / "taken").write_text("a file\n", "utf-8")
    return ["simulate", "toy-battery", "--periods", "3", "--out", str(tmp / "taken")]


CLI_CASES: list[Case] = [
    cli_case("seed-not-a-number", ["simulate", "toy-battery", "--seed", "abc"], "'--seed'", "valid integer"),
    cli_case("seed-negative", ["simulate", "toy-battery", "--samples", "3", "--seed", "-1"],
             "--seed must be an integer >= 0", "Got -1"),
    cli_case("samples-zero", ["simulate", "toy-battery", "--samples", "0"], "--samples must be an integer >= 1"),
    cli_case("samples-negative", ["simulate", "toy-battery", "--samples", "-3"],
             "--samples must be an integer >= 1"),
    cli_case("samples-huge", ["simulate", "toy-battery", "--samples", "1000000000000"],
             "--samples 1,000,000,000,000", "GiB of memory", "is available", "expected fewer"),
    cli_case("periods-huge", ["simulate", "toy-battery", "--periods", "100000000"],
             "--periods 100,000,000", "GiB of memory", "is available", "expected fewer"),
    cli_case("periods-zero", ["simulate", "toy-battery", "--periods", "0"], "--periods must be an integer >= 1"),
    cli_case("criticality-periods-huge", ["criticality", "toy-battery", "--periods", "1000000000"],
             "criticality --periods 1,000,000,000", "GiB of memory"),
    cli_case("criticality-top-zero", ["criticality", "toy-battery", "--top", "0"], "--top must be an integer >= 1"),
    cli_case("workers-zero", ["simulate", "toy-battery", "--samples", "5", "--workers", "0"],
             "--workers must be an integer >= 1"),
    cli_case("mode-unknown", ["simulate", "toy-battery", "--mode", "fast"], "--mode must be one of"),
    cli_case("format-unknown", ["simulate", "toy-battery", "--format", "xls"], "--format must be one of"),
    cli_case("unknown-option", ["simulate", "toy-battery", "--sample", "3"], "No such option: --sample"),
    Case("out-is-a-file", out_is_a_file, ("--out", "taken", "it is a file", "expected a folder")),
    cli_case("out-under-a-file", ["solve", str(ROOT / "models" / "toy-transport.yaml"), "--out",
                                  str(TOY / "network.yaml" / "plan")],
             "--out", "network.yaml is a file", "expected a folder"),
    cli_case("out-is-the-current-folder", ["simulate", "toy-battery", "--out", "."],
             "--out .", "it is the current folder", "expected a folder of its own"),
    cli_case("csv-into-missing-folder", ["dependency", "toy-battery", "--csv", "{tmp}/missing/x.csv"],
             "--csv", "missing", "does not exist", "expected an existing folder"),
    cli_case("unknown-network", ["simulate", "toy-batery"], "no network named 'toy-batery'", "expected a folder",
             "toy-battery"),
    cli_case("unknown-network-folder", ["networks", "check", "{tmp}"], "network.yaml", "missing file",
             "expected a network folder"),
    cli_case("dependency-unknown-region", ["dependency", "toy-battery", "--region", "XX"],
             "unknown region or group 'XX'", "expected"),
    cli_case("missing-study", ["solve", "{tmp}/nope.yaml"], "nope.yaml", "no such study spec"),
    cli_case("missing-argument", ["networks", "show"], "Missing argument 'network'"),
]  # fmt: skip

CASES = NETWORK_CASES + REGISTER_CASES + CLI_CASES


def test_the_matrix_is_large_and_distinct() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_malformed_input_is_one_line(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = case.prepare(tmp_path)
    code = run(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert code == 1, captured.err
    err = captured.err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: "), err
    for word in case.words:
        assert word in err, f"{word!r} not in {err!r}"
