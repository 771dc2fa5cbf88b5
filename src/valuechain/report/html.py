"""A self-contained HTML report: text, tables, matplotlib PNGs and interactive plotly figures.

Matplotlib figures are written as PNG files beside the report and embedded in it (base64), so the
HTML file stands alone; plotly figures are embedded with plotly.js included once.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Report"]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1d2733;line-height:1.5;font-size:16px}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;border-bottom:1px solid #d5dbe3;padding-bottom:.2em;
margin-top:2.2em}h3{font-size:1.05em;margin:1.4em 0 .4em}.sub{color:#5b6775}
figure{margin:1em 0;max-width:100%}figcaption{color:#5b6775;font-size:.9em}img{max-width:100%;height:auto}
.tbl{max-width:100%;overflow-x:auto}table{border-collapse:collapse;font-size:.88em;margin:.5em 0}
th,td{border-bottom:1px solid #e3e7ec;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}
.note{color:#5b6775;font-size:.88em}
pre{background:#f3f5f8;padding:.6em;font-size:.8em;overflow-x:auto}.warn{color:#a33;font-weight:600}
.summary{background:#f6f8fb;border-left:4px solid #4c72b0;padding:.6em 1.2em;margin:1em 0}
.summary li{margin:.45em 0}details{margin:.6em 0}summary{cursor:pointer;color:#234;font-weight:600}
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;margin:0;padding:0;font-size:10.5pt}
h2{break-after:avoid;page-break-after:avoid}h3{break-after:avoid}
figure,table,tr,.summary li{break-inside:avoid;page-break-inside:avoid}
.tbl{overflow:visible}table{font-size:8.5pt}
details>summary{list-style:none}details>summary::-webkit-details-marker{display:none}
.js-plotly-plot .modebar,.updatemenu-container{display:none!important}
.noprint{display:none}
}
"""
#: Opens every collapsed section before printing, so the printout holds them all.
_PRINT_JS = (
    "window.addEventListener('beforeprint',function(){"
    "document.querySelectorAll('details').forEach(function(d){d.open=true;});});"
)


#: A cell that reads as a number: an amount, a share, a quantity with its unit, or a dash.
_NUMERIC = re.compile(r"^(?:[−\-<>≤≥~]?\s?[$€£]?\d[\d,.]*(?:\s?(?:bn|m|kt|Mt|t|GWh|Mm²|%|s|months?)\b.*)?%?|–)$")


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _cls(numeric: bool) -> str:
    return ' class="n"' if numeric else ""


def _inline(text: str) -> str:
    """Escape text, keeping ``**bold**``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


@dataclass
class Report:
    """Collects sections and writes them as one HTML file plus PNGs.

    Parameters
    ----------
    title
        Title of the report.
    subtitle
        A line under the title (e.g. the study and network).

    Examples
    --------
    >>> import pandas as pd
    >>> r = Report("Demo")
    >>> r.add_text("Two plants ship to three markets.")
    >>> r.add_table(pd.DataFrame({"cost": [1.5]}, index=["a"]), "Costs")
    >>> "<table" in r.to_html()
    True
    """

    title: str
    subtitle: str = ""
    _parts: list[str] = field(default_factory=list, repr=False)
    _pngs: dict[str, bytes] = field(default_factory=dict, repr=False)
    _plotly: bool = field(default=False, repr=False)

    def add_heading(self, text: str) -> None:
        """Start a new section."""
        self._parts.append(f'<h2 id="{_slug(text)}">{html.escape(text)}</h2>')

    def add_text(self, text: str, *, note: bool = False, warn: bool = False) -> None:
        """Add paragraphs (separated by blank lines); text is escaped, ``**bold**`` is kept.

        ``note`` sets them in small grey type; ``warn`` in bold red (for what did not run).
        """
        for para in str(text).strip().split("\n\n"):
            body = _inline(para.strip().replace("\n", " "))
            cls = ' class="warn"' if warn else (' class="note"' if note else "")
            self._parts.append(f"<p{cls}>{body}</p>")

    def add_list(self, items: list[str], *, box: bool = False) -> None:
        """Add a bulleted list; items are escaped, ``**bold**`` is kept; ``box`` sets it in a shaded box."""
        lis = "".join(f"<li>{_inline(item)}</li>" for item in items)
        self._parts.append(f'<ul class="summary">{lis}</ul>' if box else f"<ul>{lis}</ul>")

    def open_details(self, summary: str) -> None:
        """Start a collapsed block (closed by default, opened for printing); end it with :meth:`close_details`."""
        self._parts.append(f"<details><summary>{html.escape(summary)}</summary>")

    def close_details(self) -> None:
        """End the block started by :meth:`open_details`."""
        self._parts.append("</details>")

    def add_code(self, text: str, title: str = "") -> None:
        """Add preformatted text (a spec file, a log), escaped."""
        if title:
            self._parts.append(f"<h3>{html.escape(title)}</h3>")
        self._parts.append(f"<pre>{html.escape(str(text).rstrip())}</pre>")

    def add_table(
        self,
        frame: pd.DataFrame,
        title: str = "",
        *,
        caption: str = "",
        float_format: str = "{:,.4g}",
        index: bool = True,
    ) -> None:
        """Add a DataFrame as a table (every row in full: index labels are not merged across rows)."""
        if title:
            self._parts.append(f"<h3>{html.escape(title)}</h3>")
        cells = frame.reset_index() if index else frame
        text = pd.DataFrame(
            {
                str(c): [
                    "" if _missing(v) else (float_format.format(v) if isinstance(v, float) else str(v))
                    for v in cells[c]
                ]
                for c in cells.columns
            }
        )
        numeric = {c: all(_NUMERIC.match(v) for v in text[c] if v) and any(text[c] != "") for c in text.columns}
        head = "".join(f"<th{_cls(numeric[c])}>{html.escape(c)}</th>" for c in text.columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td{_cls(numeric[c])}>{html.escape(v)}</td>" for c, v in zip(text.columns, row, strict=True))
            + "</tr>"
            for row in text.itertuples(index=False)
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        self._parts.append(f'<div class="tbl">{table}</div>')
        if caption:
            self._parts.append(f'<p class="note">{html.escape(caption)}</p>')

    def add_figure(self, fig: Any, title: str = "", *, caption: str = "", name: str | None = None) -> str:
        """Add a matplotlib or plotly figure; returns the PNG file name (matplotlib) or ``""``."""
        if title:
            self._parts.append(f"<h3>{html.escape(title)}</h3>")
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        if hasattr(fig, "to_html") and hasattr(fig, "data"):  # plotly
            self._plotly = True
            div = fig.to_html(
                full_html=False, include_plotlyjs=False, config={"responsive": True, "displayModeBar": False}
            )
            self._parts.append(f"<figure>{div}{cap}</figure>")
            return ""
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
        png = buf.getvalue()
        fname = f"{name or _slug(title)}.png"
        self._pngs[fname] = png
        data = base64.b64encode(png).decode("ascii")
        alt = html.escape(title or fname)
        self._parts.append(f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">{cap}</figure>')
        return fname

    def extend(self, other: Report) -> None:
        """Append another report's parts and figures (a section drawn on its own) to this one."""
        self._parts.extend(other._parts)
        self._pngs.update(other._pngs)
        self._plotly = self._plotly or other._plotly

    def to_html(self) -> str:
        """The report as one HTML document."""
        head = (
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style><script>{_PRINT_JS}</script>"
        )
        if self._plotly:
            from plotly.offline import get_plotlyjs

            head += f'<script type="text/javascript">{get_plotlyjs()}</script>'
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        sub = f'<p class="sub">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        body = "\n".join(self._parts)
        foot = f'<p class="note">Written by valuechain on {stamp}.</p>'
        return f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{head}</head>' + (
            f"<body><h1>{html.escape(self.title)}</h1>{sub}\n{body}\n{foot}</body></html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the HTML file, and each matplotlib figure as a PNG in the same folder.

        Each file is written under a temporary name and renamed into place, so none is ever left
        half-written; :func:`valuechain.report.run.render` writes the whole folder at once.
        """
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        files = {out.name: self.to_html().encode("utf-8"), **self._pngs}
        for fname, data in files.items():
            target = out.parent / fname
            tmp = out.parent / f".new-{secrets.token_hex(4)}-{fname}"
            try:
                tmp.write_bytes(data)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
        return out
