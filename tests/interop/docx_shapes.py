"""Word files in the shapes offices send, made with python-docx, and what
`gazette import` must find in each: tests/interop/import.sh.

    python3 docx_shapes.py shapes OUT        twelve documents of the usual kinds
    python3 docx_shapes.py sample ISSUE OUT  the issue's documents as Word files
    python3 docx_shapes.py check EXPECTED DOCUMENT_MD DATA_JSON PDF_TEXT
    python3 docx_shapes.py merged DATA_JSON PDF_TEXT   the merged table's spans and header

Each OUT/NAME.docx has OUT/NAME.json beside it: the front matter the import
must write and the text (whitespace removed) of the body and attachments,
which the built edition must print. Layout is as GB/T 9704 asks: the
masthead in red, the title centred in 22 pt, the body in 16 pt, the issuer
and date flush right. The texts are made up in the style of the sample
issue, except the sample's own documents.
"""

import json
from collections import Counter
import re
import sys
import tomllib
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
NUMERALS = "〇一二三四五六七八九"


class Writer:
    """A Word document and the text it holds, written part by part."""

    def __init__(self, language=None):
        self.doc = docx.Document()
        self.text = []  # (text, whether it is a table cell's)
        self.meta = {"attachments": []}
        if language:
            rpr = self.doc.styles["Normal"].element.get_or_add_rPr()
            lang = OxmlElement("w:lang")
            lang.set(qn("w:eastAsia"), language)
            rpr.append(lang)

    def para(self, runs, size=16, align=None, body=True, page_break=False):
        if isinstance(runs, str):
            runs = [(runs, False)]
        p = self.doc.add_paragraph()
        if page_break:
            p.paragraph_format.page_break_before = True
        for text, bold in runs:
            r = p.add_run(text)
            r.font.size = Pt(size)
            r.bold = bold
        if align is not None:
            p.alignment = align
        if body:
            self.text.append(("".join(t for t, _ in runs), False))
        return p

    def masthead(self, mark, number):
        p = self.para(mark, 36, CENTER, body=False)
        p.runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
        self.para(number, 16, CENTER, body=False)
        self.meta["number"] = number

    def title(self, *lines):
        for line in lines:
            self.para(line, 22, CENTER, body=False)
        self.meta["title"] = "".join(lines)

    def addressees(self, text):
        self.para(text + "：", body=False)
        self.meta["addressees"] = text

    def closing(self, issuer, date, written):
        self.para(issuer, align=RIGHT, body=False)
        self.para(written, align=RIGHT, body=False)
        self.meta["issuer"] = issuer
        self.meta["date"] = date

    def attachment_list(self, titles):
        if len(titles) == 1:
            self.para("附件：" + titles[0], body=False)
        else:
            for n, title in enumerate(titles, 1):
                self.para(("附件：" if n == 1 else "　　　") + f"{n}．{title}", body=False)

    def attachment(self, label, title):
        self.para(label, body=False, page_break=True)
        self.para(title, 22, CENTER, body=False)
        self.meta["attachments"].append(title)

    def table(self, rows, merges=(), header_rows=1):
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.cell(i, j).text = value
        for (r1, c1), (r2, c2) in merges:
            # python-docx moves the text of the cells merged into the first:
            # as in Word, only the first holds text.
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        table.cell(r, c).text = ""
            table.cell(r1, c1).merge(table.cell(r2, c2))
        for i in range(header_rows):
            trpr = table.rows[i]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            trpr.append(header)
        merged = {(r, c) for (r1, c1), (r2, c2) in merges
                  for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
                  if (r, c) != (r1, c1)}
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if (i, j) not in merged:
                    self.text.append((value, True))

    def save(self, out, name, **meta):
        self.meta.update(meta)
        self.doc.save(out / f"{name}.docx")
        def joined(which):
            return squeeze("".join(t for t, cell in self.text if which(cell)))
        expected = dict(self.meta, text=joined(lambda cell: True),
                        prose=joined(lambda cell: not cell), cells=joined(lambda cell: cell))
        (out / f"{name}.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1))


def squeeze(text):
    return re.sub(r"\s+", "", text)


def chinese_date(year, month, day):
    def small(n):
        if n < 10:
            return NUMERALS[n]
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[units] if units else "")
    return "".join(NUMERALS[int(d)] for d in str(year)) + f"年{small(month)}月{small(day)}日"


BODY = [
    "各区人民政府要切实承担本行政区域主体责任，将责任分解到街道（乡镇）、村（居）委和具体岗位，确保“横向到边、纵向到底”。",
    "市政府各有关部门要按照“管行业必须管安全”的要求，落实本行业、本领域监管责任，加强督促检查，及时协调解决工作中的重大问题。",
    "各单位要结合实际制定具体实施方案，明确任务分工和时间节点，于2025年9月30日前将落实情况报送市政府办公厅。",
]


def circular(out):
    w = Writer()
    w.masthead("上海市人民政府文件", "沪府〔2025〕52号")
    w.title("上海市人民政府关于加强2025年", "秋冬季安全生产工作的通知")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("为切实做好秋冬季安全生产工作，现就有关事项通知如下：")
    for n, heading in enumerate(["一、压实安全生产责任", "二、深化隐患排查整治", "三、强化应急准备"]):
        w.para(heading)
        w.para(BODY[n])
    w.closing("上海市人民政府", "2025-09-12", "2025年9月12日")
    w.para("（此件公开发布）", body=False)
    w.save(out, "01-tongzhi")


def reply(out):
    w = Writer()
    w.masthead("上海市人民政府", "沪府〔2025〕63号")
    w.title("上海市人民政府关于同意金山区枫泾镇国土空间总体规划的批复")
    w.addressees("金山区人民政府")
    w.para("你区《关于报请审批金山区枫泾镇国土空间总体规划的请示》收悉。经研究，批复如下：")
    w.para("一、原则同意《金山区枫泾镇国土空间总体规划（2021—2035年）》。")
    w.para("二、你区要严格落实规划确定的各项管控要求，切实维护规划的严肃性和权威性。")
    w.para("特此批复。")
    w.closing("上海市人民政府", "2025-08-05", chinese_date(2025, 8, 5))
    w.save(out, "02-pifu")


def measures(out):
    w = Writer()
    w.masthead("上海市人民政府办公厅文件", "沪府办规〔2025〕14号")
    w.title("上海市人民政府办公厅关于印发《上海市公共数据开放管理办法》的通知")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("《上海市公共数据开放管理办法》已经市政府同意，现印发给你们，请认真按照执行。")
    w.closing("上海市人民政府办公厅", "2025-07-20", "2025年7月20日")
    w.attachment("附件", "上海市公共数据开放管理办法")
    w.para("第一章　总则", align=CENTER)
    w.para([("第一条", True), ("　为了规范本市公共数据开放工作，促进公共数据依法有序利用，制定本办法。", False)])
    w.para([("第二条", True), ("　本市行政机关开放公共数据的活动，适用本办法。", False)])
    w.para("第二章　开放管理", align=CENTER)
    w.para([("第三条", True), ("　公共数据开放应当遵循需求导向、安全可控、分级分类的原则。", False)])
    w.para([("第四条", True), ("　本办法自2025年9月1日起施行。", False)])
    w.save(out, "03-banfa")


def opinions(out):
    w = Writer()
    w.masthead("上海市人民政府文件", "沪府发〔2025〕11号")
    w.title("上海市人民政府关于推进城市数字化转型的实施意见")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("为全面推进城市数字化转型，提出如下意见：")
    w.para("一、总体要求")
    w.para([("（一）指导思想。", True), ("坚持整体性转变、全方位赋能、革命性重塑。", False)])
    w.para([("（二）主要目标。", True), ("到2027年，城市数字化转型取得显著成效。", False)])
    w.para("二、重点任务")
    w.para("（一）推动经济数字化转型")
    w.para("1.培育数字经济新业态")
    w.para([("（1）发展平台经济。", True), ("支持平台企业规范健康发展。", False)])
    w.para([("（2）发展数据要素市场。", True), ("完善数据交易规则，培育数据服务机构。", False)])
    w.para("2.推动产业数字化")
    w.para(BODY[0])
    w.closing("上海市人民政府", "2025-06-18", "2025年6月18日")
    w.save(out, "04-yijian")


def merged_table(out):
    w = Writer()
    w.masthead("上海市人民政府办公厅文件", "沪府办发〔2025〕33号")
    w.title("上海市人民政府办公厅关于印发重点任务分工方案的通知")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("现将重点任务分工方案印发给你们，请认真抓好落实。")
    w.attachment_list(["重点任务分工表"])
    w.closing("上海市人民政府办公厅", "2025-08-08", "2025年8月8日")
    w.attachment("附件", "重点任务分工表")
    rows = [["序号", "重点任务", "具体举措", "责任单位"]]
    units = ["市发展改革委", "市经济信息化委", "市商务委", "市财政局"]
    for n in range(1, 41):
        rows.append([str(n), f"第{n}项重点任务", f"完善第{n}项工作机制，按季度报送推进情况", units[(n - 1) // 10]])
    # Each unit's cell spans its ten rows; the table runs over two pages.
    merges = [((1 + 10 * k, 3), (10 + 10 * k, 3)) for k in range(4)]
    w.table(rows, merges)
    w.save(out, "05-fengongbiao")


def two_attachments(out):
    w = Writer()
    w.masthead("上海市人民政府办公厅文件", "沪府办〔2025〕40号")
    w.title("上海市人民政府办公厅关于开展2025年政务公开第三方评估的通知")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("为客观评价本市政务公开工作成效，决定开展第三方评估。现将有关事项通知如下：")
    w.para(BODY[2])
    w.attachment_list(["政务公开第三方评估指标", "评估工作联系人名单"])
    w.closing("上海市人民政府办公厅", "2025-09-01", "2025年9月1日")
    w.attachment("附件1", "政务公开第三方评估指标")
    w.para("一、主动公开情况")
    w.para("二、依申请公开办理情况")
    w.attachment("附件2", "评估工作联系人名单")
    w.table([["单位", "姓名", "联系电话"], ["市政府办公厅", "王明", "23456789"], ["市大数据中心", "李华", "23456790"]])
    w.save(out, "06-liangge-fujian")


def personnel(out):
    w = Writer()
    w.masthead("上海市人民政府文件", "沪府任〔2025〕13号")
    w.title("上海市人民政府关于张三等同志职务任免的通知")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("经研究决定：")
    for line in ["任命张三为上海市发展和改革委员会副主任；", "任命李四为上海市教育委员会副主任；", "免去王五的上海市民政局副局长职务。"]:
        w.para(line)
    w.closing("上海市人民政府", "2025-08-12", "2025年8月12日")
    w.save(out, "07-renmian")


def traditional(out):
    w = Writer(language="zh-TW")
    w.masthead("上海市人民政府辦公廳", "滬府辦字〔2025〕7號")
    w.title("上海市人民政府辦公廳關于做好2025年防汛防颱工作的通知")
    w.addressees("各區人民政府,市政府各委、辦、局")
    w.para("為切實做好今年防汛防颱工作,現就有關事項通知如下:")
    w.para("一、壓實防汛責任")
    w.para("各區、各部門要落實防汛防颱責任制,確保責任到人、措施到位。")
    w.closing("上海市人民政府辦公廳", "2025-05-20", "2025年5月20日")
    w.para("（此件公開發布）", body=False)
    w.save(out, "08-fanti", language="zh-Hant")


def report(out):
    w = Writer()
    w.masthead("上海市人民政府办公厅文件", "沪府办〔2025〕45号")
    w.title("上海市人民政府办公厅关于2025年上半年政务服务“好差评”情况的通报")
    w.addressees("各区人民政府，市政府各委、办、局")
    w.para("2025年上半年，全市政务服务“好差评”系统共收到评价1256万件，好评率99.9%。现将有关情况通报如下：")
    w.para("一、总体情况")
    w.para(BODY[1])
    w.para("二、下一步工作要求")
    w.para(BODY[2])
    w.closing("上海市人民政府办公厅", "2025-07-30", "2025年7月30日")
    w.save(out, "09-tongbao")


def letter(out):
    w = Writer()
    w.masthead("上海市人民政府办公厅", "沪府办函〔2025〕58号")
    w.title("上海市人民政府办公厅关于同意举办2025上海国际数据要素博览会的函")
    w.addressees("市经济信息化委")
    w.para("你委《关于举办2025上海国际数据要素博览会的请示》收悉。经市政府同意，现函复如下：")
    w.para("一、同意于2025年11月在国家会展中心（上海）举办2025上海国际数据要素博览会。")
    w.para("二、请你委会同有关部门做好安全保障等工作。")
    w.closing("上海市人民政府办公厅", "2025-08-20", "2025年8月20日")
    w.save(out, "10-han")


def decision(out):
    w = Writer()
    w.masthead("上海市人民政府文件", "沪府〔2025〕70号")
    w.title("上海市人民政府关于废止和修改部分市政府规章的决定")
    w.para("经研究，市政府决定：")
    w.para("一、废止《上海市公共信息系统管理办法》（2003年市政府令第5号）。")
    w.para("二、对《上海市政府信息公开规定》作如下修改：将第十条中的“15个工作日”修改为“10个工作日”。")
    w.para("本决定自公布之日起施行。")
    w.closing("上海市人民政府", "2025-09-05", "2025年9月5日")
    w.save(out, "11-jueding")


def announcement(out):
    w = Writer()
    w.masthead("上海市人民政府", "沪府告〔2025〕2号")
    w.title("上海市人民政府关于本市2025年国庆节期间道路交通管制的公告")
    w.para("为确保国庆节期间道路交通安全有序，根据《中华人民共和国道路交通安全法》，决定对部分道路实施临时交通管制。现公告如下：")
    w.para("一、管制时间：2025年10月1日至10月7日。")
    w.para("二、管制范围：外滩地区中山东一路（延安东路至北京东路）。")
    w.para("特此公告。")
    w.closing("上海市人民政府", "2025-09-25", "2025年9月25日")
    w.save(out, "12-gonggao")


SHAPES = [circular, reply, measures, opinions, merged_table, two_attachments,
          personnel, traditional, report, letter, decision, announcement]


def strip_markup(text):
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("**", "").replace("*", "")


def markdown_into(w, markdown):
    """A document body of the sample into `w`, paragraph by paragraph."""
    blocks = re.split(r"\n\s*\n", markdown.strip())
    for block in blocks:
        lines = block.split("\n")
        if lines[0].startswith("|"):
            rows = [[strip_markup(c.strip()) for c in line.strip().strip("|").split("|")]
                    for line in lines if not re.match(r"^\|[\s:|-]+\|$", line.strip())]
            width = max(len(r) for r in rows)
            w.table([r + [""] * (width - len(r)) for r in rows])
            continue
        heading = re.match(r"^(#+) (.*)$", lines[0])
        if heading:
            text = strip_markup(heading.group(2))
            centred = re.match(r"^第[〇零一二三四五六七八九十百千两]+[章节節]", text)
            w.para(text, align=CENTER if centred else None)
            continue
        joined = "\n".join(l.rstrip("\\") for l in lines)
        lead = re.match(r"^\*\*(.+?)\*\*\s*(.*)$", joined, re.S)
        if lead:
            rest = strip_markup(lead.group(2).replace("\n", ""))
            w.para([(strip_markup(lead.group(1)), True), (rest, False)])
        else:
            w.para(strip_markup(joined.replace("\n", "")))


def sample(issue, out):
    """Each document of the issue as the Word file its office would send."""
    for md in sorted((issue / "documents").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        _, front, body = text.split("+++", 2)
        meta = tomllib.loads(front)
        language = meta.get("language")
        w = Writer(language="zh-TW" if language == "zh-Hant" else None)
        number = meta.get("number")
        if number:
            w.masthead(meta["issuer"] + ("文件" if language != "zh-Hant" else ""), number)
        w.title(meta["title"])
        if "addressees" in meta:
            w.addressees(meta["addressees"].rstrip("：:"))
        markdown_into(w, body)
        attachments = meta.get("attachments", [])
        if attachments:
            w.attachment_list([a["title"] for a in attachments])
        d = meta["date"]
        w.closing(meta["issuer"], d.isoformat(), f"{d.year}年{d.month}月{d.day}日")
        several = len(attachments) > 1
        for n, a in enumerate(attachments, 1):
            w.attachment(f"附件{n}" if several else "附件", a["title"])
            markdown_into(w, (md.parent / a["file"]).read_text(encoding="utf-8"))
        extra = {"language": language} if language else {}
        w.save(out, "sample-" + md.stem, **extra)


def texts(node):
    """Every `text` of a data file's body, in order."""
    if isinstance(node, list):
        return "".join(texts(n) for n in node)
    if isinstance(node, dict):
        return "".join(v if k == "text" and isinstance(v, str) else texts(v) for k, v in node.items())
    return ""


def is_subsequence(needle, haystack):
    it = iter(haystack)
    return all(c in it for c in needle)


def check(expected_path, document_md, data_json, pdf_text):
    expected = json.loads(Path(expected_path).read_text(encoding="utf-8"))
    _, front, _ = Path(document_md).read_text(encoding="utf-8").split("+++", 2)
    front = tomllib.loads(front)
    problems = []
    for key in ["title", "number", "issuer", "addressees", "date", "language"]:
        want = expected.get(key)
        got = front.get(key)
        got = got.isoformat() if hasattr(got, "isoformat") else got
        if want != got:
            problems.append(f"{key}: expected {want!r}, imported {got!r}")
    titles = [a["title"] for a in front.get("attachments", [])]
    if titles != expected["attachments"]:
        problems.append(f"attachments: expected {expected['attachments']}, imported {titles}")
    data = json.loads(Path(data_json).read_text(encoding="utf-8"))
    printed = squeeze(texts(data["body"]) + "".join(texts(a["body"]) for a in data["attachments"]))
    if printed != expected["text"]:
        at = next((i for i, (a, b) in enumerate(zip(printed, expected["text"])) if a != b),
                  min(len(printed), len(expected["text"])))
        problems.append(f"text departs at {at}: word «{expected['text'][at:at + 20]}» edition «{printed[at:at + 20]}»")
    # A page's text comes out line by line: a table cell whose text wraps is
    # read across its row, so table text is checked character by character,
    # and everything else in order.
    pdf = squeeze(Path(pdf_text).read_text(encoding="utf-8"))
    if not is_subsequence(expected["prose"], pdf):
        problems.append("the PDF does not print every character of the Word file's text in order")
    missing = Counter(expected["cells"]) - Counter(pdf)
    if missing:
        problems.append(f"the PDF lacks characters of the tables: {''.join(missing.elements())[:40]}")
    for p in problems:
        print("  " + p)
    return not problems


def merged(data_json, pdf_text):
    """The 40-row table of 05-fengongbiao: four merged cells in the data, and
    on every page the table runs onto, its header row."""
    data = json.loads(Path(data_json).read_text(encoding="utf-8"))
    table = next(b for a in data["attachments"] for b in a["body"] if b["kind"] == "table")
    spans = table.get("spans", [])
    ok = [(s["rows"], s["columns"]) for s in spans] == [(10, 1)] * 4
    if not ok:
        print(f"  spans: expected four of 10 rows, found {spans}")
    pages = [squeeze(p) for p in Path(pdf_text).read_text(encoding="utf-8").split("\f")]
    with_rows = [p for p in pages if "项重点任务" in p]
    if len(with_rows) < 2:
        print(f"  the table runs onto {len(with_rows)} page(s), not two or more")
        ok = False
    # pdftotext reads a page line by line, and a tall merged cell's text
    # comes where its line falls: the header's cells are looked for apart.
    for n, page in enumerate(with_rows, 1):
        if not all(cell in page for cell in ["序号", "具体举措", "责任单位"]):
            print(f"  page {n} of the table has no header row")
            ok = False
    if ok:
        print(f"  {len(spans)} merged cells; the header row on each of the table's {len(with_rows)} pages")
    return ok


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "shapes":
        out = Path(sys.argv[2])
        for shape in SHAPES:
            shape(out)
    elif command == "sample":
        sample(Path(sys.argv[2]), Path(sys.argv[3]))
    elif command == "check":
        sys.exit(0 if check(*sys.argv[2:6]) else 1)
    elif command == "merged":
        sys.exit(0 if merged(*sys.argv[2:4]) else 1)
    else:
        sys.exit(f"unknown command {command}")
