#!/usr/bin/env bash
# Display titles as an independent reader sees them (docs/manifest.md,
# "Titles"): the sample and a generated issue of 120 long, real-shaped
# government titles (印发《…》的通知 with years and ranges, 同意…的批复,
# 转发…的通知, （试行）, 第…批, 等N件) are built; poppler's pdftotext -layout
# reads back every title, 本期要目 and 目录 entry that takes more than one
# line, and Python's jieba (PyPI, not the segmenter gazette uses) says where
# its words are. Each break must keep a number with its unit and a short
# parenthesis whole, the last line must be longer than two characters, and
# three lines or more must be neither a rectangle nor an hourglass; every
# break must fall between jieba's words. Needs poppler-utils and python3 with jieba (pip);
# .ci/run installs them. Skips, saying so, without jieba.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in pdftotext python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: install poppler-utils python3" >&2
    exit 1
  fi
done
if ! python3 -c 'import jieba' 2>/dev/null; then
  echo "skipped: python3 with jieba is needed (python3 -m pip install jieba)"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/interop/lib.sh
source tests/interop/lib.sh

# generate FOLDER: an issue of 120 documents with long titles, one section.
generate() {
  python3 - "$1" <<'PY'
import itertools, os, sys
folder = sys.argv[1]
os.makedirs(f"{folder}/documents", exist_ok=True)
issuers = ["上海市人民政府", "上海市人民政府办公厅", "上海市发展和改革委员会",
           "上海市住房和城乡建设管理委员会", "上海市经济和信息化委员会", "浦东新区人民政府"]
issued = ["上海市促进人工智能产业高质量发展若干措施", "关于进一步优化营商环境的实施方案",
          "上海市城市更新行动方案（2023—2025年）", "上海市公共数据开放管理办法（试行）",
          "上海市老旧小区综合改造三年行动计划", "上海市医疗卫生服务体系规划（2021—2025年）",
          "关于加快推进新型基础设施建设的指导意见", "上海市生活垃圾分类管理实施细则（试行）"]
approved = ["《金山区枫泾镇国土空间总体规划（2024—2035年）》", "设立上海市张江科学城建设管理委员会",
            "撤销宝山区罗店镇设立罗店街道", "《崇明区陈家镇控制性详细规划（2025年修订）》"]
forwarded = ["市发展改革委等五部门关于推进2025年度重大工程建设的意见",
             "国务院办公厅关于加强基层应急管理能力建设的意见"]
others = ["关于公布第三批上海市非物质文化遗产代表性项目名录的通知",
          "关于废止《上海市社会救助办法》等12件规范性文件的决定",
          "关于做好2025年第2批市级重大项目开工建设工作的通知",
          "关于印发2025年12月31日前完成的重点任务清单的通知"]
titles = []
for issuer in issuers:
    titles += [f"{issuer}关于印发《{d}》的通知" for d in issued]
    titles += [f"{issuer}关于同意{w}的批复" for w in approved]
    titles += [f"{issuer}转发{w}的通知" for w in forwarded]
    titles += [f"{issuer}{o}" for o in others]
titles = titles[:120]
listed = []
for i, title in enumerate(titles, 1):
    name = f"documents/d{i:03}.md"
    listed.append(f'    "{name}",')
    with open(f"{folder}/{name}", "w") as f:
        f.write(f'+++\ntitle = "{title}"\nissuer = "上海市人民政府"\ndate = 2025-06-01\n'
                f'disclosure = "主动公开"\n+++\n\n各有关单位：现将有关事项通知如下。\n')
with open(f"{folder}/issue.toml", "w") as f:
    f.write('[gazette]\nid = "title-test"\ntitle = "标题测试公报"\npublisher = "上海市人民政府办公厅"\n'
            'language = "zh-Hans"\n\n[issue]\nyear = 2025\nnumber = 1\ndate = 2025-06-30\n\n'
            '[[sections]]\ntitle = "市政府文件"\ndocuments = [\n' + "\n".join(listed) + "\n]\n")
PY
}

# titles EDITION_FOLDER: every title of the edition, one a line, from its
# published data (docs/data.md).
titles() {
  python3 - "$1" <<'PY'
import glob, json, sys
for path in sorted(glob.glob(f"{sys.argv[1]}/documents/*.json")):
    data = json.load(open(path))
    print(data["metadata"]["title"])
    for attachment in data.get("attachments", []):
        print(attachment["title"])
    if data.get("interpretation"):
        print(data["interpretation"]["title"])
PY
}

# judged PDF TITLES: finds each title's multi-line runs in the PDF's text and
# judges every break; prints one line a finding, and the runs checked.
judged() {
  pdftotext -layout "$1" "$work/text.txt"
  python3 - "$work/text.txt" "$2" <<'PY'
import re, sys, logging
import jieba
jieba.setLogLevel(logging.WARNING)

def clean(line):
    # The first column only (the cover's seal box may share a line), without
    # a contents entry's dot leader and page number.
    line = re.split(r"\s{3,}", line.strip())[0] if line.strip() else ""
    return re.sub(r"[·\s]*\d*$", "", line) if re.search(r"(·\s*){3,}", line) else line.replace(" ", "")

lines = [clean(l) for l in open(sys.argv[1], encoding="utf-8").read().replace("\f", "\n").split("\n")]
titles = [t for t in open(sys.argv[2], encoding="utf-8").read().split("\n") if t]
width = lambda s: sum(1 if ord(c) < 0x2000 and c not in "‘’“”—…·" else 2 for c in s)
runs, problems, disagreements, found = 0, [], [], set()
for title in set(titles):
    for start, line in enumerate(lines):
        if not line or not title.startswith(line) or line == title:
            if line == title:
                found.add(title)
            continue
        got, end = line, start
        while got != title and end + 1 < len(lines) and lines[end + 1] and title.startswith(got + lines[end + 1]):
            end += 1
            got += lines[end]
        if got != title:
            continue
        found.add(title)
        runs += 1
        set_lines = lines[start:end + 1]
        words, at = set(), 0
        for word in jieba.cut(title):
            at += len(word)
            words.add(at)
        at = 0
        for line in set_lines[:-1]:
            at += len(line)
            before, after = title[at - 1], title[at]
            if at not in words:
                disagreements.append(f"{' | '.join(set_lines)}: breaks inside a jieba word")
            if before.isdigit() and (after.isdigit() or after in "年月日号件批期"):
                problems.append(f"{' | '.join(set_lines)}: splits a number from its unit")
            for m in re.finditer(r"（[^（）]{1,12}）", title):
                if m.start() < at < m.end():
                    problems.append(f"{' | '.join(set_lines)}: splits {m.group()}")
        if len(set_lines[-1]) <= 2:
            problems.append(f"{' | '.join(set_lines)}: a last line of {len(set_lines[-1])} characters")
        w = [width(l) for l in set_lines]
        if len(w) >= 3 and (max(w) - min(w) <= 2
                            or any(w[i] < w[i - 1] and w[i] < w[i + 1] for i in range(1, len(w) - 1))):
            problems.append(f"{' | '.join(set_lines)}: a rectangle or an hourglass")
for title in set(titles) - found:
    problems.append(f"{title}: not found in the text")
for p in sorted(set(problems)):
    print("problem:", p)
for p in sorted(set(disagreements)):
    print("disagreement:", p)
print("runs:", runs)
print("disagreements:", len(set(disagreements)))
PY
}

# well_set PDF TITLES MINIMUM: at least MINIMUM multi-line runs, no problem,
# and no break jieba reads as inside a word.
well_set() {
  local report runs disagreements
  report=$(judged "$1" "$2")
  runs=$(echo "$report" | sed -n 's/^runs: //p')
  disagreements=$(echo "$report" | sed -n 's/^disagreements: //p')
  echo "$report" | grep -E '^(problem|disagreement):' | sed 's/^/  /' || true
  echo "  $runs multi-line titles and contents entries checked, $disagreements with a break inside a jieba word"
  ! grep -q '^problem:' <<<"$report" && [ "$runs" -ge "$3" ] && [ "$disagreements" -eq 0 ]
}

cargo build -q
sample=samples/shanghai-gazette-2025-08
cargo run -q -- build --no-seal "$sample" --out "$work/sample" >/dev/null 2>&1
titles "$work/sample/shanghai-gazette-2025-08" >"$work/sample-titles.txt"
check "the sample's titles and contents break between jieba's words, in balanced lines" \
  well_set "$work/sample/shanghai-gazette-2025-08/shanghai-gazette-2025-08.pdf" "$work/sample-titles.txt" 18

generate "$work/generated"
cargo run -q -- build --no-seal "$work/generated" --out "$work/out" >/dev/null 2>&1
titles "$work/out/title-test-2025-01" >"$work/generated-titles.txt"
check "120 generated titles break between jieba's words, in balanced lines" \
  well_set "$work/out/title-test-2025-01/title-test-2025-01.pdf" "$work/generated-titles.txt" 100

finish
