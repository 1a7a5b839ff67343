//! The operations of a PDF content stream that decide which glyphs it shows
//! (ISO 32000-1, 7.2 and 9.4), read strictly: anything this reader does not
//! understand ends the reading with an error, so that no glyph is missed
//! unnoticed. lopdf's reader builds every operand as an object and takes
//! tens of milliseconds over an edition's pages; this one keeps only what
//! the fonts need.

/// An operation that selects or shows glyphs, or draws another stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Operation<'a> {
    /// `q`: saves the graphics state, the font with it.
    Save,
    /// `Q`: restores it.
    Restore,
    /// `Tf`: the font resource named.
    Font(&'a [u8]),
    /// `Tj`, `'`, `"` and `TJ`: the strings shown, as bytes.
    Show(Vec<Vec<u8>>),
    /// `Do`: the XObject resource named.
    Draw(&'a [u8]),
    /// `scn` or `SCN` with a pattern: the pattern resource named.
    Paint(&'a [u8]),
}

/// The stream holds something this reader does not read: an inline image,
/// a name with `#` escapes, a malformed token.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable;

/// Reads `bytes`, handing each operation that matters to `each`.
pub fn read<'a>(bytes: &'a [u8], mut each: impl FnMut(Operation<'a>)) -> Result<(), Unreadable> {
    let mut lexer = Lexer { bytes, at: 0 };
    let mut operands: Vec<Operand<'a>> = Vec::new();
    while let Some(token) = lexer.token()? {
        let operator = match token {
            Token::Operand(operand) => {
                operands.push(operand);
                continue;
            }
            Token::Operator(operator) => operator,
            Token::Close(_) => return Err(Unreadable),
        };
        let operation = match operator {
            b"q" => Some(Operation::Save),
            b"Q" => Some(Operation::Restore),
            b"Tf" => match operands.first() {
                Some(Operand::Name(name)) => Some(Operation::Font(name)),
                _ => return Err(Unreadable),
            },
            b"Tj" | b"'" | b"\"" | b"TJ" => match operands.pop() {
                Some(Operand::String(text)) => Some(Operation::Show(vec![text])),
                Some(Operand::Strings(texts)) => Some(Operation::Show(texts)),
                _ => return Err(Unreadable),
            },
            b"Do" => match operands.first() {
                Some(Operand::Name(name)) => Some(Operation::Draw(name)),
                _ => return Err(Unreadable),
            },
            b"scn" | b"SCN" => match operands.last() {
                Some(Operand::Name(name)) => Some(Operation::Paint(name)),
                _ => None,
            },
            // The image's data would be read as operators.
            b"BI" | b"ID" | b"EI" => return Err(Unreadable),
            _ => None,
        };
        if let Some(operation) = operation {
            each(operation);
        }
        operands.clear();
    }
    Ok(())
}

/// What the operations above need of an operand; the rest is `Other`.
#[derive(Debug)]
enum Operand<'a> {
    Name(&'a [u8]),
    String(Vec<u8>),
    /// An array of strings and numbers, as `TJ` takes: its strings.
    Strings(Vec<Vec<u8>>),
    Number,
    Other,
}

enum Token<'a> {
    Operand(Operand<'a>),
    Operator(&'a [u8]),
    /// `]` or `>>`, which only close what an operand opened.
    Close(u8),
}

struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn is_white(byte: u8) -> bool {
    matches!(byte, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(byte: u8) -> bool {
    !is_white(byte) && !is_delimiter(byte)
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips white space and comments.
    fn skip(&mut self) {
        while let Some(byte) = self.peek() {
            if is_white(byte) {
                self.at += 1;
            } else if byte == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A run of regular characters.
    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.peek().is_some_and(is_regular) {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    fn token(&mut self) -> Result<Option<Token<'a>>, Unreadable> {
        self.skip();
        let Some(byte) = self.peek() else {
            return Ok(None);
        };
        let token = match byte {
            b'/' => {
                self.at += 1;
                let name = self.regular();
                // An escaped name would need decoding to match its resource.
                if name.contains(&b'#') {
                    return Err(Unreadable);
                }
                Token::Operand(Operand::Name(name))
            }
            b'(' => Token::Operand(Operand::String(self.literal()?)),
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                self.skip_dictionary()?;
                Token::Operand(Operand::Other)
            }
            b'<' => Token::Operand(Operand::String(self.hex()?)),
            b'[' => {
                self.at += 1;
                Token::Operand(self.array()?)
            }
            b']' => {
                self.at += 1;
                Token::Close(b']')
            }
            b'>' if self.bytes.get(self.at + 1) == Some(&b'>') => {
                self.at += 2;
                Token::Close(b'>')
            }
            b')' | b'>' | b'{' | b'}' => return Err(Unreadable),
            _ => {
                let word = self.regular();
                let first = word.first().copied().ok_or(Unreadable)?;
                if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
                    Token::Operand(Operand::Number)
                } else if matches!(word, b"true" | b"false" | b"null") {
                    Token::Operand(Operand::Other)
                } else {
                    Token::Operator(word)
                }
            }
        };
        Ok(Some(token))
    }

    /// The operands up to the `]` that closes an array just opened, kept
    /// as `TJ`'s strings when they are strings and numbers.
    fn array(&mut self) -> Result<Operand<'a>, Unreadable> {
        let mut strings = Vec::new();
        let mut only_text = true;
        loop {
            match self.token()?.ok_or(Unreadable)? {
                Token::Close(b']') => break,
                Token::Operand(Operand::String(text)) => strings.push(text),
                Token::Operand(Operand::Number) => {}
                Token::Operand(_) => only_text = false,
                // An array holds no operator.
                Token::Operator(_) | Token::Close(_) => return Err(Unreadable),
            }
        }
        Ok(if only_text {
            Operand::Strings(strings)
        } else {
            Operand::Other
        })
    }

    /// Skips the objects of a dictionary up to its `>>`.
    fn skip_dictionary(&mut self) -> Result<(), Unreadable> {
        loop {
            match self.token()?.ok_or(Unreadable)? {
                Token::Close(b'>') => return Ok(()),
                Token::Close(_) | Token::Operator(_) => {
                    // `true`, `false` and `null` are operands; a dictionary
                    // holds no operator.
                    return Err(Unreadable);
                }
                Token::Operand(_) => {}
            }
        }
    }

    /// A literal string, `(` to its matching `)`, its escapes decoded.
    fn literal(&mut self) -> Result<Vec<u8>, Unreadable> {
        self.at += 1;
        let mut text = Vec::new();
        let mut depth = 0usize;
        loop {
            let byte = self.peek().ok_or(Unreadable)?;
            self.at += 1;
            match byte {
                b'(' => {
                    depth += 1;
                    text.push(byte);
                }
                b')' if depth == 0 => return Ok(text),
                b')' => {
                    depth -= 1;
                    text.push(byte);
                }
                b'\\' => self.escape(&mut text)?,
                // An end of line in a string reads as a line feed.
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    text.push(b'\n');
                }
                _ => text.push(byte),
            }
        }
    }

    fn escape(&mut self, text: &mut Vec<u8>) -> Result<(), Unreadable> {
        let byte = self.peek().ok_or(Unreadable)?;
        self.at += 1;
        match byte {
            b'n' => text.push(b'\n'),
            b'r' => text.push(b'\r'),
            b't' => text.push(b'\t'),
            b'b' => text.push(0x08),
            b'f' => text.push(0x0C),
            b'0'..=b'7' => {
                let mut value = u32::from(byte - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(digit @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(digit - b'0');
                            self.at += 1;
                        }
                        _ => break,
                    }
                }
                // High-order overflow is ignored (7.3.4.2).
                text.push((value & 0xFF) as u8);
            }
            // A backslash at the end of a line continues the string.
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.at += 1;
                }
            }
            b'\n' => {}
            // `\(`, `\)`, `\\`, and a backslash before any other byte,
            // which is ignored.
            other => text.push(other),
        }
        Ok(())
    }

    /// A hexadecimal string, `<` to `>`; an odd last digit is followed by 0.
    fn hex(&mut self) -> Result<Vec<u8>, Unreadable> {
        self.at += 1;
        let mut text = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let byte = self.peek().ok_or(Unreadable)?;
            self.at += 1;
            let digit = match byte {
                b'>' => break,
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                b'A'..=b'F' => byte - b'A' + 10,
                _ if is_white(byte) => continue,
                _ => return Err(Unreadable),
            };
            match high.take() {
                Some(high) => text.push(high << 4 | digit),
                None => high = Some(digit),
            }
        }
        if let Some(high) = high {
            text.push(high << 4);
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(bytes: &[u8]) -> Result<Vec<Operation<'_>>, Unreadable> {
        let mut found = Vec::new();
        read(bytes, |operation| found.push(operation))?;
        Ok(found)
    }

    #[test]
    fn typst_text_reads_as_its_font_and_glyph_codes() {
        let stream = b"/Span<</MCID 0>>BDC\nq 1 0 0 -1 79.5 730.5 cm/c0 cs 0.78 0.08 0.11 scn\n\
            BT 0 Tr/f0 46 Tf 1 0 0 -1 0 0 Tm[<0001>-60<0002>-60<00 0>]TJ\nET\nQ\nEMC";
        assert_eq!(
            operations(stream),
            Ok(vec![
                Operation::Save,
                Operation::Font(b"f0"),
                Operation::Show(vec![vec![0, 1], vec![0, 2], vec![0, 0]]),
                Operation::Restore,
            ])
        );
    }

    #[test]
    fn every_way_of_showing_text_is_read() {
        let stream = b"/F1 12 Tf (a\\(b\\)\\101\\\n) Tj 1 2 (c) \" (d) ' \
            /P0 scn /Im1 Do % a comment ) Tj\n[(e) 3 (f)] TJ";
        assert_eq!(
            operations(stream),
            Ok(vec![
                Operation::Font(b"F1"),
                Operation::Show(vec![b"a(b)A".to_vec()]),
                Operation::Show(vec![b"c".to_vec()]),
                Operation::Show(vec![b"d".to_vec()]),
                Operation::Paint(b"P0"),
                Operation::Draw(b"Im1"),
                Operation::Show(vec![b"e".to_vec(), b"f".to_vec()]),
            ])
        );
    }

    #[test]
    fn nested_parentheses_and_line_ends_stay_in_the_string() {
        assert_eq!(
            operations(b"(a(b)c\r\nd) Tj"),
            Ok(vec![Operation::Show(vec![b"a(b)c\nd".to_vec()])])
        );
    }

    #[test]
    fn what_cannot_be_read_with_certainty_is_an_error() {
        for stream in [
            &b"BI /W 1 /H 1 ID \x00\x01 EI"[..],
            b"/F#31 12 Tf",
            b"(unclosed Tj",
            b"<0001 Tj",
            b"<00zz> Tj",
            b"] Tj",
            b"12 Tf",
            b"{ } Do",
            b"[ (a) Tj ] TJ",
        ] {
            assert_eq!(
                operations(stream),
                Err(Unreadable),
                "{}",
                String::from_utf8_lossy(stream)
            );
        }
    }
}
