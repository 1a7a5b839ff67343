//! Where a display title breaks into lines, as a Chinese editor sets it
//! (GB/T 9704-2012 7.3.3: each line keeps its words whole, the lines are
//! symmetrical, the block a trapezoid or a diamond). typst is handed the
//! lines as data and never breaks them again; see docs/manifest.md, "Titles".
//!
//! Words come from two segmenters, and a line ends only where both see a
//! word end: ICU4X's dictionary word segmenter (the same compiled data
//! typst's own line breaker is built with, so it costs no build time) and
//! jieba's dictionary ([`jieba`]), which reads compounds such as 城市更新 as
//! one word where ICU4X reads two. Of the boundaries between words, those
//! that would split a number from its unit, a short parenthesis or
//! quotation, a 《…》 name that fits a line, or put punctuation where a line
//! may not start or end (避头尾) are no candidates.
//! Among the remaining break sets of the fewest lines that fit (and one line
//! more), the one nearest a trapezoid or diamond wins; a last line of one or
//! two characters, equal lines (a rectangle) and a short middle line (an
//! hourglass) are never chosen while anything else fits.
//!
//! Widths are counted in tenths of an em of the title's own size: a
//! full-width (CJK) character is ten, anything else six. The bundled bold
//! Song draws ASCII digits wider than half an em (a 20-character line of
//! half-em digits overflowed), so six errs towards a line fitting;
//! measuring with the face's advances would be exact but tie the breaks to
//! whichever font an office installs.

mod jieba;

use std::sync::LazyLock;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::model::{Document, Edition, ManualLines};

/// Where a title is set: how wide a line is, and how much of the last line
/// something after the title takes (the contents' leader and page number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// In tenths of an em of the title's size.
    pub line: usize,
    /// In tenths of an em, kept free at the end of the last line.
    pub after_last: usize,
}

/// A document, attachment or interpretation title: 2号 (22 pt) over the
/// 156 mm type area is 20.1 ems. Keep in step with `title-block` in
/// templates/document.typ.
pub const TITLE: Measure = Measure {
    line: 200,
    after_last: 0,
};

/// An entry of the contents (目录): 14 pt, 156 mm less a 2 em indent is
/// 29.6 ems; the last line keeps 4 ems for the dot leader and the page
/// number. Keep in step with `contents` in templates/cover.typ.
pub const CONTENTS: Measure = Measure {
    line: 290,
    after_last: 40,
};

/// An entry of the cover's 本期要目: 10.5 pt, 162 mm less a 2 em indent is
/// 41.7 ems. Keep in step with `cover` in templates/cover.typ.
pub const COVER: Measure = Measure {
    line: 410,
    after_last: 0,
};

/// A parenthesis or quotation of at most this many characters inside is
/// never broken (a 《…》 name is kept whole whenever it fits a line).
const SHORT_ENCLOSURE: usize = 12;

/// One character in tenths of an em.
fn width(c: char) -> usize {
    // Typographic quotes, dashes and the ellipsis are full width in a
    // Chinese face though Unicode calls them ambiguous.
    if crate::diagnostic::is_wide(c) || matches!(c, '‘' | '’' | '“' | '”' | '—' | '…' | '·')
    {
        10
    } else {
        6
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(width).sum()
}

static WORDS: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// The title as lines for `measure`: one line when it fits.
pub fn lines(title: &str, measure: Measure) -> Vec<String> {
    let [lines] = lines_for(title, [measure]);
    lines
}

/// The title as lines for each of `measures`, its words found once.
fn lines_for<const N: usize>(title: &str, measures: [Measure; N]) -> [Vec<String>; N] {
    let mut words: Option<Title> = None;
    measures.map(|measure| {
        if text_width(title) + measure.after_last <= measure.line {
            return vec![title.to_string()];
        }
        let title = words.get_or_insert_with(|| Title::new(title));
        let breaks = [Strictness::Editor, Strictness::Words, Strictness::Anywhere]
            .into_iter()
            .find_map(|strictness| title.best(measure, &title.candidates(measure, strictness)))
            .unwrap_or_default();
        title.cut(&breaks)
    })
}

/// Each break inside a word of `lines`, which an editor wrote by hand: the
/// word, and the line the break ends, for a warning.
pub fn split_words(lines: &[String]) -> Vec<(String, String)> {
    let joined: String = lines.concat();
    let title = Title::new(&joined);
    let mut at = 0;
    let mut split = Vec::new();
    for line in &lines[..lines.len().saturating_sub(1)] {
        at += line.chars().count();
        if !title.word_boundary[at] {
            let word = title.word_around(at);
            split.push((word, line.clone()));
        }
    }
    split
}

/// The lines of `lines` wider than `measure` allows, which typst would
/// have to break again.
pub fn too_wide(lines: &[String], measure: Measure) -> Vec<&str> {
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .filter(|(i, line)| {
            text_width(line) + if *i == last { measure.after_last } else { 0 } > measure.line
        })
        .map(|(_, line)| line.as_str())
        .collect()
}

/// Adds each title's lines to `json`, the edition as the templates read it
/// (`edition` serialised): every document gets `title_lines` with its
/// lines as a title (`title`), in the contents (`contents`) and on the cover
/// (`cover`); every attachment and interpretation gets `title_lines`, its
/// lines as a title. An editor's own lines set the title; the contents and
/// the cover, of other measures, are broken by the rules.
pub fn annotate(edition: &Edition, json: &mut Value) {
    let documents: Vec<(usize, usize, &Document)> = edition
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, section)| {
            section
                .documents
                .iter()
                .enumerate()
                .map(move |(d, doc)| (s, d, doc))
        })
        .collect();
    // Finding the words is most of the work, and each title is set alone.
    let set: Vec<DocumentLines> = documents
        .par_iter()
        .map(|(_, _, document)| DocumentLines::of(document))
        .collect();
    for ((s, d, _), lines) in documents.iter().zip(set) {
        let entry = &mut json["sections"][*s]["documents"][*d];
        entry["title_lines"] = json!({
            "title": lines.title,
            "contents": lines.contents,
            "cover": lines.cover,
        });
        for (a, attachment) in lines.attachments.into_iter().enumerate() {
            entry["attachments"][a]["title_lines"] = json!(attachment);
        }
        if let Some(interpretation) = lines.interpretation {
            entry["interpretation"]["title_lines"] = json!(interpretation);
        }
    }
}

/// One document's titles as lines, wherever they are set.
struct DocumentLines {
    title: Vec<String>,
    contents: Vec<String>,
    cover: Vec<String>,
    attachments: Vec<Vec<String>>,
    interpretation: Option<Vec<String>>,
}

impl DocumentLines {
    fn of(document: &Document) -> Self {
        let (title, [contents, cover]) = match &document.title_lines {
            Some(manual) => (
                manual.lines.clone(),
                lines_for(&document.title, [CONTENTS, COVER]),
            ),
            None => {
                let [title, contents, cover] = lines_for(&document.title, [TITLE, CONTENTS, COVER]);
                (title, [contents, cover])
            }
        };
        let as_title = |text: &str, manual: &Option<ManualLines>| match manual {
            Some(manual) => manual.lines.clone(),
            None => lines(text, TITLE),
        };
        DocumentLines {
            title,
            contents,
            cover,
            attachments: document
                .attachments
                .iter()
                .map(|a| as_title(&a.title, &a.title_lines))
                .collect(),
            interpretation: document
                .interpretation
                .as_ref()
                .map(|i| as_title(&i.title, &i.title_lines)),
        }
    }
}

/// What an editor should know of their own lines: a break inside a word,
/// a line too wide for the title's measure. Each names the document's file
/// and the line of the title.
pub fn warnings(edition: &Edition) -> Vec<String> {
    let mut found = Vec::new();
    for document in edition.sections.iter().flat_map(|s| &s.documents) {
        let manual = std::iter::once(&document.title_lines)
            .chain(document.attachments.iter().map(|a| &a.title_lines))
            .chain(document.interpretation.iter().map(|i| &i.title_lines))
            .flatten();
        for ManualLines { lines, line } in manual {
            let at = format!("{}:{line}", document.source);
            for (word, ending) in split_words(lines) {
                found.push(format!(
                    "{at}: the title's line \"{ending}\" breaks the word {word}; break between words"
                ));
            }
            for wide in too_wide(lines, TITLE) {
                found.push(format!(
                    "{at}: the title's line \"{wide}\" is wider than a line ({} characters); typst will break it again",
                    TITLE.line / 10
                ));
            }
        }
    }
    found
}

/// How many rules a break must keep; the looser ones serve only a title
/// that cannot be set otherwise (a 《…》 name longer than a line, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// Every rule of the module doc.
    Editor,
    /// Between words, a number, a parenthesis or a name no longer kept whole.
    Words,
    /// Between any two characters.
    Anywhere,
}

struct Title {
    chars: Vec<char>,
    /// The width of the first `i` characters.
    prefix: Vec<usize>,
    /// Whether the segmenter puts a word boundary before character `i`.
    word_boundary: Vec<bool>,
    /// The segmenter's word lengths around each character: a break beside a
    /// one-character word is one an independent segmenter may not share.
    word_len: Vec<usize>,
}

impl Title {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut prefix = vec![0];
        for &c in &chars {
            prefix.push(prefix.last().copied().unwrap_or(0) + width(c));
        }
        let mut word_boundary = vec![false; chars.len() + 1];
        let mut char_at = vec![0; text.len() + 1];
        for (i, (byte, _)) in text.char_indices().enumerate() {
            char_at[byte] = i;
        }
        char_at[text.len()] = chars.len();
        for b in WORDS.segment_str(text) {
            word_boundary[char_at[b]] = true;
        }
        for (ours, jiebas) in word_boundary.iter_mut().zip(jieba::boundaries(&chars)) {
            *ours &= jiebas;
        }
        let boundaries: Vec<usize> = (0..=chars.len()).filter(|&i| word_boundary[i]).collect();
        let mut word_len = vec![0; chars.len()];
        for pair in boundaries.windows(2) {
            word_len[pair[0]..pair[1]].fill(pair[1] - pair[0]);
        }
        Title {
            chars,
            prefix,
            word_boundary,
            word_len,
        }
    }

    fn word_around(&self, at: usize) -> String {
        let start = (0..at).rev().find(|&i| self.word_boundary[i]).unwrap_or(0);
        let end = (at..=self.chars.len())
            .find(|&i| self.word_boundary[i])
            .unwrap_or(self.chars.len());
        self.chars[start..end].iter().collect()
    }

    fn cut(&self, breaks: &[usize]) -> Vec<String> {
        let mut edges = vec![0];
        edges.extend_from_slice(breaks);
        edges.push(self.chars.len());
        edges
            .windows(2)
            .map(|pair| self.chars[pair[0]..pair[1]].iter().collect())
            .collect()
    }

    /// Where a line may end (before character `i`), with what it costs.
    fn candidates(&self, measure: Measure, strictness: Strictness) -> Vec<(usize, u64)> {
        let n = self.chars.len();
        let editor = strictness == Strictness::Editor;
        let mut allowed: Vec<bool> = (0..=n)
            .map(|i| {
                i > 0
                    && i < n
                    && match strictness {
                        Strictness::Anywhere => true,
                        _ => self.word_boundary[i],
                    }
                    && (!editor || self.may_break_between(i))
            })
            .collect();
        if editor {
            for (open, close) in self.enclosures() {
                let inside = close - open - 1;
                let name_fits = self.chars[open] == '《'
                    && self.prefix[close + 1] - self.prefix[open] <= measure.line;
                if inside <= SHORT_ENCLOSURE || name_fits {
                    allowed[open + 1..=close].fill(false);
                }
            }
        }
        (1..n)
            .filter(|&i| allowed[i])
            .map(|i| (i, self.break_cost(i)))
            .collect()
    }

    /// Punctuation and numbers: 避头尾, and a number with its unit, its
    /// ordinal 第 and the other end of its range.
    fn may_break_between(&self, i: usize) -> bool {
        let (before, after) = (self.chars[i - 1], self.chars[i]);
        let digit_at = |j: usize| self.chars.get(j).is_some_and(|&c| is_numeral(c));
        let closing = "）)》〉」』】〕”’、，。；：！？…·%％";
        let opening = "（(《〈「『【〔“‘";
        let range = "—–-~～至";
        let unit = "年月日号件批期次项个条届度版周岁";
        !(closing.contains(after)
            || opening.contains(before)
            || (is_numeral(before) && (is_numeral(after) || unit.contains(after)))
            || (before == '第' && is_numeral(after))
            || (is_numeral(before) && range.contains(after) && digit_at(i + 1))
            || (range.contains(before) && is_numeral(after) && i >= 2 && digit_at(i - 2))
            // 2025年度, 2025年版: the unit and what qualifies it.
            || (before == '年' && "度版底初末".contains(after) && i >= 2 && digit_at(i - 2)))
    }

    /// Each bracketed stretch: the positions of its opening and closing mark.
    fn enclosures(&self) -> Vec<(usize, usize)> {
        let pairs = [
            ('（', '）'),
            ('(', ')'),
            ('《', '》'),
            ('“', '”'),
            ('〔', '〕'),
        ];
        let mut found = Vec::new();
        let mut open: Vec<(usize, char)> = Vec::new();
        for (i, &c) in self.chars.iter().enumerate() {
            if let Some(&(_, close)) = pairs.iter().find(|(o, _)| *o == c) {
                open.push((i, close));
            } else if let Some(position) = open.iter().rposition(|&(_, close)| close == c) {
                let (start, _) = open[position];
                open.truncate(position);
                found.push((start, i));
            }
        }
        found
    }

    /// Breaks an editor makes without thinking cost nothing: around a
    /// bracketed name, around 的, before 关于 or a number, after 关于 or the
    /// verb that introduces a name (印发, 转发, 同意, 公布). Any other break
    /// between two words may be inside a compound a third segmenter reads as
    /// one word; beside a one-character word (委员 | 会) or
    /// inside the issuing body's name, before its 关于, it costs most.
    fn break_cost(&self, i: usize) -> u64 {
        let text = |range: std::ops::Range<usize>| -> String { self.chars[range].iter().collect() };
        let after = text(i..(i + 2).min(self.chars.len()));
        let (last, next) = (self.chars[i - 1], self.chars[i]);
        let particle = |j: usize| self.chars[j] == '的' && self.word_len[j] == 1;
        let clean = "（《“〔".contains(next)
            || "）》”〕".contains(last)
            || particle(i - 1)
            || particle(i)
            || (next.is_ascii_digit() && !last.is_ascii_digit() && last != '第')
            || self.after_verb(i)
            || after == "关于";
        let single = |j: usize| self.word_len[j] == 1 && !"和与及等".contains(self.chars[j]);
        let in_issuer = text(i..self.chars.len()).contains("关于") && !text(0..i).contains("关于");
        if clean {
            0
        } else if single(i - 1) || single(i) || in_issuer {
            200
        } else {
            120
        }
    }

    /// Whether the word before `i` is 关于 or a verb that opens what a
    /// title is about (印发《…》, 推进…, 进一步…), or a place name: a verb
    /// and its object are two words to any segmenter. The words are the
    /// segmenter's own.
    fn after_verb(&self, i: usize) -> bool {
        const OPENING: [&str; 24] = [
            "关于",
            "印发",
            "转发",
            "同意",
            "批转",
            "公布",
            "废止",
            "促进",
            "推进",
            "推动",
            "加快",
            "加强",
            "做好",
            "开展",
            "设立",
            "撤销",
            "支持",
            "深化",
            "优化",
            "提升",
            "健全",
            "完善",
            "进一步",
            "切实",
        ];
        let start = (0..i).rev().find(|&j| self.word_boundary[j]).unwrap_or(0);
        let word: String = self.chars[start..i].iter().collect();
        // A place name (上海市, 浦东新区) before what it governs, too.
        let place = i - start >= 3 && word.ends_with(['省', '市', '区', '县']);
        OPENING.contains(&word.as_str()) || place
    }

    /// The best break set with the fewest lines that fit, or one more.
    fn best(&self, measure: Measure, candidates: &[(usize, u64)]) -> Option<Vec<usize>> {
        let total = self.prefix[self.chars.len()] + measure.after_last;
        let fewest = total.div_ceil(measure.line).max(2);
        let mut best: Option<(u64, Vec<usize>)> = None;
        for (extra, lines) in (fewest..=fewest + 1).enumerate() {
            let mut chosen = Vec::new();
            self.search(
                measure,
                candidates,
                lines,
                0,
                &mut chosen,
                &mut |breaks, cost| {
                    let cost = cost + extra as u64 * 150;
                    if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                        best = Some((cost, breaks.to_vec()));
                    }
                },
            );
        }
        best.map(|(_, breaks)| breaks)
    }

    /// Every break set of `lines` lines from `from` on whose lines fit.
    fn search(
        &self,
        measure: Measure,
        candidates: &[(usize, u64)],
        lines: usize,
        from: usize,
        chosen: &mut Vec<usize>,
        found: &mut dyn FnMut(&[usize], u64),
    ) {
        let start = chosen.last().copied().unwrap_or(0);
        let end = self.chars.len();
        if chosen.len() + 1 == lines {
            let last = self.prefix[end] - self.prefix[start] + measure.after_last;
            if last <= measure.line
                && let Some(cost) = self.shape_cost(chosen)
            {
                let breaks: u64 = chosen
                    .iter()
                    .filter_map(|b| candidates.iter().find(|(c, _)| c == b))
                    .map(|(_, cost)| cost)
                    .sum();
                found(chosen, cost + breaks);
            }
            return;
        }
        let left_after = (lines - chosen.len() - 1) as u64;
        for (k, &(at, _)) in candidates.iter().enumerate().skip(from) {
            let line = self.prefix[at] - self.prefix[start];
            if line > measure.line {
                break;
            }
            // What is left must fit the lines left.
            let rest = (self.prefix[end] - self.prefix[at] + measure.after_last) as u64;
            if rest > left_after * measure.line as u64 {
                continue;
            }
            chosen.push(at);
            self.search(measure, candidates, lines, k + 1, chosen, found);
            chosen.pop();
        }
    }

    /// How far the lines cut at `breaks` are from a trapezoid or a diamond
    /// (a step of one character at each end from line to line); `None` for
    /// a shape never chosen.
    fn shape_cost(&self, breaks: &[usize]) -> Option<u64> {
        let mut edges = vec![0];
        edges.extend_from_slice(breaks);
        edges.push(self.chars.len());
        // In half-ems, which the costs below are weighed in.
        let widths: Vec<i64> = edges
            .windows(2)
            .map(|p| (self.prefix[p[1]] - self.prefix[p[0]]) as i64 / 5)
            .collect();
        let counts: Vec<usize> = edges.windows(2).map(|p| p[1] - p[0]).collect();
        let n = widths.len();
        if counts.iter().any(|&c| c <= 2) {
            return None;
        }
        if n >= 3 {
            let (min, max) = (widths.iter().min()?, widths.iter().max()?);
            let hourglass =
                (1..n - 1).any(|i| widths[i] < widths[i - 1] && widths[i] < widths[i + 1]);
            if max - min <= 2 || hourglass {
                return None;
            }
        }
        const STEP: i64 = 4;
        let fit = |profile: &dyn Fn(usize) -> i64| -> u64 {
            // The profile's height that fits best: the mean offset.
            let offset = widths
                .iter()
                .enumerate()
                .map(|(i, w)| w - profile(i))
                .sum::<i64>()
                / n as i64;
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| (w - profile(i) - offset).pow(2) as u64)
                .sum()
        };
        let narrowing = fit(&|i| -STEP * i as i64);
        // Widening (正梯形 with the short line on top) is a trapezoid too,
        // but the first line longest is how most titles are set.
        let widening = fit(&|i| STEP * i as i64) + 24;
        let mut cost = narrowing.min(widening);
        if n >= 3 {
            let middle = (n - 1) as i64;
            cost = cost.min(fit(&|i| -STEP * (2 * i as i64 - middle).abs() / 2));
        }
        Some(cost)
    }
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || "〇零一二三四五六七八九十百千万两".contains(c)
}

#[cfg(test)]
mod tests;
