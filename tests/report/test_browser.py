"""The report in a real browser: headless Chromium through Selenium and the system chromedriver.

The report of the default study (quick settings) is opened at 1280 px: no console errors, every
chart drawn, nothing wider than the window, no e-notation, ids or paths in the visible text, and
an A4 print of it. Full-page and per-section screenshots are saved (the folder is printed) to
be looked at. Skipped only when Chromium is not installed outside CI; in CI (``CI=true``), where
``.ci/run`` installs it, a missing browser fails.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from valuechain.report.render import SECTIONS, render
from valuechain.report.run import ReportRun, collect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WIDTH = 1280
A4_PX = 794  # an A4 page's width at 96 dpi
# out/ (ignored by git), not report/: `valuechain run` replaces report/ whole and refuses a folder
# holding files it did not write
SHOTS = Path(os.environ.get("VALUECHAIN_SCREENSHOTS", ROOT / "out" / "screenshots"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def _have_browser() -> bool:
    return Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()


if not _have_browser():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: Chromium or chromedriver missing ({CHROMIUM}, {CHROMEDRIVER}); .ci/run installs them")
    pytest.skip(
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager, should it run, downloads nothing
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")


@pytest.fixture(scope="module")
def run() -> ReportRun:
    return collect(None, quick=True)


@pytest.fixture(scope="module")
def page(run: ReportRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(run, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.add_argument(f"--window-size={WIDTH},1000")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)  # the system driver: nothing downloaded
    try:
        yield drv
    finally:
        drv.quit()


_READY = """
const plots = document.querySelectorAll('.js-plotly-plot');
return document.readyState === 'complete' && Array.from(plots).every(p => p.querySelector('svg.main-svg'))
  && Array.from(document.images).every(i => i.complete);
"""


@pytest.fixture(scope="module")
def loaded(driver: Any, page: Path) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(WIDTH, 1000)
    driver.get(page.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(_READY))
    return driver


def test_no_console_errors(loaded: Any) -> None:
    logs = loaded.get_log("browser")
    errors = [entry for entry in logs if entry["level"] == "SEVERE"]
    assert errors == [], errors


def test_every_chart_is_drawn(loaded: Any) -> None:
    imgs = loaded.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => [i.alt, i.naturalWidth, i.naturalHeight])"
    )
    assert len(imgs) == 5, imgs  # origin shares, outlook, price of resilience, shortfall, criticality
    for alt, w, h in imgs:
        assert w > 300, alt
        assert h > 150, alt
    sankeys = loaded.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => "
        "[p.querySelectorAll('.sankey-node').length, p.querySelectorAll('.sankey-link').length, "
        "p.getBoundingClientRect().width, p.getBoundingClientRect().height])"
    )
    assert len(sankeys) == 2, sankeys  # today and under the plan
    for nodes, links, w, h in sankeys:
        assert 10 <= nodes <= 40  # legible: at most about 40 nodes
        assert links >= nodes - 1
        assert w >= 900
        assert h >= 500


def test_nothing_is_wider_than_the_window(loaded: Any) -> None:
    scroll = loaded.execute_script("return document.documentElement.scrollWidth")
    inner = loaded.execute_script("return window.innerWidth")
    assert scroll <= WIDTH, (scroll, inner)
    assert scroll <= inner, (scroll, inner)
    wide = loaded.execute_script(
        "return Array.from(document.querySelectorAll('table')).filter(t => t.getBoundingClientRect().right > "
        "document.body.getBoundingClientRect().right + 1).map(t => t.previousElementSibling ? "
        "t.previousElementSibling.textContent : '')"
    )
    assert wide == [], f"tables wider than the page: {wide}"


def test_visible_text_has_no_e_notation_ids_or_paths(loaded: Any, run: ReportRun) -> None:
    text = loaded.execute_script("return document.body.innerText")
    for heading in SECTIONS:
        assert heading in text
    assert re.search(r"\d\.?\d*e[+-]\d", text) is None, re.search(r".{40}\d\.?\d*e[+-]\d.{20}", text)
    assert not re.search(r"\btarget_year\b|\b\d,\d{3}\.0\b|probability 100", text)
    assert re.search(r"\b2,0[23]\d\b", text) is None  # years are never written with a separator
    words = set(re.findall(r"\b\w+_\w+\b", text))
    assert words == set(), words  # ids have underscores; names do not
    net = run.network
    ids = [p for p in net.processes.index if "-" in p or "_" in p] + [c for c in net.commodities.index if "_" in c]
    found = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert found == [], found
    assert re.search(r"/work/|/home/|/tmp/|/usr/|[A-Za-z]:\\|\.ya?ml\b|\.py\b", text) is None
    assert str(ROOT) not in text


def test_sources_are_collapsed_by_default(loaded: Any) -> None:
    details = loaded.execute_script(
        "return Array.from(document.querySelectorAll('details')).map(d => [d.open, d.querySelector('summary')"
        ".textContent])"
    )
    assert len(details) >= 3
    assert all(not is_open for is_open, _ in details)
    # closed, the sources take a line each; opened, they would fill much of the page
    closed = loaded.execute_script(
        "return Array.from(document.querySelectorAll('details')).reduce((h, d) => h + d.offsetHeight, 0)"
    )
    page = loaded.execute_script("return document.documentElement.scrollHeight")
    loaded.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    opened = loaded.execute_script(
        "return Array.from(document.querySelectorAll('details')).reduce((h, d) => h + d.offsetHeight, 0)"
    )
    loaded.execute_script("document.querySelectorAll('details').forEach(d => d.open = false)")
    assert closed < 0.05 * page, (closed, page)
    assert opened > 5 * closed, (opened, closed)


def test_prints_on_a4(loaded: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    pdf = loaded.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True},
    )
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 5 <= pages <= 60, pages
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report-a4.pdf").write_bytes(data)
    # in print, the collapsed sources open and nothing is wider than an A4 page (794 px at 96 dpi)
    loaded.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    loaded.set_window_size(A4_PX, 1000)
    try:
        loaded.execute_script(
            "window.dispatchEvent(new Event('beforeprint')); window.dispatchEvent(new Event('resize'))"
        )
        WebDriverWait(loaded, 20).until(
            lambda d: d.execute_script("return document.documentElement.scrollWidth") <= A4_PX
        )
        opened = loaded.execute_script("return Array.from(document.querySelectorAll('details')).every(d => d.open)")
        assert opened
        height = int(loaded.execute_script("return document.documentElement.scrollHeight"))
        shot = loaded.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": A4_PX, "height": height, "scale": 1}},
        )
        (SHOTS / "report-print-a4.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        loaded.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        loaded.execute_script("document.querySelectorAll('details').forEach(d => d.open = false)")
        loaded.set_window_size(WIDTH, 1000)
        loaded.execute_script("window.dispatchEvent(new Event('resize'))")


def test_a_commodity_chosen_in_the_menu_is_drawn(loaded: Any, run: ReportRun) -> None:
    """Showing one commodity's view (what the menu does) draws its own nodes."""
    labels = loaded.execute_script(
        "const p = document.querySelector('.js-plotly-plot');"
        "const n = p.data.length; const k = p.data.findIndex((t, i) => i > 0 && "
        "t.node.label.some(l => l.startsWith('Electrolyte · ')));"
        "Plotly.restyle(p, {visible: p.data.map((_, i) => i === k)});"
        "const out = Array.from(p.querySelectorAll('.sankey-node')).map(e => e.textContent);"
        "Plotly.restyle(p, {visible: p.data.map((_, i) => i === 0)});"
        "return [k, n, out];"
    )
    k, n, nodes = labels
    assert 0 < k < n
    assert any(text.startswith("Electrolyte · ") for text in nodes), nodes
    assert any(text.startswith("Cell · ") for text in nodes), nodes  # electrolyte goes into cells


def test_screenshots(loaded: Any) -> None:
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    height = int(loaded.execute_script("return document.documentElement.scrollHeight"))
    shot = loaded.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}},
    )
    png = base64.b64decode(shot["data"])
    (SHOTS / "report-full.png").write_bytes(png)
    full = Image.open(io.BytesIO(png))
    assert full.size[0] == WIDTH
    assert full.size[1] >= height - 2
    tops = loaded.execute_script(
        "return Array.from(document.querySelectorAll('h2')).map(h => [h.id, h.getBoundingClientRect().top + "
        "window.scrollY])"
    )
    tops.append(["end", height])
    for k, (slug, top) in enumerate(tops[:-1], start=1):
        bottom = tops[k][1]
        part = full.crop((0, int(top) - 10, WIDTH, int(min(bottom, top + 4000))))
        part.save(SHOTS / f"{k:02d}-{slug}.png")
    print(f"\nscreenshots in {SHOTS}")
    assert len(list(SHOTS.glob("*.png"))) >= len(SECTIONS) + 1
