#!/usr/bin/env python3
"""Regenerate the bundled fonts in this folder from Debian packages.

Provenance: every file here comes from two Debian packages, installed with

    apt-get install -y fonts-noto-cjk fonts-lxgw-wenkai
    pip install fonttools

Nothing is downloaded by this script.

    python3 fonts/extract.py                 # write faces + licence texts
    python3 fonts/extract.py --check [FILE]  # cmap coverage report
                                             # (FILE: extra texts to check)

The Noto faces are pulled out of Debian's .ttc collections as single .otf
files, tables untouched (no subsetting, no renaming).  LXGW WenKai is copied
byte for byte: its licence reserves the name, so it must stay unmodified.
"""
import shutil
import sys
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
DOC = Path("/usr/share/doc")

# output file -> (Debian collection, wanted name-table family, subfamily)
NOTO_FACES = {
    "NotoSerifCJKsc-Regular.otf": (NOTO / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "Regular"),
    "NotoSerifCJKsc-Bold.otf": (NOTO / "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "Bold"),
    "NotoSansCJKsc-Bold.otf": (NOTO / "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "Bold"),
}
ALL_FACES = list(NOTO_FACES) + [WENKAI.name]


def names(font):
    """(family, subfamily) as typst sees them: typographic (16/17) else 1/2."""
    n = font["name"]
    fam = n.getDebugName(16) or n.getDebugName(1)
    sub = n.getDebugName(17) or n.getDebugName(2)
    return fam, sub


def extract():
    for out, (ttc, family, style) in NOTO_FACES.items():
        coll = TTCollection(str(ttc), lazy=True)
        index = next(i for i, f in enumerate(coll.fonts) if names(f) == (family, style))
        font = TTFont(str(ttc), fontNumber=index, recalcTimestamp=False)
        font.save(str(HERE / out))
        back = TTFont(str(HERE / out))
        assert names(back) == (family, style), (out, names(back))
        print(f"{out}: {ttc.name}#{index} {names(back)} {(HERE / out).stat().st_size} bytes")
    shutil.copyfile(WENKAI, HERE / WENKAI.name)
    print(f"{WENKAI.name}: copied unmodified, {(HERE / WENKAI.name).stat().st_size} bytes")
    write_licences()


def ofl_from_debian(package, heading):
    """The OFL text of a DEP-5 debian/copyright file, unfolded to plain text."""
    lines = (DOC / package / "copyright").read_text(encoding="utf-8").splitlines()
    # the stand-alone licence paragraph (not the "Files:" stanza's License line)
    start = next(i for i, l in enumerate(lines) if l == heading and lines[i + 1].startswith(" ")) + 1
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    return "\n".join(body).strip("\n") + "\n"


def write_licences():
    noto_head = []
    for out in NOTO_FACES:
        n = TTFont(str(HERE / out), lazy=True)["name"]
        noto_head.append(f"{out}: {n.getDebugName(0)} {n.getDebugName(7)}")
    (HERE / "LICENSE-NotoCJK.txt").write_text(
        "Noto Serif CJK SC / Noto Sans CJK SC (Debian package fonts-noto-cjk)\n"
        + "\n".join(noto_head) + "\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
        + ofl_from_debian("fonts-noto-cjk", "License: SIL-1.1"), encoding="utf-8")

    copyright = TTFont(str(WENKAI), lazy=True)["name"].getDebugName(0)
    (HERE / "LICENSE-LXGWWenKai.txt").write_text(
        "LXGW WenKai / 霞鹜文楷 (Debian package fonts-lxgw-wenkai)\n"
        + copyright + "\n"
        'with Reserved Font Names "霞鹜" and "LXGW".\n\n'
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
        + ofl_from_debian("fonts-lxgw-wenkai", "License: OFL-1.1"), encoding="utf-8")
    print("LICENSE-NotoCJK.txt, LICENSE-LXGWWenKai.txt written")


def char_sets(texts):
    gb2312 = set()
    for row in range(16, 88):  # GB2312 rows 16-87 are the 6763 hanzi
        for cell in range(1, 95):
            try:
                gb2312.add(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    big5 = set()
    for code in range(0xA440, 0xC67F):  # Big5 level 1 (common) hanzi
        try:
            big5.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    sets = {"GB2312 hanzi": gb2312, "Big5 level 1": big5,
            "ASCII printable": {chr(c) for c in range(0x20, 0x7F)}}
    for path in texts:
        text = Path(path).read_text(encoding="utf-8")
        sets[Path(path).name] = {c for c in text
                                 if c != "?" and not unicodedata.category(c).startswith("C")}
    return sets


def check(texts):
    sets = char_sets(texts)
    for face in ALL_FACES:
        cmap = TTFont(str(HERE / face), lazy=True).getBestCmap()
        print(face)
        for label, chars in sets.items():
            missing = sorted(c for c in chars if ord(c) not in cmap)
            shown = " ".join(f"{c}(U+{ord(c):04X})" for c in missing[:20])
            print(f"  {label}: {len(chars)} chars, {len(missing)} missing {shown}")


if __name__ == "__main__":
    if "--check" in sys.argv:
        check([a for a in sys.argv[1:] if a != "--check"])
    else:
        extract()
