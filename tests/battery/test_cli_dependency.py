import pandas as pd

from valuechain.cli import run


def test_dependency_cli_writes_csv_and_png(tmp_path, capsys):
    csv, png = tmp_path / "eu.csv", tmp_path / "eu.png"
    code = run(["dependency", "toy-battery", "--region", "EU27", "--csv", str(csv), "--png", str(png)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Dependency of EU27" in out
    assert "Embedded origin of the cell_nmc" in out
    d = pd.read_csv(csv)
    shares = d[(d["commodity"] == "cell_nmc") & (d["view"] == "direct") & (d["metric"] == "share")]
    assert dict(zip(shares["origin"], shares["value"], strict=True)) == {"EU27": 0.5, "CN": 0.5}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dependency_cli_global_network(capsys):
    assert run(["dependency", "global-li-ion-2024", "--region", "EU27", "--embedded", "cam_nmc"]) == 0
    out = capsys.readouterr().out
    for com in ("lithium_carbonate", "lithium_hydroxide", "cam_nmc", "anode_synthetic", "cell_nmc", "cell_lfp"):
        assert com in out


def test_dependency_cli_bad_input_is_one_line(capsys, tmp_path):
    assert run(["dependency", "toy-battery", "--region", "EU28"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown region or group 'EU28'")
    assert "\n" not in err
    assert run(["dependency", "toy-battery", "--embedded", "cell_lfp"]) == 1
    assert "'--embedded' option" in capsys.readouterr().err
    assert run(["dependency", "toy-battery", "--csv", str(tmp_path / "missing" / "x.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err
