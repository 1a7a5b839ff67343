use super::*;

/// The sample's titles (samples/shanghai-gazette-2025-08) that issue 17
/// found broken inside words: 提振消费扩 | 大内需, 公报数 | 字化, 养老服 | 务消费,
/// 2025年上 | 海市, 本 | 市迎峰度夏, （2025—2027 | 年）, 解读 alone.
#[test]
fn the_samples_titles_break_between_words() {
    let cases: [(&str, &[&str]); 8] = [
        (
            "上海市人民政府印发《关于进一步提振消费扩大内需的若干措施》的通知",
            &[
                "上海市人民政府印发",
                "《关于进一步提振消费扩大内需的若干措施》",
                "的通知",
            ],
        ),
        (
            "上海市人民政府关于印发《上海市政府公报数字化发布管理办法》的通知",
            &[
                "上海市人民政府关于印发",
                "《上海市政府公报数字化发布管理办法》",
                "的通知",
            ],
        ),
        (
            "上海市人民政府办公厅关于进一步扩大养老服务消费促进银发经济高质量发展的实施意见",
            &[
                "上海市人民政府办公厅关于进一步扩大养老",
                "服务消费促进银发经济高质量发展的实施意见",
            ],
        ),
        (
            "上海市发展和改革委员会关于做好2025年本市迎峰度夏电力保供工作的通知",
            &[
                "上海市发展和改革委员会关于做好",
                "2025年本市迎峰度夏电力保供工作的通知",
            ],
        ),
        (
            "上海市人民政府办公厅关于印发《上海市既有多层住宅加装电梯三年行动方案（2025—2027年）》的通知",
            &[
                "上海市人民政府办公厅关于印发《上海市",
                "既有多层住宅加装电梯三年行动方案",
                "（2025—2027年）》的通知",
            ],
        ),
        (
            "《上海市政府公报数字化发布管理办法》政策解读",
            &["《上海市政府公报数字化发布管理办法》", "政策解读"],
        ),
        (
            // The name fills a line, and 解读 may not stand alone: the name
            // is broken between its words instead.
            "《上海市涉企行政检查“检查码”管理规定》解读",
            &["《上海市涉企行政检查", "“检查码”管理规定》解读"],
        ),
        (
            "上海市人民政府关于任免顾振宇等职务的通知",
            &["上海市人民政府关于任免顾振宇等职务的通知"],
        ),
    ];
    for (title, expected) in cases {
        assert_eq!(lines(title, TITLE), expected, "{title}");
    }
}

#[test]
fn a_contents_entry_keeps_room_for_its_page_number_on_the_last_line() {
    let title = "上海市人民政府印发《关于进一步提振消费扩大内需的若干措施》的通知";
    assert_eq!(
        lines(title, CONTENTS),
        [
            "上海市人民政府印发",
            "《关于进一步提振消费扩大内需的若干措施》的通知"
        ]
    );
    // 28 ems of text fit a line of 29, not with the page number.
    let full = "上海市人民政府关于做好二〇二五年本市迎峰度夏电力保供工作";
    assert_eq!(full.chars().count(), 28);
    assert_eq!(lines(full, CONTENTS).len(), 2);
    assert_eq!(lines(full, COVER), [full]);
}

#[test]
fn a_break_by_hand_inside_a_word_is_found() {
    let lines = [
        "上海市人民政府印发《关于进一步提振消费扩".to_string(),
        "大内需的若干措施》的通知".to_string(),
    ];
    assert_eq!(
        split_words(&lines),
        [("扩大内需".to_string(), lines[0].clone())]
    );
    let between = [
        "上海市人民政府印发".to_string(),
        "《关于进一步提振消费扩大内需的若干措施》的通知".to_string(),
    ];
    assert!(split_words(&between).is_empty());
    // The second line is 23 characters, wider than a title line.
    assert_eq!(too_wide(&between, TITLE), [between[1].as_str()]);
    assert!(too_wide(&between, CONTENTS).is_empty());
}

/// Titles shaped like those of Chinese government gazettes: 印发, 同意 and
/// 转发 notices with years, ranges, parentheses, 第…批 and 等N件.
fn generated() -> Vec<String> {
    let issuers = [
        "上海市人民政府",
        "上海市人民政府办公厅",
        "上海市发展和改革委员会",
        "上海市住房和城乡建设管理委员会",
        "上海市经济和信息化委员会",
        "浦东新区人民政府",
    ];
    let issued = [
        "上海市促进人工智能产业高质量发展若干措施",
        "关于进一步优化营商环境的实施方案",
        "上海市城市更新行动方案（2023—2025年）",
        "上海市公共数据开放管理办法（试行）",
        "上海市老旧小区综合改造三年行动计划",
        "上海市医疗卫生服务体系规划（2021—2025年）",
        "关于加快推进新型基础设施建设的指导意见",
        "上海市生活垃圾分类管理实施细则（试行）",
    ];
    let approved = [
        "《金山区枫泾镇国土空间总体规划（2024—2035年）》",
        "设立上海市张江科学城建设管理委员会",
        "撤销宝山区罗店镇设立罗店街道",
        "《崇明区陈家镇控制性详细规划（2025年修订）》",
    ];
    let forwarded = [
        "市发展改革委等五部门关于推进2025年度重大工程建设的意见",
        "国务院办公厅关于加强基层应急管理能力建设的意见",
    ];
    let mut titles = Vec::new();
    for issuer in issuers {
        for document in issued {
            titles.push(format!("{issuer}关于印发《{document}》的通知"));
        }
        for what in approved {
            titles.push(format!("{issuer}关于同意{what}的批复"));
        }
        for what in forwarded {
            titles.push(format!("{issuer}转发{what}的通知"));
        }
        titles.push(format!(
            "{issuer}关于公布第三批上海市非物质文化遗产代表性项目名录的通知"
        ));
        titles.push(format!(
            "{issuer}关于废止《上海市社会救助办法》等12件规范性文件的决定"
        ));
        titles.push(format!(
            "{issuer}关于做好2025年第2批市级重大项目开工建设工作的通知"
        ));
        titles.push(format!(
            "{issuer}关于印发2025年12月31日前完成的重点任务清单的通知"
        ));
    }
    titles
}

/// The rules every set title keeps, checked here without the breaker's own
/// code: the text whole, every line within the measure, no last line of one
/// or two characters, a number with its unit, a short parenthesis and a
/// 《…》 name that fits on one line, no rectangle, no hourglass, and every
/// break between the segmenter's words.
fn assert_set_well(title: &str, lines: &[String], measure: Measure) {
    assert_eq!(lines.concat(), title);
    let widths: Vec<usize> = lines.iter().map(|l| l.chars().map(width).sum()).collect();
    let last = lines.len() - 1;
    for (i, w) in widths.iter().enumerate() {
        let reserve = if i == last { measure.after_last } else { 0 };
        assert!(w + reserve <= measure.line, "{lines:?}: line {i} too wide");
    }
    if lines.len() == 1 {
        return;
    }
    assert!(
        lines[last].chars().count() > 2,
        "{lines:?}: last line too short"
    );
    let chars: Vec<char> = title.chars().collect();
    let segmented = Title::new(title);
    let mut at = 0;
    let mut breaks = Vec::new();
    for line in &lines[..last] {
        at += line.chars().count();
        breaks.push(at);
        assert!(
            segmented.word_boundary[at],
            "{lines:?}: break inside a word"
        );
        let (before, after) = (chars[at - 1], chars[at]);
        assert!(
            !(before.is_ascii_digit()
                && (after.is_ascii_digit() || "年月日号件批期".contains(after))),
            "{lines:?}: a number split from its unit"
        );
        assert!(
            !(before == '第' && is_numeral(after)),
            "{lines:?}: 第 split from its number"
        );
        assert!(
            !"）》”、，。".contains(after),
            "{lines:?}: a line starts with closing punctuation"
        );
    }
    let inside = |open: usize, close: usize| breaks.iter().any(|&b| b > open && b <= close);
    for (open, c) in chars.iter().enumerate() {
        let close_mark = match c {
            '（' => '）',
            '《' => '》',
            _ => continue,
        };
        let Some(close) = (open..chars.len()).find(|&j| chars[j] == close_mark) else {
            continue;
        };
        let span_width: usize = chars[open..=close].iter().copied().map(width).sum();
        if (*c == '（' && close - open - 1 <= 12) || (*c == '《' && span_width <= measure.line) {
            assert!(!inside(open, close), "{lines:?}: {c}…{close_mark} split");
        }
    }
    if lines.len() >= 3 {
        let (min, max) = (widths.iter().min().unwrap(), widths.iter().max().unwrap());
        assert!(max - min > 10, "{lines:?}: a rectangle");
        for i in 1..last {
            assert!(
                !(widths[i] < widths[i - 1] && widths[i] < widths[i + 1]),
                "{lines:?}: an hourglass"
            );
        }
    }
}

#[test]
fn a_hundred_generated_titles_break_as_an_editor_would() {
    let titles = generated();
    assert!(titles.len() >= 100, "{}", titles.len());
    let mut multi_line = 0;
    for title in &titles {
        for measure in [TITLE, CONTENTS, COVER] {
            let set = lines(title, measure);
            multi_line += usize::from(set.len() > 1);
            assert_set_well(title, &set, measure);
        }
    }
    assert!(
        multi_line >= 100,
        "only {multi_line} titles took more than one line"
    );
}

/// Titles of the generated issue in tests/interop/titles.sh that ICU4X's
/// words alone broke inside a compound jieba reads as one word.
#[test]
fn no_break_falls_inside_a_compound_of_either_segmenter() {
    let compounds = ["城市更新", "重大项目", "文化遗产"];
    let titles = [
        "上海市人民政府办公厅关于印发《上海市城市更新行动方案（2023—2025年）》的通知",
        "上海市住房和城乡建设管理委员会关于公布第三批上海市非物质文化遗产代表性项目名录的通知",
        "上海市住房和城乡建设管理委员会关于做好2025年第2批市级重大项目开工建设工作的通知",
    ];
    for title in titles {
        for measure in [TITLE, CONTENTS, COVER] {
            let set = lines(title, measure);
            let mut at = 0;
            for line in &set[..set.len() - 1] {
                at += line.len();
                for compound in compounds {
                    if let Some(start) = title.find(compound) {
                        assert!(
                            at <= start || at >= start + compound.len(),
                            "{set:?} breaks {compound}"
                        );
                    }
                }
            }
        }
    }
}
