//! A column's name inside the expressions of its table (checks, index
//! predicates and expression keys, generated columns), as the server
//! prints them after `ALTER TABLE ... RENAME COLUMN`: PostgreSQL stores
//! expressions by column number, so they follow the rename, and
//! `pg_get_expr` prints the new name. The in-memory model does the same to
//! the text, so a partial index or a check that only follows a renamed
//! column compares equal instead of being dropped and built again.

use crate::names::quote_ident_if_needed;

/// `expression` with every reference to the column `from` naming `to`.
///
/// The text is read as tokens: string literals and the insides of quoted
/// identifiers other than the column are left alone; a name right after
/// `::` is a type, one right before `(` a function, one next to a `.` part
/// of a qualified name: none of them is the column.
pub(crate) fn rename_column_in(expression: &str, from: &str, to: &str) -> String {
    let bytes = expression.as_bytes();
    let replacement = quote_ident_if_needed(to);
    let mut out = String::with_capacity(expression.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let (end, name) = match c {
            b'\'' => (skip_quoted(bytes, i, b'\''), None),
            b'"' => {
                let end = skip_quoted(bytes, i, b'"');
                let inner = &expression[i + 1..end.saturating_sub(1).max(i + 1)];
                (end, Some(inner.replace("\"\"", "\"")))
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let mut end = i + 1;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric()
                        || bytes[end] == b'_'
                        || bytes[end] == b'$'
                        || bytes[end] >= 0x80)
                {
                    end += 1;
                }
                // A bare name is case-folded by the server.
                (end, Some(expression[i..end].to_lowercase()))
            }
            _ => {
                let len = expression[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&expression[i..i + len]);
                i += len;
                continue;
            }
        };
        let token = &expression[i..end];
        let is_column = name.as_deref() == Some(from)
            && !expression[..i].trim_end().ends_with(['.', ':'])
            && !expression[end..].trim_start().starts_with(['(', '.']);
        out.push_str(if is_column { &replacement } else { token });
        i = end;
    }
    out
}

/// The end (one past the closing quote) of a quoted token starting at
/// `start`, a doubled quote standing for one; the text's end when unclosed.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::rename_column_in;

    #[test]
    fn references_follow_and_nothing_else_does() {
        assert_eq!(
            rename_column_in("(status <> 'status'::text)", "status", "state"),
            "(state <> 'status'::text)"
        );
        assert_eq!(
            rename_column_in(
                "((total > 0) AND (total_cents IS NOT NULL))",
                "total",
                "amount"
            ),
            "((amount > 0) AND (total_cents IS NOT NULL))"
        );
        // A type, a function, a qualified name: not the column.
        assert_eq!(
            rename_column_in("lower(lower) = (x.lower)::lower", "lower", "l2"),
            "lower(l2) = (x.lower)::lower"
        );
        // Quoted on either side, as the server quotes.
        assert_eq!(
            rename_column_in(r#"("Total" > 0)"#, "Total", "total"),
            "(total > 0)"
        );
        assert_eq!(
            rename_column_in("(total > 0)", "total", "Grand Total"),
            r#"("Grand Total" > 0)"#
        );
        assert_eq!(
            rename_column_in("(\"user\" IS NOT NULL)", "user", "owner"),
            "(owner IS NOT NULL)"
        );
        // An unclosed literal ends the text; nothing panics.
        assert_eq!(rename_column_in("'abc", "abc", "x"), "'abc");
        assert_eq!(rename_column_in("\"ab", "ab", "x"), "\"ab");
        assert_eq!(rename_column_in("città > 0", "città", "x"), "x > 0");
    }
}
