"""report_common.py -- what pipeline_report.py and ingress_report.py share: reading the JSON
records, the session's meta.txt as a key / value table, number formatting, medians with their
runs, ratios per run, and the goal verdicts. Standard library only.
"""

from __future__ import annotations

import json
import statistics


def load_records(path: str) -> list[dict]:
    """Every JSON line of RECORDS.jsonl (other lines are skipped)."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                out.append(json.loads(line))
    return out


def by_run(records: list[dict], system: str, metric: str, scenario: str | None = None) -> dict[int, dict]:
    """run -> record of one figure; a later record of the same run replaces an earlier one."""
    out: dict[int, dict] = {}
    for r in records:
        if r["system"] == system and r["metric"] == metric and (scenario is None or r["scenario"] == scenario):
            out[int(r.get("run", 1))] = r
    return out


def fmt(v) -> str:
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def median(runs: dict[int, dict], key: str = "value"):
    vals = [runs[k][key] for k in sorted(runs) if runs[k].get(key) is not None]
    return statistics.median(vals) if vals else None


def cell(runs: dict[int, dict], key: str = "value") -> str:
    """`median (run 1 / run 2 / ...)`, or `-`."""
    vals = [runs[k].get(key) for k in sorted(runs)]
    if not any(v is not None for v in vals):
        return "-"
    text = fmt(median(runs, key))
    return text if len(vals) == 1 else f"{text} ({' / '.join(fmt(v) for v in vals)})"


def ratio(ours: dict[int, dict], other: dict[int, dict]):
    """(ratio of the medians, [ratio of run k to run k for the runs both have]), or (None, [])."""
    mo, mt = median(ours), median(other)
    if mo is None or not mt:
        return None, []
    per_run = [ours[k]["value"] / other[k]["value"] for k in sorted(ours) if k in other and other[k]["value"]]
    return mo / mt, per_run


def ratio_cell(r, per_run, bold: bool = False) -> str:
    if r is None:
        return "-"
    text = f"**{r:.2f}**" if bold else f"{r:.2f}"
    return text if len(per_run) <= 1 else f"{text} ({' / '.join(f'{x:.2f}' for x in per_run)})"


def runs_text(r, per_run, form: str) -> str:
    """A ratio and its per-run values in one format: `3.34x (3.22x / 3.60x)`."""
    if r is None:
        return "-"
    return form.format(r) if len(per_run) <= 1 else f"{form.format(r)} ({' / '.join(form.format(x) for x in per_run)})"


def verdict(ok) -> str:
    return "-" if ok is None else ("**met**" if ok else "**not met**")


def meta_table(path: str | None) -> list[str]:
    """meta.txt (`key: value` lines) as the two-column table RESULTS.md opens with."""
    if not path:
        return []
    rows = ["| | |", "|---|---|"]
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition(": ")
            if sep:
                rows.append(f"| {key} | {value.replace('|', '/')} |")
    return rows + [""]


def foreign_note(records: list[dict], threshold: float) -> str:
    flagged = sorted({(r["system"], r["scenario"], r.get("run", 1)) for r in records
                      if (r.get("cpu_foreign_cores") or 0) > threshold})
    if not flagged:
        return f"No phase had foreign load above {threshold} cores."
    return (f"Foreign load > {threshold} cores (processes outside the benchmark) in: "
            + ", ".join(f"{s} {sc} run {k}" for s, sc, k in flagged) + ": those figures are less reliable.")


def emit_report(lines: list[str], md_path: str | None) -> None:
    """Prints the report and, when MD_PATH is given, writes it there too."""
    text = "\n".join(lines)
    print(text)
    if md_path:
        with open(md_path, "w") as f:
            f.write(text + "\n")
