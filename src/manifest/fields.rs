//! Typed reading of TOML tables that reports every problem with its position
//! (unknown keys with a suggestion, wrong types, missing keys) instead of
//! stopping at the first, as serde's derive would.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::model::{Date, ManualLines};

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// A title as the front matter gives it.
#[derive(Debug, Clone)]
pub struct Title {
    pub text: String,
    /// The editor's own lines, when the title is written as an array.
    pub lines: Option<ManualLines>,
}

/// TOML parsed from part of a file, and where that part starts in it.
pub struct Toml<'f> {
    file: &'f SourceFile,
    table: DeTable<'f>,
    offset: usize,
}

/// Parses the TOML in `part` of `file` (the whole of issue.toml, or a
/// document's front matter), reporting syntax errors (which include
/// impossible dates such as 2025-02-30) at their position in the file.
pub fn parse<'f>(
    file: &'f SourceFile,
    part: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Toml<'f>> {
    let offset = part.start;
    let (table, errors) = DeTable::parse_recoverable(&file.text[part]);
    if errors.is_empty() {
        return Some(Toml {
            file,
            table: table.into_inner(),
            offset,
        });
    }
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim();
        diags.push(
            file.error(span.start + offset..span.end + offset, format!("invalid TOML: {message}"))
                .help("see docs/manifest.md for the syntax; dates are written 2025-03-31, text in \"quotes\""),
        );
    }
    None
}

/// One TOML table being read, with the keys it may hold.
pub struct Table<'a, 'i> {
    file: &'a SourceFile,
    table: &'a DeTable<'i>,
    /// Where the table is written in the file: missing keys are reported at its start.
    span: Range<usize>,
    /// Where the TOML the table was parsed from starts in the file.
    offset: usize,
    /// The table as messages name it, e.g. `[gazette]`.
    name: &'a str,
}

impl<'a, 'i> Table<'a, 'i> {
    /// Starts reading the top-level table of `toml`, reporting every key not
    /// in `allowed`.
    pub fn new(
        toml: &'a Toml<'i>,
        name: &'a str,
        allowed: &[&str],
        diags: &mut Diagnostics,
    ) -> Self {
        Self {
            file: toml.file,
            table: &toml.table,
            span: toml.offset..toml.offset,
            offset: toml.offset,
            name,
        }
        .check_keys(allowed, diags)
    }

    /// Starts reading `entry`, a table written in this one (found by
    /// [`Table::table`] or [`Table::tables`]), reporting every key not in
    /// `allowed`.
    pub fn nested(
        &self,
        entry: At<&'a DeTable<'i>>,
        name: &'a str,
        allowed: &[&str],
        diags: &mut Diagnostics,
    ) -> Self {
        Self {
            file: self.file,
            table: entry.value,
            span: shift(entry.span, self.offset),
            offset: self.offset,
            name,
        }
        .check_keys(allowed, diags)
    }

    fn check_keys(self, allowed: &[&str], diags: &mut Diagnostics) -> Self {
        let name = self.name;
        for key in self.table.keys() {
            if allowed.contains(&key.get_ref().as_ref()) {
                continue;
            }
            let mut help = format!("{name} takes the keys: {}", allowed.join(", "));
            if let Some(near) = closest(key.get_ref(), allowed) {
                help = format!("did you mean `{near}`? {help}");
            }
            diags.push(
                self.file
                    .error(
                        self.span_of(key),
                        format!("unknown key `{}` in {name}", key.get_ref()),
                    )
                    .help(help),
            );
        }
        self
    }

    fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    fn missing(&self, key: &str, example: &str, diags: &mut Diagnostics) {
        diags.push(
            self.file
                .error(
                    self.span.start..self.span.start,
                    format!("missing key `{key}` in {}", self.name),
                )
                .help(format!("add a line `{key} = {example}`")),
        );
    }

    fn wrong_type(
        &self,
        key: &str,
        value: &Spanned<DeValue>,
        expected: &str,
        diags: &mut Diagnostics,
    ) {
        diags.push(
            self.file
                .error(
                    self.span_of(value),
                    format!(
                        "`{key}` must be {expected}, not {}",
                        value.get_ref().type_str()
                    ),
                )
                .help(format!("write `{key} = {}`", example_of(expected))),
        );
    }

    pub fn span_of<T>(&self, value: &Spanned<T>) -> Range<usize> {
        shift(value.span(), self.offset)
    }

    /// A non-empty string. `example` shows what to write when it is missing.
    pub fn string(
        &self,
        key: &str,
        example: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<At<String>> {
        let Some(value) = self.get(key) else {
            if let Some(example) = example {
                self.missing(key, example, diags);
            }
            return None;
        };
        let Some(text) = value.get_ref().as_str() else {
            self.wrong_type(key, value, "a string", diags);
            return None;
        };
        let span = self.span_of(value);
        if text.trim().is_empty() {
            diags.push(
                self.file
                    .error(span, format!("`{key}` is empty"))
                    .help(format!(
                        "give `{key}` a value, or remove the line if it is optional"
                    )),
            );
            return None;
        }
        Some(At {
            value: text.trim().to_string(),
            span,
        })
    }

    /// A title: a string, or an array of strings that are its lines as the
    /// editor breaks them (docs/manifest.md, "Titles"); the lines joined are
    /// its text.
    pub fn title(
        &self,
        key: &str,
        example: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<At<Title>> {
        if !self
            .get(key)
            .is_some_and(|value| value.get_ref().is_array())
        {
            return self
                .string(key, example, diags)
                .map(|At { value, span }| At {
                    value: Title {
                        text: value,
                        lines: None,
                    },
                    span,
                });
        }
        let At { value: items, span } = self.strings(key, diags)?;
        if items.is_empty() {
            diags.push(
                self.file
                    .error(span, format!("`{key}` has no lines"))
                    .help(format!(
                        "write `{key} = \"…\"`, or its lines as `{key} = [\"…\", \"…\"]`"
                    )),
            );
            return None;
        }
        let lines: Vec<String> = items.into_iter().map(|item| item.value).collect();
        let line = self.file.text[..span.start].matches('\n').count() + 1;
        Some(At {
            value: Title {
                text: lines.concat(),
                lines: Some(ManualLines { lines, line }),
            },
            span,
        })
    }

    pub fn integer(
        &self,
        key: &str,
        range: Range<i64>,
        required: bool,
        diags: &mut Diagnostics,
    ) -> Option<At<i64>> {
        let Some(value) = self.get(key) else {
            if required {
                self.missing(key, &range.start.max(1).to_string(), diags);
            }
            return None;
        };
        let Some(number) = value
            .get_ref()
            .as_integer()
            .and_then(|n| n.as_str().parse::<i64>().ok())
        else {
            self.wrong_type(key, value, "a whole number", diags);
            return None;
        };
        let span = self.span_of(value);
        if !range.contains(&number) {
            diags.push(
                self.file
                    .error(
                        span,
                        format!(
                            "`{key}` is {number}, outside {}..{}",
                            range.start,
                            range.end - 1
                        ),
                    )
                    .help(format!(
                        "`{key}` must lie between {} and {}",
                        range.start,
                        range.end - 1
                    )),
            );
            return None;
        }
        Some(At {
            value: number,
            span,
        })
    }

    /// A TOML local date such as `2025-03-31` (TOML itself rejects 2025-02-30).
    pub fn date(&self, key: &str, diags: &mut Diagnostics) -> Option<At<Date>> {
        let Some(value) = self.get(key) else {
            self.missing(key, "2025-03-31", diags);
            return None;
        };
        let span = self.span_of(value);
        let datetime = match value.get_ref() {
            DeValue::Datetime(datetime) => datetime,
            DeValue::String(text) => {
                diags.push(
                    self.file
                        .error(
                            span,
                            format!("`{key}` must be a TOML date, not the string \"{text}\""),
                        )
                        .help(format!(
                            "write the date without quotes: `{key} = 2025-03-31`"
                        )),
                );
                return None;
            }
            _ => {
                self.wrong_type(key, value, "a date", diags);
                return None;
            }
        };
        match (datetime.date, datetime.time) {
            (Some(date), None) => Some(At {
                value: Date {
                    year: date.year,
                    month: date.month,
                    day: date.day,
                },
                span,
            }),
            _ => {
                diags.push(
                    self.file
                        .error(
                            span,
                            format!("`{key}` must be a plain date, without a time of day"),
                        )
                        .help(format!("write `{key} = 2025-03-31`")),
                );
                None
            }
        }
    }

    /// An array of strings; `None` if absent.
    pub fn strings(&self, key: &str, diags: &mut Diagnostics) -> Option<At<Vec<At<String>>>> {
        let value = self.get(key)?;
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(key, value, "an array of strings", diags);
            return None;
        };
        let mut items = Vec::new();
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(text) if !text.trim().is_empty() => items.push(At {
                    value: text.trim().to_string(),
                    span: self.span_of(item),
                }),
                _ => self.wrong_type(key, item, "an array of non-empty strings", diags),
            }
        }
        Some(At {
            value: items,
            span: self.span_of(value),
        })
    }

    /// A sub-table (`[name]`), if present.
    pub fn table(&self, key: &str, diags: &mut Diagnostics) -> Option<At<&'a DeTable<'i>>> {
        let value = self.get(key)?;
        match value.get_ref().as_table() {
            Some(table) => Some(At {
                value: table,
                span: value.span(),
            }),
            None => {
                self.wrong_type(key, value, "a table", diags);
                None
            }
        }
    }

    /// An array of tables (`[[name]]`); empty if absent.
    pub fn tables(&self, key: &str, diags: &mut Diagnostics) -> Vec<At<&'a DeTable<'i>>> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(key, value, "an array of tables", diags);
            return Vec::new();
        };
        let mut tables = Vec::new();
        for item in array.iter() {
            match item.get_ref().as_table() {
                Some(table) => tables.push(At {
                    value: table,
                    span: item.span(),
                }),
                None => self.wrong_type(key, item, "a table", diags),
            }
        }
        tables
    }

    /// The string at `key` as written, even if empty, without reporting anything.
    pub fn raw_str(&self, key: &str) -> Option<&'a str> {
        self.get(key)?.get_ref().as_str()
    }

    pub fn file(&self) -> &'a SourceFile {
        self.file
    }

    /// Where the table is written in the file.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

fn shift(span: Range<usize>, offset: usize) -> Range<usize> {
    span.start + offset..span.end + offset
}

fn example_of(expected: &str) -> &'static str {
    match expected {
        "a whole number" => "8",
        "a date" => "2025-03-31",
        "a table" => "{ title = \"…\", file = \"…\" }",
        "an array of tables" => "[{ title = \"…\", file = \"…\" }]",
        e if e.starts_with("an array") => "[\"…\", \"…\"]",
        _ => "\"…\"",
    }
}

/// The allowed key nearest to a misspelt one, if it is close enough to be a typo.
fn closest<'k>(key: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(key, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 3))
        .min()
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        assert_eq!(closest("titel", &["title", "number"]), Some("title"));
        assert_eq!(
            closest("disclosur", &["title", "disclosure"]),
            Some("disclosure")
        );
        assert_eq!(closest("colour", &["title", "number"]), None);
    }
}
