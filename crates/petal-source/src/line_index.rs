//! Byte offsets to 1-based lines and columns.

use serde::Serialize;

/// A place in a text: 1-based line, 1-based column counted in characters
/// (a tab is one), and the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// The byte offsets where the lines of a text start, so that each lookup
/// costs a binary search and one line's worth of characters (a schema of a
/// thousand tables has tens of thousands of objects to locate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The byte offset where 1-based `line` starts (the text's end for a
    /// line past it).
    pub fn line_start(&self, line: usize) -> usize {
        line.checked_sub(1)
            .and_then(|i| self.starts.get(i))
            .or(self.starts.last())
            .copied()
            .unwrap_or(0)
    }

    /// The position of byte `offset` of `text`, the text this index was
    /// built from (an offset past its end or inside a character is moved
    /// back to the nearest character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let line_start = self.line_start(line);
        Position {
            line,
            column: text[line_start..offset].chars().count() + 1,
            offset,
        }
    }

    /// The text of 1-based `line`, without its line break (`\n` or `\r\n`).
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = match line.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some(&start) => start,
            None => text.len(),
        };
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\nгде x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, text.len()).line, 3);
        assert_eq!(
            index.position(text, 0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        let x = text.find('x').unwrap_or_default();
        assert_eq!(
            index.position(text, x),
            Position {
                line: 2,
                column: 5,
                offset: x
            }
        );
        // Inside a character: its start.
        assert_eq!(index.position(text, 4).offset, 3);
    }

    #[test]
    fn lines_and_their_texts() {
        let text = "ab\r\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(3), 1);
        assert_eq!(index.line_of(4), 2);
        assert_eq!(index.position(text, 6).column, 2);
        assert_eq!(index.line_text(text, 1), "ab");
        assert_eq!(index.line_text(text, 2), "çd");
        assert_eq!(index.line_text(text, 3), "");
        assert_eq!(index.line_text(text, 4), "x");
        assert_eq!(index.line_text(text, 9), "");
        assert_eq!(index.line_start(2), 4);
    }
}
