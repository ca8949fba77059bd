//! Text put into Markdown safely: what a description says must not turn
//! into emphasis, a link, an HTML tag, a new table cell, a mention of a
//! user or a link to an issue, and a code block must close where the
//! report closes it.

/// Put after `@` and `#` before a word: GitHub then reads no mention
/// (`@team`) and no issue link (`#12`) there, and the text looks the same.
const JOINER: char = '\u{200D}';

/// `text` as inline Markdown that renders as itself on one line: the
/// characters GitHub's Markdown gives a meaning escaped (`|` too, which
/// ends a table cell), HTML's `<`, `>` and `&` as entities, line breaks
/// as spaces; `@` and `#` before a letter or digit followed by a
/// zero-width joiner, so a name from the schema notifies nobody.
pub fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word (`order_items`) an underscore is no emphasis;
            // escaped there it would only clutter the source.
            '_' if !inside_word(&chars, index) => out.push_str("\\_"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '@' | '#' if chars.get(index + 1).is_some_and(|n| n.is_alphanumeric()) => {
                out.push(c);
                out.push(JOINER);
            }
            c => out.push(c),
        }
    }
    out
}

fn inside_word(chars: &[char], index: usize) -> bool {
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    index > 0 && word(chars.get(index - 1)) && word(chars.get(index + 1))
}

/// `text` as inline code: in backticks one more than its longest run, so
/// none inside closes it. Outside a table (a code span shows a backslash
/// as itself).
pub fn code(text: &str) -> String {
    spanned(&text.replace(['\n', '\r'], " "))
}

/// `text` as inline code in a table cell: its `|` escaped, which would end
/// the cell even inside the span (GitHub shows `\|` there as `|`).
pub fn cell_code(text: &str) -> String {
    spanned(&text.replace(['\n', '\r'], " ").replace('|', "\\|"))
}

fn spanned(one_line: &str) -> String {
    let ticks = "`".repeat(longest_run(one_line, '`') + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{one_line}{pad}{ticks}")
}

/// The fence of a code block holding `lines`: three backticks, or one more
/// than the longest run of backticks in them, so no line closes it early.
pub fn fence(lines: &[&str]) -> String {
    let longest = lines
        .iter()
        .map(|line| longest_run(line, '`'))
        .max()
        .unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

fn longest_run(text: &str, of: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == of { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_escapes_what_markdown_and_html_would_read() {
        assert_eq!(
            inline("check (a || b) <> '*x*' & _y_ on order_items"),
            "check (a \\|\\| b) &lt;&gt; '\\*x\\*' &amp; \\_y\\_ on order_items"
        );
        assert_eq!(inline("two\nlines"), "two lines");
    }

    #[test]
    fn mentions_and_issue_links_are_neutralized_outside_code() {
        assert_eq!(
            inline("ask @alice about #12, a@b"),
            "ask @\u{200D}alice about #\u{200D}12, a@\u{200D}b"
        );
        // A lone sign before a space or at the end is no mention: as is.
        assert_eq!(inline("# of rows @ 5 #"), "# of rows @ 5 #");
        // In a code span GitHub links nothing: it is kept as typed.
        assert_eq!(code("@alice #12"), "`@alice #12`");
    }

    #[test]
    fn a_bar_is_escaped_in_table_cells_only() {
        assert_eq!(code("a || b"), "`a || b`");
        assert_eq!(cell_code("a || b"), "`a \\|\\| b`");
    }

    #[test]
    fn code_and_fences_outlast_the_backticks_inside() {
        assert_eq!(code("public.orders"), "`public.orders`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(fence(&["SELECT 1;"]), "```");
        assert_eq!(fence(&["$$ ```` $$"]), "`````");
    }
}
