"""A font with Chinese glyphs: found on this machine, and embedded in a page.

`cjk_font_path` finds a font file with Simplified Chinese glyphs: the Noto
Sans CJK SC that the `mplfonts` wheel ships (a project dependency, so
`pip install` is enough), else a system one (Debian: fonts-noto-cjk,
fonts-wqy-zenhei). `font_face_css` subsets it with fontTools to the
characters a page uses and returns an `@font-face` rule whose source is a
WOFF2 data URL: the page then draws its Chinese text on a machine without
any Chinese font, and fetches nothing.
"""

from __future__ import annotations

import base64
import io
from importlib.util import find_spec
from pathlib import Path

# Font files with Simplified Chinese glyphs, in order of preference, then font
# family names to ask matplotlib's font manager for.
CJK_FONT_FILES = ("NotoSansCJKsc-Regular.otf",)
CJK_FONT_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                  "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")
# The family name the embedded subset is declared under (never a system font's
# name, so the page cannot silently use an installed font instead).
EMBEDDED_FAMILY = "Report CJK"


def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs, or None when none can be found."""
    spec = find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in CJK_FONT_FILES:
            path = Path(folder) / "fonts" / name
            if path.exists():
                return str(path)
    from matplotlib import font_manager

    for name in CJK_FONT_NAMES:
        try:
            return font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
    return None


def subset_woff2(font_path: str | Path, text: str) -> bytes:
    """The glyphs of `text` (each character once) cut out of the font, as WOFF2.

    Characters the font lacks are left out; hinting and layout features are
    dropped (a report needs neither), which keeps the file small.
    """
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = []
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def font_face_css(text: str, font_path: str | Path | None = None, family: str = EMBEDDED_FAMILY) -> str:
    """An `@font-face` rule for `family` with the glyphs of `text` inlined as a WOFF2 data URL.

    Empty when no CJK font is found (the page then falls back on the fonts
    its CSS names, which a machine may or may not have).
    """
    path = font_path or cjk_font_path()
    if path is None:
        return ""
    data = base64.b64encode(subset_woff2(path, text)).decode("ascii")
    return (f'@font-face{{font-family:"{family}";font-style:normal;font-weight:400;'
            f'src:url(data:font/woff2;base64,{data}) format("woff2")}}')
