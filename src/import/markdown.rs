//! Word paragraphs and tables as the document format's Markdown
//! (docs/manifest.md, part 4): headings for the levels 一、（一）1.（1）, run-in
//! leads for bold starts and articles, pipe tables. The text is escaped so
//! that it stays text: a `*` or `#` in a law prints as a `*` or `#`.

use super::docx::{Notice, Paragraph, Table};

/// The Markdown of one body paragraph.
pub fn paragraph(p: &Paragraph) -> String {
    let text = p.text();
    let text = text.trim_matches(|c: char| c.is_whitespace());
    if is_chapter(text) {
        return format!("# {}", inline(text));
    }
    let lead = bold_lead(p);
    if let Some((lead, rest)) = &lead
        && !rest.trim().is_empty()
    {
        return format!(
            "**{}**\n{}",
            inline(lead),
            inline(rest.trim_start_matches(' '))
        );
    }
    if let Some(level) = heading_level(text)
        && (lead.is_some() || is_short_heading(text))
    {
        return format!("{} {}", "#".repeat(level), inline(text));
    }
    if let Some(article) = article_lead(text) {
        let rest = &text[article.len()..];
        return format!(
            "**{}**\n{}",
            inline(article),
            inline(rest.trim_start_matches(' '))
        );
    }
    block_start(&inline(text))
}

/// The pipe table of `table`, its merged cells marked as the document
/// format writes them (`<` into the cell on the left, `^` into the cell
/// above) and its header rows announced when more than one.
pub fn table(table: &Table, notices: &mut Vec<Notice>, paragraph: usize) -> String {
    let width = table
        .rows
        .iter()
        .map(|row| row.iter().map(|cell| cell.columns).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let header_rows = table.header_rows.clamp(1, table.rows.len().max(1));
    let mut grid: Vec<Vec<String>> = Vec::with_capacity(table.rows.len());
    let mut split = false;
    for (index, row) in table.rows.iter().enumerate() {
        let mut cells: Vec<String> = Vec::with_capacity(width);
        for cell in row {
            let column = cells.len();
            // A merge down from the header into the body cannot be written:
            // the body's first row starts the cell again, empty.
            let continues = cell.continues && index > 0 && index != header_rows;
            split |= cell.continues && index == header_rows;
            if continues && grid[index - 1].get(column).is_some() {
                cells.extend(std::iter::repeat_n("^".to_owned(), cell.columns));
            } else {
                cells.push(if cell.continues {
                    String::new()
                } else {
                    cell_text(&cell.text)
                });
                cells.extend(std::iter::repeat_n("<".to_owned(), cell.columns - 1));
            }
        }
        if cells.len() < width {
            cells.resize(width, String::new());
        }
        grid.push(cells);
    }
    if split {
        notices.push(Notice {
            paragraph,
            message: "a cell of this table is merged from its header into its body: the document format keeps the two apart, so the body's part was written as an empty cell".into(),
        });
    }
    let line = |cells: &[String]| format!("| {} |", cells.join(" | "));
    let mut lines = Vec::with_capacity(grid.len() + 2);
    if header_rows > 1 {
        lines.push(format!("<!-- gazette: header-rows={header_rows} -->"));
    }
    for (index, cells) in grid.iter().enumerate() {
        lines.push(line(cells));
        if index == 0 {
            lines.push(line(&vec!["---".to_owned(); width]));
        }
    }
    lines.join("\n")
}

/// A cell holds one line: its paragraphs are joined, with a space only
/// between two Latin letters or digits.
fn cell_text(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(joined.chars().last()) && latin(line.chars().next()) {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    inline(&joined)
}

/// The paragraph's leading bold text and what follows it, if it starts bold.
fn bold_lead(p: &Paragraph) -> Option<(String, String)> {
    let mut runs = p.runs.iter().skip_while(|r| r.text.trim().is_empty());
    let mut lead = String::new();
    let mut rest = String::new();
    for run in runs.by_ref() {
        if run.bold {
            lead.push_str(&run.text);
        } else {
            rest.push_str(&run.text);
            break;
        }
    }
    rest.extend(runs.map(|r| r.text.as_str()));
    let lead = lead.trim().to_owned();
    (!lead.is_empty()).then_some((lead, rest))
}

/// The level GB/T 9704 gives a paragraph by its numbering: 一、 1, （一） 2,
/// 1. 3, （1） 4.
pub fn heading_level(text: &str) -> Option<usize> {
    let numeral = |c: char| "一二三四五六七八九十百零〇".contains(c);
    let chinese = text.chars().take_while(|&c| numeral(c)).count();
    if chinese > 0 && text.chars().nth(chinese) == Some('、') {
        return Some(1);
    }
    if let Some(inner) = text.strip_prefix('（').or_else(|| text.strip_prefix('(')) {
        let chinese = inner.chars().take_while(|&c| numeral(c)).count();
        let digits = inner.chars().take_while(char::is_ascii_digit).count();
        let close = |n: usize| matches!(inner.chars().nth(n), Some('）' | ')'));
        if chinese > 0 && close(chinese) {
            return Some(2);
        }
        if digits > 0 && close(digits) {
            return Some(4);
        }
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(text.chars().nth(digits), Some('.' | '．')) {
        return Some(3);
    }
    None
}

/// A numbered line that is a heading of its own, not a paragraph that
/// starts with a number: short, and not ending as a sentence does.
fn is_short_heading(text: &str) -> bool {
    text.chars().count() <= 40 && !text.ends_with(['。', '；', '：', '，', '！', '？'])
}

/// `第…章` or `第…节`: a chapter heading, centred.
fn is_chapter(text: &str) -> bool {
    numbered_unit(text).is_some_and(|(_, unit)| matches!(unit, '章' | '节' | '節'))
        && text.chars().count() <= 40
}

/// `第…条` at the start: an article, a run-in lead.
fn article_lead(text: &str) -> Option<&str> {
    let (end, unit) = numbered_unit(text)?;
    (unit == '条' || unit == '條').then(|| &text[..end])
}

/// `第` + Chinese numerals + a unit at the start of `text`: the byte length
/// through the unit, and the unit.
fn numbered_unit(text: &str) -> Option<(usize, char)> {
    let rest = text.strip_prefix('第')?;
    let numerals = rest
        .chars()
        .take_while(|&c| "〇零一二三四五六七八九十百千两".contains(c))
        .count();
    if numerals == 0 {
        return None;
    }
    let unit = rest.chars().nth(numerals)?;
    let end = '第'.len_utf8()
        + rest
            .chars()
            .take(numerals + 1)
            .map(char::len_utf8)
            .sum::<usize>();
    Some((end, unit))
}

/// Text escaped for inline Markdown: every character that could start
/// markup is written with a backslash, and a line break inside the
/// paragraph is a hard break.
pub fn inline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#' | '^' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\t' => escaped.push(' '),
            '\n' => escaped.push_str("\\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A paragraph that would start a list, a heading or a rule in Markdown
/// starts with a backslash instead.
fn block_start(text: &str) -> String {
    let starts_block = text.starts_with(['-', '+', '=', '>'])
        || (text.chars().take_while(char::is_ascii_digit).count() > 0 && {
            let after = text.trim_start_matches(|c: char| c.is_ascii_digit());
            after.starts_with(". ") || after.starts_with(") ") || after == "." || after == ")"
        });
    if !starts_block {
        return text.to_owned();
    }
    match text.find(|c: char| !c.is_ascii_digit()) {
        Some(0) | None => format!("\\{text}"),
        Some(at) => format!("{}\\{}", &text[..at], &text[at..]),
    }
}
