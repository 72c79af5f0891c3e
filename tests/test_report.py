"""The quality report: sections, pictures, self-containment, and how it looks in headless Chromium."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline.tools import report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_views import ROOT, corpus_extraction, write_synthetic  # noqa: E402  (shared helpers)

SECTION_IDS = [sid for sid, _ in report.SECTIONS]
PNG = b"\x89PNG\r\n\x1a\n"


def images(page: str) -> list[bytes]:
    return [base64.b64decode(d) for d in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def assert_self_contained(page: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", page), "a resource fetched from outside"
    assert "http://" not in page and "https://" not in page and "<script" not in page and "@import" not in page
    assert re.findall(r"<img [^>]*>", page) and all('src="data:image/png;base64,' in tag
                                                   for tag in re.findall(r"<img [^>]*>", page))


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory) -> Path:
    out = corpus_extraction(tmp_path_factory)
    assert report.main([str(out)]) == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def synthetic_page(tmp_path_factory) -> str:
    return report.render(pipeline.load(write_synthetic(tmp_path_factory.mktemp("synthetic"))))


def test_report_on_the_corpus_extraction(corpus_report):
    page = corpus_report.read_text(encoding="utf-8")
    for sid in SECTION_IDS:
        assert f'<section id="{sid}">' in page, sid
    assert_self_contained(page)
    pngs = images(page)
    assert all(p.startswith(PNG) for p in pngs)
    tables = pipeline.load(corpus_report.parent)
    if len(tables["mentions"]):
        assert len(pngs) >= 6  # issues, labels, officials, posts, network, reporters (+ map when coordinates)
        assert "Surface forms seen once" in page and "Very long spans" in page and "Officials without posts" in page
    else:
        assert "No mentions yet" in page
    for name in tables["issues"]["source_file"]:
        assert name in page  # per-issue counts
    if (corpus_report.parent / "_run.json").exists():  # the run's own record, when the run writes one
        assert "The run" in page


def test_report_on_synthetic_tables_has_every_picture_and_check(synthetic_page):
    page = synthetic_page
    for sid in SECTION_IDS:
        assert f'<section id="{sid}">' in page, sid
    assert_self_contained(page)
    alts = re.findall(r'<img alt="([^"]*)"', page)
    for alt in ("articles and mentions per issue", "mentions and entities per label", "officials most in the news",
                "officials&#x27; posts over time", "co-occurrence network", "map of districts and counties",
                "coverage over time", "articles per reporter", "reporters&#x27; beats"):
        assert alt in alts, alt
    assert all(p.startswith(PNG) and len(p) > 5000 for p in images(page))
    # The failures, the official without posts, the place without a code, the rare forms.
    assert "bad.txt" in page and "empty file" in page and "headline scrambled" in page
    review = page.split('<section id="review">')[1].split("</section>")[0]
    assert "周四海" in review and "长岭坡" in review and "【嵩山路街道】" in review
    assert "No mentions yet" not in page


def test_report_without_mentions_says_so_and_still_shows_issues_and_reporters(tmp_path):
    out = write_synthetic(tmp_path, drop=("mentions", "entities", "officials"))
    assert report.main([str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("No mentions yet") >= 5
    assert "李明" in page and '<img alt="articles per reporter"' in page
    assert_self_contained(page)


def test_report_on_empty_tables_and_a_missing_folder(tmp_path, capsys):
    from pipeline.schemas import TABLES

    out = write_synthetic(tmp_path / "empty", drop=tuple(TABLES))
    assert report.main([str(out), "-o", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert all(f'<section id="{sid}">' in page for sid in SECTION_IDS)
    assert report.main([str(tmp_path / "nothing")]) == 2
    assert "pipeline extract" in capsys.readouterr().err


def test_one_picture_from_the_command_line(tmp_path, capsys):
    out = write_synthetic(tmp_path / "full")
    assert report.main([str(out), "--figure", "top_officials"]) == 0
    assert (out / "top_officials.png").read_bytes().startswith(PNG)
    bare = write_synthetic(tmp_path / "bare", drop=("mentions", "entities", "officials"))
    assert report.main([str(bare), "--figure", "top_officials"]) == 1
    assert "No mentions yet" in capsys.readouterr().err


def test_plots_use_a_cjk_font():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    name = report.use_cjk_font()
    assert name, "no CJK font: pip install mplfonts (a project dependency)"
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    assert all(ord(ch) in charmap for ch in "株洲日报市委书记区县")


# -- headless Chromium -----------------------------------------------------------

def find_chromium() -> str | None:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if found is None:  # the test setup installs it where it can (Debian's `chromium`, as root)
        script = ROOT / "scripts" / "ensure_chromium.sh"
        result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900)
        found = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else None
        if not found:
            pytest.skip("no Chromium: scripts/ensure_chromium.sh could not install it: " + result.stderr.strip()[-300:])
    return found


def chromium(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile; fontconfig also sees the CJK font the plots use."""
    font = report.cjk_font_path()
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        + (f"<dir>{Path(font).parent}</dir>" if font else "")
        + f"<cachedir>{tmp / 'fontcache'}</cachedir></fontconfig>", encoding="utf-8")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(tmp))
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def test_report_renders_in_headless_chromium(corpus_report, tmp_path):
    from PIL import Image

    browser = find_chromium()
    url = corpus_report.resolve().as_uri()
    shot = tmp_path / "report.png"
    result = chromium(browser, tmp_path, "--window-size=1200,1800", f"--screenshot={shot}", url)
    assert shot.exists(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(PNG)
    image = Image.open(io.BytesIO(data)).convert("L")
    assert image.size == (1200, 1800)
    histogram = image.histogram()
    ink = sum(histogram[:200]) / (image.size[0] * image.size[1])
    assert 0.01 < ink < 0.9, f"blank-looking screenshot ({ink:.3f} of the pixels are dark)"
    assert len([n for n in histogram if n]) > 20  # text, lines and pictures, not one flat colour

    dom = chromium(browser, tmp_path, "--dump-dom", url).stdout
    for sid in SECTION_IDS:
        assert f'id="{sid}"' in dom, sid
    imgs = re.findall(r"<img [^>]*>", dom)
    assert len(imgs) >= 2 and all('src="data:image/png;base64,' in tag for tag in imgs)
    assert "株洲" in dom
