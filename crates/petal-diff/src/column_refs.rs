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
    // Inside a type after `::`, whose words go on (`character varying`,
    // `timestamp with time zone`, `double precision`).
    let mut in_type = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let (end, name) = match c {
            b'\'' => (skip_quoted(bytes, i, b'\''), None),
            b'"' => {
                let end = skip_quoted(bytes, i, b'"');
                // Closed: the name between the quotes; unclosed: no name.
                let closed = end > i + 1 && bytes[end - 1] == b'"';
                let inner = closed.then(|| expression[i + 1..end - 1].replace("\"\"", "\""));
                (end, inner)
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
                // The server prints a column bare only when it is exactly
                // its name (lower case); its keywords are upper case.
                (end, Some(expression[i..end].to_string()))
            }
            _ => {
                let len = expression[i..].chars().next().map_or(1, char::len_utf8);
                if !expression[i..i + len].trim().is_empty() {
                    in_type = false;
                }
                out.push_str(&expression[i..i + len]);
                i += len;
                continue;
            }
        };
        let token = &expression[i..end];
        let before = expression[..i].trim_end();
        let after_cast = before.ends_with("::");
        let type_word = after_cast
            || (in_type
                && matches!(
                    token,
                    "varying" | "precision" | "with" | "without" | "time" | "zone"
                ));
        in_type = type_word;
        let is_column = name.as_deref() == Some(from)
            && !type_word
            && !before.ends_with('.')
            // `EXTRACT(year FROM ...)`: a field name, not a column.
            && !before.ends_with("EXTRACT(")
            && !expression[end..].trim_start().starts_with(['(', '.']);
        out.push_str(if is_column { &replacement } else { token });
        i = end;
    }
    out
}

/// Whether `expression` refers to the column `column` (read as
/// [`rename_column_in`] reads it).
pub(crate) fn mentions_column(expression: &str, column: &str) -> bool {
    rename_column_in(expression, column, "\u{1}") != expression
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
        assert_eq!(rename_column_in("\"città", "città", "x"), "\"città");
        assert_eq!(rename_column_in("\"", "a", "x"), "\"");
        assert_eq!(rename_column_in("città > 0", "città", "x"), "x > 0");
        // Keywords and the words of a type are no columns.
        assert_eq!(
            rename_column_in(
                "(EXTRACT(year FROM at) > (year)::double precision) AND (zone)::character varying IS NOT NULL",
                "year",
                "y"
            ),
            "(EXTRACT(year FROM at) > (y)::double precision) AND (zone)::character varying IS NOT NULL"
        );
        assert_eq!(
            rename_column_in(
                "((at)::timestamp with time zone > now()) AND (zone <> ''::text)",
                "zone",
                "tz"
            ),
            "((at)::timestamp with time zone > now()) AND (tz <> ''::text)"
        );
        assert_eq!(
            rename_column_in("(time > '10:00:00'::time without time zone)", "time", "t"),
            "(t > '10:00:00'::time without time zone)"
        );
    }
}
