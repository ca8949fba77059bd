//! Just enough SQL lexing to tell which columns a check expression uses.

/// The table's columns an SQL expression mentions, each once, in order of
/// first mention. PostgreSQL names a check `table_column_check` when its
/// expression uses exactly one column, so this approximates its parser:
/// identifiers outside string literals, not called as functions and not
/// cast targets.
pub fn columns_in_expression(expr: &str, columns: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut after_cast = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            after_cast = false;
            continue;
        }
        let (ident, end) = if c == '"' {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && chars[j] != '"' {
                j += 1;
            }
            (
                chars[start..j.min(chars.len())].iter().collect::<String>(),
                j + 1,
            )
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
            {
                j += 1;
            }
            let word: String = chars[start..j].iter().collect();
            (word.to_lowercase(), j)
        } else {
            after_cast = c == ':' && chars.get(i + 1) == Some(&':');
            i += if after_cast { 2 } else { 1 };
            continue;
        };
        let mut next = end;
        while next < chars.len() && chars[next].is_whitespace() {
            next += 1;
        }
        let is_call = chars.get(next) == Some(&'(');
        if !is_call && !after_cast && columns.contains(&ident) && !found.contains(&ident) {
            found.push(ident);
        }
        after_cast = false;
        i = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn expression_columns_skip_literals_calls_and_casts() {
        let columns = cols(&["total", "status", "lower", "text"]);
        assert_eq!(
            columns_in_expression("total >= 0", &columns),
            cols(&["total"])
        );
        assert_eq!(
            columns_in_expression("TOTAL >= 0 AND total < 100", &columns),
            cols(&["total"])
        );
        assert_eq!(
            columns_in_expression("status <> 'total' AND lower(x) = 'a''total'", &columns),
            cols(&["status"])
        );
        assert_eq!(
            columns_in_expression("status::text <> ''", &columns),
            cols(&["status"])
        );
        assert_eq!(
            columns_in_expression("\"total\" > 0 and status is not null", &columns),
            cols(&["total", "status"])
        );
    }
}
