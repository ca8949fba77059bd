//! Byte offsets to 1-based lines and columns.

/// The start offset of every line of a text, for turning byte offsets into
/// line numbers without rescanning.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line holding byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// 1-based line and 1-based column (in characters) of byte `offset`.
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts[line - 1];
        let offset = offset.min(text.len());
        let col = text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, col)
    }

    /// The text of 1-based `line`, without its line break.
    pub(crate) fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts.get(line - 1).copied().unwrap_or(text.len());
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
    fn lines_columns_and_texts() {
        let text = "ab\r\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(3), 1);
        assert_eq!(index.line_of(4), 2);
        assert_eq!(index.line_col(text, 6), (2, 2));
        assert_eq!(index.line_text(text, 1), "ab");
        assert_eq!(index.line_text(text, 2), "çd");
        assert_eq!(index.line_text(text, 3), "");
        assert_eq!(index.line_text(text, 4), "x");
    }
}
