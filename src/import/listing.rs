//! Listing imported documents in issue.toml without touching anything else
//! in it: the editor's comments and layout stay as they are. The text is
//! edited where the section's `documents` array ends, then read back to be
//! sure it says what was meant.

/// issue.toml's `text` with `documents` listed at the end of the section
/// titled `section` (a new section at the end if there is none so titled),
/// or of the last section when `section` is `None`; and the section's title.
pub fn add(
    text: &str,
    documents: &[&str],
    section: Option<&str>,
) -> Result<(String, String), String> {
    let parsed: toml::Table = toml::from_str(text).map_err(|e| {
        format!("issue.toml cannot be read, so the documents cannot be listed: {e}")
    })?;
    let titles: Vec<String> = parsed
        .get("sections")
        .and_then(toml::Value::as_array)
        .map(|sections| {
            sections
                .iter()
                .map(|s| {
                    s.get("title")
                        .and_then(toml::Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    let target = match section {
        Some(title) => titles.iter().position(|t| t == title),
        None if titles.is_empty() => {
            return Err("issue.toml has no [[sections]] to list the documents in; give one with --section TITLE".into());
        }
        None => Some(titles.len() - 1),
    };
    let entries: String = documents
        .iter()
        .map(|d| format!("    {},\n", toml::Value::String((*d).to_owned())))
        .collect();
    let edited = match target {
        Some(index) => insert_into_section(text, index, &entries).ok_or_else(|| {
            format!(
                "the documents of section \"{}\" could not be found as `documents = [ … ]` in issue.toml",
                titles[index]
            )
        })?,
        None => {
            let title = section.unwrap_or_default();
            let mut edited = text.to_owned();
            if !edited.ends_with('\n') {
                edited.push('\n');
            }
            edited.push_str(&format!(
                "\n[[sections]]\ntitle = {}\ndocuments = [\n{entries}]\n",
                toml::Value::String(title.to_owned())
            ));
            edited
        }
    };
    let title = target.map_or_else(
        || section.unwrap_or_default().to_owned(),
        |i| titles[i].clone(),
    );
    check(&edited, &title, documents)?;
    Ok((edited, title))
}

/// Inserts `entries` (lines) before the `]` that closes the `documents`
/// array of the `index`-th `[[sections]]`.
fn insert_into_section(text: &str, index: usize, entries: &str) -> Option<String> {
    let headers: Vec<usize> = line_starts(text)
        .filter(|&at| header_of(&text[at..]) == Some("[[sections]]"))
        .collect();
    let start = *headers.get(index)?;
    let end = line_starts(text)
        .find(|&at| at > start && header_of(&text[at..]).is_some())
        .unwrap_or(text.len());
    let block = &text[start..end];
    let key = line_starts(block).find(|&at| {
        let line = block[at..].trim_start();
        line.strip_prefix("documents")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })?;
    let open = start + key + block[key..].find('[')?;
    let close = closing_bracket(text, open)?;
    let before_close = &text[open + 1..close];
    let mut edited = String::with_capacity(text.len() + entries.len());
    if before_close.contains('\n') {
        // A multi-line array: the entries go on lines of their own, before
        // the line that closes it.
        let line_start = text[..close].rfind('\n').map_or(0, |n| n + 1);
        let own_line = text[line_start..close].trim().is_empty();
        let insert_at = if own_line { line_start } else { close };
        let items = &text[open + 1..insert_at];
        if needs_comma(items) {
            let at = open + 1 + last_value_end(items)?;
            edited.push_str(&text[..at]);
            edited.push(',');
            edited.push_str(&text[at..insert_at]);
        } else {
            edited.push_str(&text[..insert_at]);
        }
        if !own_line {
            edited.push('\n');
        }
        edited.push_str(entries);
        edited.push_str(&text[insert_at..]);
    } else {
        let inline: Vec<&str> = entries.lines().map(str::trim).collect();
        let inline = inline.join(" ");
        let inline = inline.trim_end_matches(',');
        edited.push_str(&text[..close]);
        if before_close.trim().is_empty() {
            edited.push_str(inline);
        } else if before_close.trim_end().ends_with(',') {
            edited.push(' ');
            edited.push_str(inline);
        } else {
            edited.push_str(", ");
            edited.push_str(inline);
        }
        edited.push_str(&text[close..]);
    }
    Some(edited)
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1))
}

/// The table header a line opens, `[x]` or `[[x]]`, comments and spaces aside.
fn header_of(line: &str) -> Option<&str> {
    let line = line.lines().next()?.trim();
    let line = line.split('#').next()?.trim_end();
    line.starts_with('[').then_some(line)
}

/// The `]` closing the array opened at `open`, past strings and comments.
fn closing_bracket(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text[open..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + at);
                }
            }
            '"' | '\'' => {
                let mut escaped = false;
                for (_, s) in chars.by_ref() {
                    if c == '"' && s == '\\' && !escaped {
                        escaped = true;
                        continue;
                    }
                    if s == c && !escaped {
                        break;
                    }
                    escaped = false;
                }
            }
            '#' => {
                for (_, s) in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the array's items so far end without a trailing comma.
fn needs_comma(items: &str) -> bool {
    let values: String = items
        .lines()
        .map(|line| strip_comment(line).trim())
        .collect::<Vec<_>>()
        .join("");
    !values.is_empty() && !values.ends_with(',')
}

/// The byte just after the last value in `items` (before its comment).
fn last_value_end(items: &str) -> Option<usize> {
    let mut end = None;
    let mut offset = 0;
    for line in items.split_inclusive('\n') {
        let value = strip_comment(line).trim_end();
        if !value.trim().is_empty() {
            end = Some(offset + value.len());
        }
        offset += line.len();
    }
    end
}

/// A line without its `#` comment (a `#` inside a string is not one).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return &line[..at],
            _ => {}
        }
    }
    line
}

/// Reads the edited text back: the section lists the documents, last.
fn check(edited: &str, title: &str, documents: &[&str]) -> Result<(), String> {
    let parsed: toml::Table = toml::from_str(edited).map_err(|e| {
        format!("listing the documents would break issue.toml ({e}); add them to its [[sections]] yourself")
    })?;
    let listed: Vec<&str> = parsed
        .get("sections")
        .and_then(toml::Value::as_array)
        .and_then(|sections| {
            sections
                .iter()
                .rev()
                .find(|s| s.get("title").and_then(toml::Value::as_str) == Some(title))
        })
        .and_then(|s| s.get("documents"))
        .and_then(toml::Value::as_array)
        .map(|d| d.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default();
    if listed.ends_with(documents) {
        Ok(())
    } else {
        Err(format!(
            "the documents could not be listed in section \"{title}\" of issue.toml; add them to its `documents` yourself"
        ))
    }
}
