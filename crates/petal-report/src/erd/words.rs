//! Spellings Mermaid's `erDiagram` grammar accepts (checked against the
//! grammar of the version `scripts/mermaid-check` pins, 11.17.2, and kept
//! to what older renderers accept too, since GitHub, GitLab and Gitea each
//! pin their own):
//!
//! - an entity's identifier: ASCII letters, digits and `_` only. Mermaid
//!   also takes quoted names, but a dot in an entity name ends up in the
//!   renderer's element ids; the real `schema.table` is the entity's label
//!   (`id["label"]`, an alias since Mermaid 10.5.0), where only `"`, `%`,
//!   `\` and line breaks are refused.
//! - an attribute's type and name: one word starting with a letter or `_`,
//!   no spaces, commas or parentheses (older renderers refuse those), and
//!   not `PK`, `FK` or `UK`, which the lexer takes for key markers whatever
//!   their case.
//! - a comment or a relationship's label: quoted, without `"`.

/// An identifier made of `text`: every other character `_`, runs of `_`
/// made one, none at either end (`public.order items` →
/// `public_order_items`), a leading digit behind `_`.
pub fn identifier(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// An attribute's name or type as one word the attribute grammar takes.
pub fn word(text: &str) -> String {
    let mut out = identifier(text);
    if ["pk", "fk", "uk"].contains(&out.to_ascii_lowercase().as_str()) {
        out.push('_');
    }
    out
}

/// A type as PostgreSQL prints it, spelled as one readable word:
/// `numeric(12,2)` → `numeric_12_2`, `timestamp with time zone` →
/// `timestamptz`, `character varying(20)` → `varchar_20`, `text[]` →
/// `text_array`, `public.order_status` → `public_order_status` (the
/// enum entity's identifier).
pub fn mermaid_type(sql_type: &str) -> String {
    let (element, array) = match sql_type.strip_suffix("[]") {
        Some(element) => (element, true),
        None => (sql_type, false),
    };
    let (base, modifiers) = split_modifiers(element);
    let short = short_name(&base);
    let mut out = identifier(&short);
    if let Some(modifiers) = modifiers {
        out.push('_');
        out.push_str(&identifier(&modifiers));
    }
    if array {
        out.push_str("_array");
    }
    word(&out)
}

/// `timestamp(3) with time zone` → (`timestamp with time zone`, `3`):
/// the type's name without its modifiers, and the modifiers.
fn split_modifiers(element: &str) -> (String, Option<String>) {
    match (element.find('('), element.find(')')) {
        (Some(open), Some(close)) if open < close => {
            let before = element[..open].trim_end();
            let after = element[close + 1..].trim_start();
            let base = if after.is_empty() {
                before.to_string()
            } else {
                format!("{before} {after}")
            };
            (base, Some(element[open + 1..close].to_string()))
        }
        _ => (element.to_string(), None),
    }
}

/// The short names PostgreSQL itself accepts for its long ones, where the
/// long one would turn into a run of words.
fn short_name(base: &str) -> String {
    let short = match base {
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        "character varying" => "varchar",
        "character" => "char",
        "bit varying" => "varbit",
        "double precision" => "float8",
        other => return other.replace('"', ""),
    };
    short.to_string()
}

/// Text for a quoted label or comment: `"` becomes `'`, line breaks and
/// tabs spaces, and what the entity-name rule refuses (`%`, `\`) `_`;
/// longer than `limit` characters, cut with `...`.
pub fn quoted_text(text: &str, limit: usize) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '%' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.chars().count() <= limit {
        return cleaned;
    }
    let cut: String = cleaned.chars().take(limit.saturating_sub(3)).collect();
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_become_one_readable_word() {
        let cases = [
            ("integer", "integer"),
            ("numeric(12,2)", "numeric_12_2"),
            ("timestamp with time zone", "timestamptz"),
            ("timestamp(3) with time zone", "timestamptz_3"),
            ("timestamp without time zone", "timestamp"),
            ("character varying(20)", "varchar_20"),
            ("character varying", "varchar"),
            ("text[]", "text_array"),
            ("numeric(12,2)[]", "numeric_12_2_array"),
            ("double precision", "float8"),
            ("public.order_status", "public_order_status"),
            ("public.\"Odd Type\"[]", "public_Odd_Type_array"),
            ("interval year to month", "interval_year_to_month"),
            ("bit varying(8)", "varbit_8"),
        ];
        for (sql, expected) in cases {
            assert_eq!(mermaid_type(sql), expected, "{sql}");
        }
    }

    #[test]
    fn names_are_identifiers_and_never_key_markers() {
        assert_eq!(identifier("public.orders"), "public_orders");
        assert_eq!(identifier("sales.Order Items"), "sales_Order_Items");
        assert_eq!(identifier("2024"), "_2024");
        assert_eq!(identifier("цветы"), "_");
        assert_eq!(word("pk"), "pk_");
        assert_eq!(word("Fk"), "Fk_");
        assert_eq!(word("pk_id"), "pk_id");
    }

    #[test]
    fn quoted_text_holds_no_quote_nor_break_and_is_cut() {
        assert_eq!(quoted_text("say \"hi\"\n100%", 80), "say 'hi' 100_");
        assert_eq!(quoted_text("abcdefghij", 8), "abcde...");
        assert_eq!(quoted_text("abcdefgh", 8), "abcdefgh");
    }
}
