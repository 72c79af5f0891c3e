"""The quality report: sections, pictures, self-containment, and how it looks in headless Chromium."""

from __future__ import annotations

import base64
import html
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
    assert all(url.startswith("data:") for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page)), "a font or image fetched"
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


def latin_only_fonts(tmp: Path) -> Path:
    """A fontconfig file that shows Chromium one font, matplotlib's DejaVu Sans: no Chinese glyph anywhere,
    as on a machine without any CJK font (`fc-list :lang=zh` empty)."""
    from fontTools.ttLib import TTFont
    from matplotlib import get_data_path

    folder = tmp / "fonts"
    folder.mkdir(exist_ok=True)
    latin = folder / "DejaVuSans.ttf"
    shutil.copy(Path(get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", latin)
    assert ord("株") not in TTFont(latin).getBestCmap()
    conf = tmp / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<dir>{folder}</dir><cachedir>{tmp / 'fontcache'}</cachedir></fontconfig>", encoding="utf-8")
    if shutil.which("fc-list"):
        env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        seen = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, env=env, timeout=60).stdout
        assert seen.strip() == "", seen
    return conf


def chromium(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile, seeing no font with Chinese glyphs (`latin_only_fonts`)."""
    conf = tmp / "fonts.conf" if (tmp / "fonts.conf").exists() else latin_only_fonts(tmp)
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(tmp))
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--hide-scrollbars", "--virtual-time-budget=10000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def test_report_renders_in_headless_chromium(corpus_report, tmp_path):
    from PIL import Image

    browser = find_chromium()
    url = corpus_report.resolve().as_uri()
    shot = tmp_path / "report.png"  # look at it: Chinese headings and tables, no boxes
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


# Draws every Chinese character of the page in the page's own font on a canvas, and the
# private-use U+E000, which no font has (a box, "tofu"): a character that is drawn has
# ink and a shape of its own; one the fonts lack comes out as the same box.
GLYPH_CHECK = """<script>
(async () => {
  const family = getComputedStyle(document.body).fontFamily;
  await document.fonts.load('32px ' + family, '株');
  await document.fonts.ready;
  const chars = [...new Set([...document.body.textContent].filter(c => /\\p{Script=Han}/u.test(c)))];
  const canvas = document.createElement('canvas'); canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = ch => { ctx.clearRect(0, 0, 40, 40); ctx.font = '32px ' + family; ctx.textBaseline = 'top';
    ctx.fillText(ch, 2, 2); const d = ctx.getImageData(0, 0, 40, 40).data; let s = '';
    for (let i = 3; i < d.length; i += 4) s += d[i] > 127 ? '1' : '0'; return s; };
  const tofu = draw('\\uE000');
  const shapes = new Set(); let blank = 0, boxes = 0;
  for (const ch of chars) { const s = draw(ch); if (!s.includes('1')) blank++; else if (s === tofu) boxes++; shapes.add(s); }
  const out = document.createElement('pre'); out.id = 'glyph-check';
  out.textContent = JSON.stringify({chars: chars.length, blank, boxes, shapes: shapes.size});
  document.body.appendChild(out);
})();
</script>"""


def glyph_check(browser: str, tmp: Path, page: str, name: str) -> dict:
    import json

    path = tmp / f"{name}.html"
    path.write_text(page.replace("</body>", GLYPH_CHECK + "</body>"), encoding="utf-8")
    dom = chromium(browser, tmp, "--dump-dom", path.as_uri()).stdout
    found = re.search(r'<pre id="glyph-check">([^<]*)</pre>', dom)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def test_chinese_text_is_drawn_on_a_machine_without_a_cjk_font(corpus_report, tmp_path):
    browser = find_chromium()
    page = corpus_report.read_text(encoding="utf-8")
    drawn = glyph_check(browser, tmp_path, page, "embedded")
    assert drawn["chars"] > 300, drawn
    assert drawn["blank"] == 0 and drawn["boxes"] == 0 and drawn["shapes"] == drawn["chars"], drawn
    # The same page without its embedded font: every character is the same box, so the check can fail.
    bare = re.sub(r"@font-face\{[^}]*\}", "", page)
    assert bare != page
    boxes = glyph_check(browser, tmp_path, bare, "bare")
    assert boxes["boxes"] + boxes["blank"] == boxes["chars"] == drawn["chars"] and boxes["shapes"] == 1, boxes


def test_the_embedded_font_holds_exactly_the_characters_of_the_page():
    from fontTools.ttLib import TTFont

    from pipeline.tools import fonts

    text = "株洲日报 Report 2025"
    data = fonts.subset_woff2(fonts.cjk_font_path(), text)
    assert data.startswith(b"wOF2")
    assert set(TTFont(io.BytesIO(data)).getBestCmap()) == {ord(c) for c in set(text)}
    css = fonts.font_face_css(text)
    assert css.startswith('@font-face{font-family:"Report CJK"') and "data:font/woff2;base64," in css


def test_ensure_chromium_says_what_it_installs_before_running_apt_get(tmp_path):
    """With no Chromium on PATH, the script announces the apt-get install before running it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    for name, body in (("id", "echo 0"), ("apt-get", f'echo "apt-get $*" >&2; echo "apt-get $*" >> {log}; exit 1')):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    bash = shutil.which("bash")
    result = subprocess.run([bash, str(ROOT / "scripts" / "ensure_chromium.sh"), "--announce"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0
    said = result.stderr
    assert "apt-get install -y -q chromium" in log.read_text()
    assert said.index("Installing Debian's chromium") < said.index("apt-get update -q")
    skipped = subprocess.run([bash, str(ROOT / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True,
                             env=dict(env, ZZ_NO_CHROMIUM_INSTALL="1"), timeout=60)
    assert "not installing" in skipped.stderr
    assert len(log.read_text().splitlines()) == 2  # the second run installed nothing


def test_top_officials_figure_with_a_long_title_keeps_its_bars_wide_and_the_legend_off_them(tables_with_long_title,
                                                                                           tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = report.figure_top_officials(tables_with_long_title)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    fig.savefig(tmp_path / "top_officials.png")  # to look at
    ax = fig.axes[0]
    assert ax.get_position().width > 0.45  # the labels never squeeze the bars into a sliver
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(len(line) <= report.TITLE_LINE for label in labels for line in label.split("\n")[1:])
    assert any(line.endswith("…") for label in labels for line in label.split("\n"))
    [legend] = fig.legends
    box = legend.get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in ax.patches]
    assert bars and not any(box.overlaps(bar) for bar in bars)


def test_report_and_figure_without_national_leaders(tmp_path, capsys):
    from test_views import with_a_national_leader

    tables = with_a_national_leader(pipeline.load(write_synthetic(tmp_path / "t")))
    page = report.render(tables, national=False)
    officials = page.split('<section id="officials">')[1].split("</section>")[0]
    assert "全某平" not in officials and "曹一鸣" in officials and "Without the 1 national leaders" in officials
    assert "全某平" in report.render(tables).split('<section id="officials">')[1].split("</section>")[0]
    out = write_synthetic(tmp_path / "cli")
    assert report.main([str(out), "--figure", "top_officials", "--no-national"]) == 0


@pytest.fixture
def tables_with_long_title(tmp_path):
    tables = pipeline.load(write_synthetic(tmp_path / "long"))
    officials = tables["officials"]
    long_title = "市委常委、市委秘书长、市纪委监委主任、市委政法委书记、市人大常委会党组副书记"
    officials.loc[officials["name"] == "曹一鸣", "title"] = long_title
    return tables
