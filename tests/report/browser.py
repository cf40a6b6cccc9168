#!/usr/bin/env python3
"""The HTML report in a real browser: Debian's Chromium, headless, in a
network namespace of its own (unshare -n: no network at all), loads the
report of the case trees with a baseline, from a file:// URL as a mail
attachment would open:

- its DOM has the summary cards, the two charts (inline SVG), one row per
  rule and per host in their tables, a findings table per host with
  findings, and the baseline's sections;
- the console is silent (a CSP violation or a script error is a console
  message; a copy of the page with an external image and an inline script
  proves the check sees them);
- a screenshot is taken and is not blank (decoded here: many colours, a
  share of non-white pixels, the chart's red bars);
- with --screenshot FILE, that screenshot is kept (the README's).

Usage: browser.py BINARY [--screenshot FILE]
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sgtest import ENV, Tally  # noqa: E402
import run as report_run  # noqa: E402

T = Tally()
CHROMIUM = shutil.which("chromium")


def chromium(args, url):
    """Chromium headless without network; (stdout, console lines)."""
    r = subprocess.run(["unshare", "-n", CHROMIUM, "--headless",
                        "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--enable-logging=stderr",
                        "--log-level=0", "--user-data-dir=" + PROFILE] +
                       args + [url], capture_output=True, text=True,
                       timeout=120)
    # The page's own messages only: Chromium's internal pages log too
    # (chrome://resources/... "Slow network is detected" under unshare -n).
    console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln and
               "source: chrome://" not in ln]
    return r, console


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, not
    interlaced (what Chromium writes)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and not interlace, hdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def fleet(tmp):
    """The case trees as a fleet, and a baseline: the same fleet before
    two of its hosts were fixed. Returns (results dir, baseline, hosts,
    rules)."""
    d, hosts = report_run.case_results(tmp)
    rules = sorted({f["rule"] for doc in hosts.values()
                    for f in doc["findings"] if "suppressed" not in f})
    then = os.path.join(tmp, "then")
    shutil.copytree(d, then)
    # Then, two hosts had one more finding each: now it is fixed.
    for name in sorted(hosts)[:2]:
        p = os.path.join(then, name + ".json")
        with open(p) as f:
            doc = json.load(f)
        doc["findings"].append({
            "rule": "tw-recycle-removed", "severity": "error",
            "title": "tcp_tw_recycle does not exist on this kernel",
            "key": "net.ipv4.tcp_tw_recycle", "value": "1",
            "file": "/etc/sysctl.d/99-old.conf", "line": 1})
        with open(p, "w") as f:
            json.dump(doc, f)
    r = subprocess.run([BIN, "report", "--format", "json", then],
                       capture_output=True, text=True, env=ENV)
    base = os.path.join(tmp, "baseline.json")
    with open(base, "w") as f:
        f.write(r.stdout)
    return d, base, hosts, rules


def main():
    global BIN, PROFILE
    args = sys.argv[1:]
    keep = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        keep = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__)
        return 2
    BIN = report_run.BIN = os.path.abspath(args[0])
    if not CHROMIUM:
        print("browser: chromium is not installed (make deps)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        PROFILE = os.path.join(tmp, "profile")
        d, base, hosts, rules = fleet(tmp)
        html = os.path.join(tmp, "report.html")
        r = subprocess.run([BIN, "report", "--format", "html", "--baseline",
                            base, "--output", html, d],
                           capture_output=True, text=True, env=ENV)
        T.ok(r.returncode in (0, 1) and os.path.isfile(html),
             "report --format html --output: %d %s" % (r.returncode,
                                                      r.stderr[-300:]))
        url = "file://" + html
        r, console = chromium(["--dump-dom"], url)
        dom = r.stdout
        T.ok(r.returncode == 0 and "<html" in dom, "chromium --dump-dom: %s"
             % r.stderr[-500:])
        T.ok(not console, "the page logs nothing on the console: %r"
             % console[:3])
        T.ok(dom.count("<svg") == 2, "two inline SVG charts")
        cards = re.findall(r'<div class="card">\s*<b[^>]*>(\d+)</b>([^<]*)</div>',
                           dom)
        T.ok(("%d" % len(hosts), "hosts") in cards,
             "the summary card counts %d hosts: %r" % (len(hosts), cards))
        # The rules table: a row per rule, each naming it.
        m = re.search(r'<table id="rules">(.*?)</table>', dom, re.S)
        rows = re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S) if m else []
        T.ok(len(rows) == len(rules) + 1 and
             all(any(">%s<" % x in row for row in rows) for x in rules),
             "the rules table has a row per rule (%d rows, %d rules)"
             % (len(rows), len(rules)))
        m = re.search(r'<table id="hosts">(.*?)</table>', dom, re.S)
        rows = re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S) if m else []
        T.ok(len(rows) == len(hosts) + 1 and
             all(any("<td>%s</td>" % x in row for row in rows)
                 for x in hosts),
             "the hosts table has a row per host (%d rows, %d hosts)"
             % (len(rows), len(hosts)))
        with_findings = sum(any("suppressed" not in f
                                for f in doc["findings"])
                            for doc in hosts.values())
        T.ok(dom.count('class="host-findings"') == with_findings,
             "a findings table per host with findings (%d)" % with_findings)
        # issue 29: when and by what; long references by host and last
        # part, the whole URL their title
        T.ok(re.search(r'<p class="made">Made by sysctl-guard \S+ on '
                       r'\d{4}-\d\d-\d\d \d\d:\d\d UTC from \d+ inputs?\.</p>',
                       dom), "the page says when and by what it was made")
        refs = re.findall(r'<a href="(http[^"]+)" title="([^"]+)">([^<]+)</a>',
                          dom)
        T.ok(refs and all(h == t and len(x) <= 60 for h, t, x in refs),
             "references shown short, whole in href and title: %r"
             % refs[:2])
        T.ok("Fixed since the baseline: 2" in dom and
             "New since the baseline: 0" in dom,
             "the baseline's sections: 2 fixed, 0 new")
        # The console check sees what it is for: an external image and an
        # inline script in a copy of the page.
        bad = os.path.join(tmp, "bad.html")
        with open(html) as f, open(bad, "w") as g:
            g.write(f.read().replace(
                "<body>", '<body><img src="http://example.com/x.png">'
                '<script>console.error("boom")</script>', 1))
        _, console = chromium(["--dump-dom"], "file://" + bad)
        T.ok(len(console) >= 2 and any("example.com" in c for c in console),
             "the console check catches an external load and a script: %r"
             % console)
        # The screenshot: not blank.
        shot = os.path.join(tmp, "report.png")
        r, _ = chromium(["--screenshot=" + shot, "--window-size=1280,1400",
                         "--hide-scrollbars"], url)
        T.ok(r.returncode == 0 and os.path.isfile(shot),
             "chromium --screenshot: %s" % r.stderr[-300:])
        if os.path.isfile(shot):
            w, h, px = png_pixels(shot)
            flat = [p for row in px for p in row]
            colours = len(set(flat))
            ink = sum(1 for p in flat if p != (255, 255, 255)) / len(flat)
            red = sum(1 for p in flat if p == (0xb0, 0x00, 0x20))
            T.ok((w, h) == (1280, 1400) and colours > 50 and ink > 0.03 and
                 red > 500,
                 "the screenshot is not blank: %dx%d, %d colours, %.1f%% ink, "
                 "%d pixels of the error red" % (w, h, colours, 100 * ink, red))
            if keep:
                shutil.copy(shot, keep)
    return T.done("browser")


if __name__ == "__main__":
    BIN = PROFILE = None
    sys.exit(main())
