//! A tokenizer for PostgreSQL's SQL that knows just enough to find where a
//! statement ends: quotes, dollar quotes, comments and words.
//!
//! It does not validate SQL; PostgreSQL does that. What it must never do is
//! mistake a `;` inside a string, identifier, comment or function body for
//! the end of a statement, since the runner sends statements one at a time.

/// A lexical token, as byte ranges into the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword (unquoted), or a number.
    Word { start: usize, end: usize },
    /// A quoted string, quoted identifier or dollar-quoted string.
    Quoted { start: usize, end: usize },
    /// `-- ...` up to (not including) the line break.
    LineComment { start: usize, end: usize },
    /// `/* ... */`, nesting included.
    BlockComment { start: usize, end: usize },
    /// A `;`.
    Semicolon { at: usize },
    /// Any other character: operators, parentheses, commas.
    Punct { start: usize, end: usize },
}

impl Token {
    pub fn start(self) -> usize {
        match self {
            Token::Word { start, .. }
            | Token::Quoted { start, .. }
            | Token::LineComment { start, .. }
            | Token::BlockComment { start, .. }
            | Token::Punct { start, .. } => start,
            Token::Semicolon { at } => at,
        }
    }

    pub fn end(self) -> usize {
        match self {
            Token::Word { end, .. }
            | Token::Quoted { end, .. }
            | Token::LineComment { end, .. }
            | Token::BlockComment { end, .. }
            | Token::Punct { end, .. } => end,
            Token::Semicolon { at } => at + 1,
        }
    }

    pub fn is_comment(self) -> bool {
        matches!(self, Token::LineComment { .. } | Token::BlockComment { .. })
    }
}

/// Whether byte `offset` of `text` is the first thing on its line (after
/// blanks and a byte-order mark): where a directive, a header or a comment
/// line above a statement stands.
pub(crate) fn starts_line(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    text[line_start..offset]
        .trim_start_matches('\u{feff}')
        .trim()
        .is_empty()
}

/// Something opened and never closed; `at` is where it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub at: usize,
    pub message: String,
}

pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word_byte(b: u8) -> bool {
    // Bytes >= 0x80 belong to non-ASCII letters, which PostgreSQL accepts in
    // unquoted identifiers; `$` continues an identifier (`foo$bar`).
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_tag_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_tag_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, start: usize) -> Self {
        Lexer { text, pos: start }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes().get(self.pos + ahead).copied()
    }

    /// The next token, skipping whitespace; `None` at the end of the text.
    pub fn next_token(&mut self) -> Option<Result<Token, LexError>> {
        while self.peek(0).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        let start = self.pos;
        let b = self.peek(0)?;
        let token = match b {
            b'-' if self.peek(1) == Some(b'-') => Ok(self.line_comment(start)),
            b'/' if self.peek(1) == Some(b'*') => self.block_comment(start),
            b';' => {
                self.pos += 1;
                Ok(Token::Semicolon { at: start })
            }
            b'\'' => self.quoted(start, start, b'\'', false, "quoted string"),
            b'"' => self.quoted(start, start, b'"', false, "quoted identifier"),
            b'$' => self.dollar(start),
            _ if is_word_byte(b) => self.word(start),
            _ => {
                let len = self.text[start..].chars().next().map_or(1, char::len_utf8);
                self.pos += len;
                Ok(Token::Punct {
                    start,
                    end: self.pos,
                })
            }
        };
        Some(token)
    }

    fn line_comment(&mut self, start: usize) -> Token {
        let rest = &self.bytes()[start..];
        let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        // A CRLF file's `\r` is not part of the comment's text.
        let end = if len > 0 && rest[len - 1] == b'\r' {
            start + len - 1
        } else {
            start + len
        };
        self.pos = start + len;
        Token::LineComment { start, end }
    }

    fn block_comment(&mut self, start: usize) -> Result<Token, LexError> {
        // PostgreSQL nests block comments, unlike the SQL standard.
        let mut depth = 0usize;
        while self.pos < self.text.len() {
            if self.peek(0) == Some(b'/') && self.peek(1) == Some(b'*') {
                depth += 1;
                self.pos += 2;
            } else if self.peek(0) == Some(b'*') && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return Ok(Token::BlockComment {
                        start,
                        end: self.pos,
                    });
                }
            } else {
                self.pos += 1;
            }
        }
        Err(LexError {
            at: start,
            message: "unterminated block comment (`/*` without a matching `*/`)".to_owned(),
        })
    }

    /// A string or identifier closed by `quote`, where a doubled quote stands
    /// for itself; with `backslash`, `\` escapes the next byte (`E'...'`).
    fn quoted(
        &mut self,
        token_start: usize,
        quote_at: usize,
        quote: u8,
        backslash: bool,
        what: &str,
    ) -> Result<Token, LexError> {
        self.pos = quote_at + 1;
        while let Some(b) = self.peek(0) {
            if backslash && b == b'\\' {
                self.pos += 2;
            } else if b == quote {
                if self.peek(1) == Some(quote) {
                    self.pos += 2;
                } else {
                    self.pos += 1;
                    return Ok(Token::Quoted {
                        start: token_start,
                        end: self.pos,
                    });
                }
            } else {
                self.pos += 1;
            }
        }
        let close = quote as char;
        Err(LexError {
            at: token_start,
            message: format!("unterminated {what} (no closing `{close}`)"),
        })
    }

    fn dollar(&mut self, start: usize) -> Result<Token, LexError> {
        let bytes = self.bytes();
        let mut tag_end = start + 1;
        if bytes.get(tag_end).copied().is_some_and(is_tag_start) {
            while bytes.get(tag_end).copied().is_some_and(is_tag_byte) {
                tag_end += 1;
            }
        }
        if bytes.get(tag_end) != Some(&b'$') {
            // `$1` (a parameter) or a stray `$`: not a quote.
            self.pos = start + 1;
            while self.peek(0).is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            return Ok(Token::Punct {
                start,
                end: self.pos,
            });
        }
        let delimiter = &self.text[start..=tag_end];
        let body_start = tag_end + 1;
        match self.text[body_start..].find(delimiter) {
            Some(found) => {
                self.pos = body_start + found + delimiter.len();
                Ok(Token::Quoted {
                    start,
                    end: self.pos,
                })
            }
            None => Err(LexError {
                at: start,
                message: format!("unterminated dollar-quoted string (no closing `{delimiter}`)"),
            }),
        }
    }

    fn word(&mut self, start: usize) -> Result<Token, LexError> {
        while self.peek(0).is_some_and(is_word_byte) {
            self.pos += 1;
        }
        let word = &self.text[start..self.pos];
        if self.peek(0) == Some(b'\'') {
            // E'...' takes backslash escapes; other prefixes (B, X, N, U&)
            // do not change where the string ends.
            let backslash = word.eq_ignore_ascii_case("e");
            return self.quoted(start, self.pos, b'\'', backslash, "quoted string");
        }
        Ok(Token::Word {
            start,
            end: self.pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<&str> {
        let mut lexer = Lexer::new(text, 0);
        let mut out = Vec::new();
        while let Some(token) = lexer.next_token() {
            let token = token.expect("lexes");
            out.push(&text[token.start()..token.end()]);
        }
        out
    }

    fn error(text: &str) -> LexError {
        let mut lexer = Lexer::new(text, 0);
        loop {
            match lexer.next_token() {
                Some(Ok(_)) => continue,
                Some(Err(e)) => return e,
                None => panic!("{text:?} lexed without error"),
            }
        }
    }

    #[test]
    fn words_quotes_and_punctuation() {
        assert_eq!(
            tokens("SELECT 'it''s', \"a\"\"b\", foo$bar, $1;"),
            [
                "SELECT",
                "'it''s'",
                ",",
                "\"a\"\"b\"",
                ",",
                "foo$bar",
                ",",
                "$1",
                ";"
            ]
        );
    }

    #[test]
    fn escape_strings_honour_backslashes_and_plain_strings_do_not() {
        assert_eq!(tokens(r"E'a\'b' x"), [r"E'a\'b'", "x"]);
        assert_eq!(tokens(r"'a\' x"), [r"'a\'", "x"]);
        assert_eq!(tokens(r"xe'a' y"), ["xe'a'", "y"]);
    }

    #[test]
    fn dollar_quotes_with_and_without_tags() {
        assert_eq!(tokens("$$ a; $b$ $$;"), ["$$ a; $b$ $$", ";"]);
        assert_eq!(tokens("$fn$ $$ ; $fn$ x"), ["$fn$ $$ ; $fn$", "x"]);
    }

    #[test]
    fn comments_nest_and_stop_at_line_end() {
        assert_eq!(tokens("/* a /* b */ ; */ x"), ["/* a /* b */ ; */", "x"]);
        assert_eq!(tokens("-- a ; b\r\nx"), ["-- a ; b", "x"]);
    }

    #[test]
    fn unterminated_things_point_at_their_start() {
        assert_eq!(error("x 'abc").at, 2);
        assert!(error("x 'abc").message.contains("quoted string"));
        assert_eq!(
            error("\"abc").message,
            "unterminated quoted identifier (no closing `\"`)"
        );
        assert_eq!(error("a $t$ b $x$").at, 2);
        assert!(error("a $t$ b").message.contains("`$t$`"));
        assert_eq!(error("/* /* */").at, 0);
        assert_eq!(error(r"E'abc\'").at, 0);
    }
}
