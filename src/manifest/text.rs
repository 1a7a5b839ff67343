//! How the issue's files become text: every text file a build reads
//! (issue.toml, each document, attachment and interpretation, the issue's own
//! typst templates) goes through [`decode`], so that each accepts and refuses
//! the same bytes.
//!
//! The text is UTF-8; a UTF-8 byte-order mark, which Windows editors write, is
//! dropped. Any other encoding is refused, never converted: the package keeps
//! each source's exact bytes and their SHA-256 as what was typeset, and a file
//! that needs a guess at its encoding to be read means whatever the guess
//! makes of it. The refusal names the encoding when it is recognised (UTF-16
//! by its byte-order mark; GB18030, the Simplified Chinese Windows encoding,
//! when the bytes read as it) and says how to convert the file.

use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8};

use crate::diagnostic::Diagnostic;

/// What a quoted line is cut to: enough for the editor to recognise it.
const QUOTED_CHARS: usize = 40;

/// The text of `bytes`, read from the file at `path` (named when it is refused).
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    let bom = match Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding != UTF_8 => return Err(Box::new(utf16(path, encoding))),
        Some((_, length)) => length,
        None => 0,
    };
    let text = &bytes[bom..];
    std::str::from_utf8(text).map_err(|error| {
        let read_as_gb18030 = GB18030
            .decode_without_bom_handling_and_without_replacement(text)
            .and_then(|decoded| first_non_ascii_line(&decoded));
        Box::new(match read_as_gb18030 {
            Some((line, quoted)) => gb18030(path, line, &quoted),
            None => not_utf8(path, text, error.valid_up_to(), bom),
        })
    })
}

/// The 1-based number and the (cut) text of the first line holding more than
/// ASCII: the line whose Chinese shows whether the encoding was guessed right.
fn first_non_ascii_line(text: &str) -> Option<(usize, String)> {
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, line)| !line.is_ascii())?;
    let line = line.trim();
    let mut quoted: String = line.chars().take(QUOTED_CHARS).collect();
    if line.chars().nth(QUOTED_CHARS).is_some() {
        quoted.push('…');
    }
    Some((index + 1, quoted))
}

fn utf16(path: &Path, encoding: &'static Encoding) -> Diagnostic {
    let message = format!(
        "the file is not UTF-8 text but {} (what Windows Notepad saves as \"Unicode\")",
        encoding.name()
    );
    Diagnostic::in_file(path, message).help(convert(path, "UTF-16"))
}

fn gb18030(path: &Path, line: usize, quoted: &str) -> Diagnostic {
    let message = format!(
        "the file is not UTF-8 text but GB18030 (GBK, the Simplified Chinese Windows ANSI encoding), it seems: read so, its line {line} is: {quoted}"
    );
    let help = format!(
        "{}. If that line does not read right, the file is in another encoding, such as Big5: give that one to iconv",
        convert(path, "GB18030")
    );
    Diagnostic::in_file(path, message).help(help)
}

/// `text` (after a byte-order mark of `bom` bytes) is valid up to `valid`.
fn not_utf8(path: &Path, text: &[u8], valid: usize, bom: usize) -> Diagnostic {
    let line = text[..valid].iter().filter(|&&byte| byte == b'\n').count() + 1;
    let message = format!(
        "the file is not UTF-8 text: the byte 0x{:02X} at offset {} (line {line}) is not UTF-8, and the file is in no encoding gazette recognises",
        text[valid],
        bom + valid
    );
    Diagnostic::in_file(path, message).help(convert(path, "ENCODING"))
}

/// The help of a refusal: the command that converts the file from
/// `encoding` in place, and the same in the editors offices use.
fn convert(path: &Path, encoding: &str) -> String {
    let converted = match path.extension() {
        Some(extension) => path.with_extension(format!("utf8.{}", extension.to_string_lossy())),
        None => path.with_extension("utf8"),
    };
    let (from, to) = (quote(path), quote(&converted));
    format!(
        "convert it to UTF-8: iconv -f {encoding} -t UTF-8 {from} > {to} && mv {to} {from}; or, in Notepad or WPS, Save As → Encoding: UTF-8"
    )
}

/// `path` as one word for a POSIX shell.
fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "+++\ntitle = \"上海市人民政府关于做好防汛防台工作的通知\"\n+++\n正文。\n";

    fn refusal(bytes: &[u8]) -> String {
        decode(Path::new("docs/a.md"), bytes)
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn utf8_is_read_as_it_is() {
        assert_eq!(decode(Path::new("a.md"), TEXT.as_bytes()).unwrap(), TEXT);
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let bytes = [b"\xEF\xBB\xBF", TEXT.as_bytes()].concat();
        let text = decode(Path::new("a.md"), &bytes).unwrap();
        assert_eq!(text, TEXT);
        assert!(text.starts_with("+++"));
    }

    #[test]
    fn only_one_byte_order_mark_is_dropped() {
        let bytes = [b"\xEF\xBB\xBF\xEF\xBB\xBF", TEXT.as_bytes()].concat();
        let text = decode(Path::new("a.md"), &bytes).unwrap();
        assert_eq!(text, format!("\u{FEFF}{TEXT}"));
    }

    #[test]
    fn gb18030_is_named_with_its_first_chinese_line_as_it_reads() {
        let (bytes, _, unmappable) = GB18030.encode(TEXT);
        assert!(!unmappable);
        let message = refusal(&bytes);
        assert!(
            message.contains("GB18030 (GBK, the Simplified Chinese Windows ANSI encoding)"),
            "{message}"
        );
        assert!(
            message
                .contains("its line 2 is: title = \"上海市人民政府关于做好防汛防台工作的通知\"\n"),
            "{message}"
        );
        assert!(message.contains("--> docs/a.md"), "{message}");
        assert!(
            message.contains(
                "iconv -f GB18030 -t UTF-8 'docs/a.md' > 'docs/a.utf8.md' && mv 'docs/a.utf8.md' 'docs/a.md'"
            ),
            "{message}"
        );
        assert!(message.contains("Save As → Encoding: UTF-8"), "{message}");
    }

    #[test]
    fn a_long_line_is_quoted_cut() {
        let long = format!("{}\n", "上海市人民政府公报".repeat(6));
        let (bytes, _, _) = GB18030.encode(&long);
        let message = refusal(&bytes);
        assert!(
            message.contains(&format!(
                "its line 1 is: {}上海市人…\n",
                "上海市人民政府公报".repeat(4)
            )),
            "{message}"
        );
    }

    #[test]
    fn utf16_is_named_by_its_byte_order_mark() {
        let little: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let message = refusal(&[b"\xFF\xFE", little.as_slice()].concat());
        assert!(
            message.contains("the file is not UTF-8 text but UTF-16LE"),
            "{message}"
        );
        assert!(
            message.contains("iconv -f UTF-16 -t UTF-8 'docs/a.md'"),
            "{message}"
        );
        let big: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let message = refusal(&[b"\xFE\xFF", big.as_slice()].concat());
        assert!(
            message.contains("the file is not UTF-8 text but UTF-16BE"),
            "{message}"
        );
    }

    #[test]
    fn other_bytes_are_not_utf8_at_their_offset_and_line() {
        let message = refusal(b"+++\ntitle = \"\xCD\xA8\xFF\xAA\"\n+++\n");
        assert!(
            message.contains("the file is not UTF-8 text: the byte 0xFF at offset 15 (line 2)"),
            "{message}"
        );
        assert!(message.contains("iconv -f ENCODING -t UTF-8"), "{message}");
        let message = refusal(b"\xEF\xBB\xBFa\n\xFF\n");
        assert!(
            message.contains("the byte 0xFF at offset 5 (line 2)"),
            "{message}"
        );
    }

    #[test]
    fn a_path_with_a_quote_stays_one_word() {
        let (bytes, _, _) = GB18030.encode(TEXT);
        let message = decode(Path::new("it's.toml"), &bytes)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(r"'it'\''s.toml' > 'it'\''s.utf8.toml'"),
            "{message}"
        );
    }
}
