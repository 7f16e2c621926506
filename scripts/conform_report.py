# SPDX-License-Identifier: MIT
"""scripts/conform_report.py: the conformance matrix as text, Markdown and
self-contained HTML, from the cell results scripts/conform.py keeps in
build/conformance/results/ (one JSON file per backend and environment, so
that meson's parallel tests each add their own column)."""

import fcntl
import glob
import html
import json
import os
import time

import vmienv

KIND_WORD = {"pass": "pass", "skip": "skip", "fail": "FAIL", "error": "ERROR",
             "refused": "refused"}


def _results_dir(out_dir):
    path = os.path.join(out_dir, "results")
    os.makedirs(path, exist_ok=True)
    return path


class _Locked:
    """An exclusive lock on the results directory (meson runs two
    conformance tests at once, each rewriting the matrix)."""

    def __init__(self, out_dir):
        self.path = os.path.join(_results_dir(out_dir), ".lock")

    def __enter__(self):
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _write(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def save_cells(out_dir, cells, clear=False):
    """Merge (cells) into the stored results; (clear) drops older matrix
    results (the self-test's are its own, kept)."""
    with _Locked(out_dir):
        rdir = _results_dir(out_dir)
        if clear:
            for old in glob.glob(os.path.join(rdir, "*__*.json")):
                os.unlink(old)
        by_file = {}
        for c in cells:
            by_file.setdefault(f"{c['backend']}__{c['env']}.json", []).append(c)
        for name, new in by_file.items():
            path = os.path.join(rdir, name)
            old = {}
            if os.path.exists(path):
                with open(path) as f:
                    old = {c["test"]: c for c in json.load(f)}
            stamp = time.strftime("%Y-%m-%d %H:%M")
            old.update({c["test"]: dict(c, when=stamp) for c in new})
            _write(path, json.dumps(list(old.values()), indent=1))


def save_selftest(out_dir, rows):
    with _Locked(out_dir):
        path = os.path.join(_results_dir(out_dir), "selftest.json")
        _write(path, json.dumps(rows, indent=1))


def _load(out_dir):
    cells, rows = [], []
    for path in sorted(glob.glob(os.path.join(_results_dir(out_dir), "*.json"))):
        with open(path) as f:
            data = json.load(f)
        if path.endswith("selftest.json"):
            rows = data
        else:
            cells += data
    return cells, rows


def _shape(cells, order):
    """backend -> (tests in order, envs, {(test, env): cell})."""
    out = {}
    for c in cells:
        tests, envs, grid = out.setdefault(c["backend"], ([], [], {}))
        if c["test"] not in tests:
            tests.append(c["test"])
        if c["env"] not in envs:
            envs.append(c["env"])
        grid[c["test"], c["env"]] = c
    for b, (tests, envs, grid) in out.items():
        tests.sort(key=lambda t: order.index(t) if t in order else len(order))
        envs.sort(key=_env_key)
    return dict(sorted(out.items(), key=lambda kv: _backend_key(kv[0])))


def _env_key(env):
    known = list(vmienv.ENVIRONMENTS)
    return (known.index(env) if env in known else len(known), env)


def _backend_key(b):
    known = vmienv.backends()
    return (known.index(b) if b in known else len(known), b)


def _counts(cells):
    n = {"pass": 0, "skip": 0, "fail": 0}
    for c in cells:
        k = c["kind"]
        n["pass" if k in ("pass", "refused") else "skip" if k == "skip" else "fail"] += 1
    return n


def _word(c):
    if c is None:
        return "-"
    return "n/a" if c.get("na") else KIND_WORD[c["kind"]]


def text_matrix(cells, order):
    """The matrix for the terminal: words in cells, reasons as notes."""
    lines, notes = [], {}
    for backend, (tests, envs, grid) in _shape(cells, order).items():
        width = max(8, *(len(e) for e in envs)) + 2
        lines.append(f"\nkernel image: {backend}")
        lines.append("test".ljust(16) + "group".ljust(9) + "".join(e.ljust(width) for e in envs))
        for t in tests:
            row = t.ljust(16) + (grid[t, envs[0]]["group"] if (t, envs[0]) in grid else "").ljust(9)
            for e in envs:
                c = grid.get((t, e))
                word = _word(c)
                if c and c["kind"] not in ("pass", "refused") and c["reason"]:
                    key = c["reason"] if c.get("na") else f"{t} on {e}: {c['reason']}"
                    word += f"[{notes.setdefault(key, len(notes) + 1)}]"
                row += word.ljust(width)
            lines.append(row.rstrip())
        total = "pass/skip/fail".ljust(25)
        for e in envs:
            n = _counts([grid[t, e] for t in tests if (t, e) in grid])
            total += f"{n['pass']}/{n['skip']}/{n['fail']}".ljust(width)
        lines.append(total.rstrip())
    lines.append("")
    lines += [f"[{n}] {text}" for text, n in notes.items()]
    n = _counts(cells)
    lines.append(f"cells: {n['pass']} passed (refusals included), {n['skip']} skipped, "
                 f"{n['fail']} failed")
    return "\n".join(lines)


def text_selftest(rows):
    lines = ["self-test (tests/conformance/fault): each broken op must fail exactly its tests"]
    for r in rows:
        lines.append(f"  {'ok ' if r['ok'] else 'BAD'} {r['fault']:<14} {r['env']:<12} {r['detail']}")
    return "\n".join(lines)


def _md_cell(c):
    if c is None:
        return "-"
    word = _word(c)
    if c["kind"] in ("fail", "error"):
        word = f"**{word}**"
    if c["kind"] == "pass":
        return f"pass {c['seconds']:.1f}s"
    return f"{word}: {c['reason']}" if c["reason"] else word


def markdown(cells, rows, order):
    out = ["# vmi conformance matrix", "",
           f"Written {time.strftime('%Y-%m-%d %H:%M')} by scripts/conform "
           "(docs/conformance.md). A cell is pass, skip (with the reason), FAIL "
           "(the backend broke its contract), ERROR (the test or environment is "
           "broken), refused (the image must refuse this environment and did, "
           "cleanly) or n/a (this machine lacks the environment).", ""]
    for backend, (tests, envs, grid) in _shape(cells, order).items():
        out += [f"## kernel image: {backend}", "",
                "| test | group | " + " | ".join(envs) + " |",
                "|---|---|" + "---|" * len(envs)]
        for t in tests:
            group = next((grid[t, e]["group"] for e in envs if (t, e) in grid), "")
            out.append(f"| {t} | {group} | " +
                       " | ".join(_md_cell(grid.get((t, e))).replace("|", "/") for e in envs) + " |")
        sums = []
        for e in envs:
            n = _counts([grid[t, e] for t in tests if (t, e) in grid])
            sums.append(f"{n['pass']} / {n['skip']} / {n['fail']}")
        out += ["| **pass / skip / fail** | | " + " | ".join(sums) + " |", ""]
    if rows:
        out += ["## Self-test: a deliberately broken native backend", "",
                "| fault | environment | result |", "|---|---|---|"]
        out += [f"| {r['fault']} | {r['env']} | {'ok' if r['ok'] else '**BAD**'}: "
                f"{r['detail']} |" for r in rows]
        out.append("")
    return "\n".join(out)


CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #bbb;padding:3px 6px;font-size:90%;vertical-align:top}
th{background:#eee}.pass,.refused{background:#d4f4d4}.skip{background:#fff3c4}
.na{background:#e8e8e8;color:#555}.fail,.error{background:#f8c8c8;font-weight:bold}
small{display:block;font-weight:normal;color:#333;max-width:22em}"""


def _html_cell(c):
    if c is None:
        return "<td>-</td>"
    cls = "na" if c.get("na") else c["kind"]
    text = html.escape(_word(c))
    if c["kind"] == "pass":
        text += f" {c['seconds']:.1f}s"
    why = f"<small>{html.escape(c['reason'])}</small>" if c["reason"] else ""
    return f'<td class="{cls}">{text}{why}</td>'


def html_page(cells, rows, order):
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
           f"<title>vmi conformance matrix</title><style>{CSS}</style></head><body>",
           "<h1>vmi conformance matrix</h1>",
           f"<p>Written {time.strftime('%Y-%m-%d %H:%M')} by scripts/conform; see "
           "docs/conformance.md.</p>"]
    for backend, (tests, envs, grid) in _shape(cells, order).items():
        out.append(f"<h2>kernel image: {html.escape(backend)}</h2><table><tr><th>test</th>"
                   "<th>group</th>" + "".join(f"<th>{html.escape(e)}</th>" for e in envs) + "</tr>")
        for t in tests:
            group = next((grid[t, e]["group"] for e in envs if (t, e) in grid), "")
            out.append(f"<tr><td>{html.escape(t)}</td><td>{html.escape(group)}</td>" +
                       "".join(_html_cell(grid.get((t, e))) for e in envs) + "</tr>")
        sums = [_counts([grid[t, e] for t in tests if (t, e) in grid]) for e in envs]
        out.append("<tr><th colspan=2>pass / skip / fail</th>" + "".join(
            f"<th>{n['pass']} / {n['skip']} / {n['fail']}</th>" for n in sums) + "</tr></table>")
    if rows:
        out.append("<h2>Self-test: a deliberately broken native backend</h2><table>"
                   "<tr><th>fault</th><th>environment</th><th>result</th></tr>")
        for r in rows:
            cls = "pass" if r["ok"] else "fail"
            out.append(f"<tr><td>{html.escape(r['fault'])}</td><td>{html.escape(r['env'])}"
                       f"</td><td class='{cls}'>{html.escape(r['detail'])}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_matrix(out_dir, order):
    """Rewrite matrix.md and matrix.html from every stored result."""
    with _Locked(out_dir):
        cells, rows = _load(out_dir)
        _write(os.path.join(out_dir, "matrix.md"), markdown(cells, rows, order))
        _write(os.path.join(out_dir, "matrix.html"), html_page(cells, rows, order))
