//! Rust names for what a database names: modules for schemas, structs for
//! tables (singular, PascalCase), fields for columns (snake_case), enums and
//! variants for enum types and labels. Each is checked against what the
//! scanner derives from it back (the snake_case of an enum or variant, a
//! field's own name as its column), so the writer knows when to spell the
//! SQL name out.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust's keywords, strict and reserved (2024 edition), which cannot name a
/// field or a module. `syn` knows most; `gen` is reserved from 2024 on.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names a model file uses unqualified (the prelude's, and what it
/// imports from petal): a struct or enum of the same name would shadow them.
pub(super) const RESERVED_TYPES: &[&str] = &["DbEnum", "Option", "Self", "String", "Table", "Vec"];

/// Type names the scanner maps to a built-in type whatever they are
/// (`Value` is jsonb): an enum so named would not be read as itself.
pub(super) const MAPPED_TYPES: &[&str] = &[
    "Date",
    "DateTime",
    "Decimal",
    "Json",
    "JsonValue",
    "Jsonb",
    "NaiveDate",
    "NaiveDateTime",
    "NaiveTime",
    "OffsetDateTime",
    "PrimitiveDateTime",
    "Time",
    "UtcDateTime",
    "Uuid",
    "Value",
];

/// Whether `name` is an identifier Rust accepts as a field, variant or type
/// name (Unicode letters included, keywords not).
pub(super) fn is_identifier(name: &str) -> bool {
    !KEYWORDS.contains(&name) && name != "_" && syn::parse_str::<syn::Ident>(name).is_ok()
}

/// The field for column `column`: the column's own name when it is an
/// idiomatic snake_case identifier (then no `column = "..."` is needed),
/// else a sanitized one. `taken` holds the names no new field may take:
/// other fields', and every SQL column name of the table (a column list
/// resolves a name as a column before it tries the fields).
pub(super) fn field_name(column: &str, ordinal: usize, taken: &BTreeSet<String>) -> String {
    if is_plain_snake(column) && !taken.contains(column) {
        return column.to_string();
    }
    let mut base: String = column
        .to_snake_case()
        .chars()
        .filter(|c| *c == '_' || unicode_ident::is_xid_continue(*c))
        .collect();
    if base.is_empty() {
        base = format!("column_{ordinal}");
    } else if base.starts_with(|c: char| c != '_' && !unicode_ident::is_xid_start(c)) {
        base = format!("column_{base}");
    }
    if !is_identifier(&base) {
        // A keyword (`type`): the trailing underscore is Rust's custom.
        base.push('_');
    }
    let separator = if base.ends_with('_') { "" } else { "_" };
    unique(&base, separator, taken)
}

/// A snake_case identifier that heck leaves as it is (`created_at`, `цена`;
/// not `Note Text`, `ID`, `type`).
pub(super) fn is_plain_snake(name: &str) -> bool {
    is_identifier(name) && name.to_snake_case() == name
}

/// The struct for table `table`: its last word singular, PascalCase
/// (`order_items` → `OrderItem`, `Order Items` → `OrderItem`).
pub(super) fn struct_name(table: &str) -> String {
    let snake = table.to_snake_case();
    let mut words: Vec<String> = snake.split('_').map(str::to_string).collect();
    if let Some(last) = words.last_mut() {
        *last = singular(last);
    }
    type_name(&words.join("_"), "Table")
}

/// The enum for enum type `name` (`order_status` → `OrderStatus`).
pub(super) fn enum_name(name: &str) -> String {
    type_name(name, "Enum")
}

/// A variant for label `label` (`in progress` → `InProgress`, `it's` →
/// `Its`).
pub(super) fn variant_name(label: &str) -> String {
    let without_apostrophes: String = label.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
    type_name(&without_apostrophes, "Label")
}

/// PascalCase of `text` as an identifier; `prefix` before a leading digit
/// or in place of nothing left.
fn type_name(text: &str, prefix: &str) -> String {
    let camel: String = text
        .to_upper_camel_case()
        .chars()
        // What an identifier may hold: `²` is alphanumeric, and is not.
        .filter(|c| *c == '_' || unicode_ident::is_xid_continue(*c))
        .collect();
    let name = if camel.is_empty() || camel.starts_with(|c: char| !unicode_ident::is_xid_start(c)) {
        format!("{prefix}{camel}")
    } else {
        camel
    };
    if is_identifier(&name) {
        name
    } else {
        // `Self`, the one PascalCase keyword.
        format!("{name}{prefix}")
    }
}

/// The module of schema `schema`: ASCII, as the compiler looks a module's
/// file up by its name and refuses a non-ASCII one.
pub(super) fn module_name(schema: &str, taken: &BTreeSet<String>) -> String {
    let mut base: String = schema
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
        base = format!("schema_{base}").trim_end_matches('_').to_string();
    }
    // A module named `lib`, `main` or `mod` would be taken for the root.
    if !is_identifier(&base) || ["lib", "main", "mod"].contains(&base.as_str()) {
        base.push('_');
    }
    unique(&base, "_", taken)
}

/// `base`, or `base<sep>2`, `base<sep>3`, ...: the first not in `taken`.
pub(super) fn unique(base: &str, sep: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{sep}{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// The singular of an English plural, for the last word of a table name.
/// Conservative: a word it does not recognize as a plural is kept, and a
/// word outside ASCII is never touched.
pub(super) fn singular(word: &str) -> String {
    if !word.is_ascii() || word.len() < 3 {
        return word.to_string();
    }
    if let Some(&(_, one)) = IRREGULAR.iter().find(|(many, _)| *many == word) {
        return one.to_string();
    }
    if UNCOUNTED.contains(&word) {
        return word.to_string();
    }
    let strip = |n: usize| word[..word.len() - n].to_string();
    if word.ends_with("ies") && word.len() > 4 {
        return format!("{}y", strip(3));
    }
    for ending in ["sses", "xes", "ches", "shes", "zzes", "iases"] {
        if word.ends_with(ending) {
            return strip(2);
        }
    }
    if let Some(stem) = word.strip_suffix("uses") {
        // `statuses`, `bonuses` lose `es`; `houses`, `causes` only `s`.
        let vowel_before = stem.chars().last().is_some_and(|c| "aeiou".contains(c));
        return if vowel_before { strip(1) } else { strip(2) };
    }
    if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return strip(1);
    }
    word.to_string()
}

const IRREGULAR: &[(&str, &str)] = &[
    ("people", "person"),
    ("children", "child"),
    ("men", "man"),
    ("women", "woman"),
    ("mice", "mouse"),
    ("geese", "goose"),
    ("feet", "foot"),
    ("teeth", "tooth"),
    ("criteria", "criterion"),
    ("phenomena", "phenomenon"),
    ("indices", "index"),
    ("matrices", "matrix"),
    ("vertices", "vertex"),
    ("analyses", "analysis"),
    ("theses", "thesis"),
    ("crises", "crisis"),
];

/// Words whose plural is themselves, or that end in `s` in the singular.
const UNCOUNTED: &[&str] = &[
    "news",
    "series",
    "species",
    "sheep",
    "fish",
    "deer",
    "equipment",
    "information",
    "data",
    "metadata",
    "alias",
    "canvas",
    "gas",
    "lens",
    "atlas",
    "chaos",
    "physics",
    "analytics",
    "statistics",
    "mathematics",
    "economics",
    "ethics",
    "logistics",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_become_singular() {
        for (many, one) in [
            ("orders", "order"),
            ("categories", "category"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("batches", "batch"),
            ("statuses", "status"),
            ("houses", "house"),
            ("warehouses", "warehouse"),
            ("cases", "case"),
            ("aliases", "alias"),
            ("people", "person"),
            ("status", "status"),
            ("news", "news"),
            ("log", "log"),
            ("товары", "товары"),
            ("ids", "id"),
            ("settings", "setting"),
        ] {
            assert_eq!(singular(many), one, "{many}");
        }
    }

    #[test]
    fn structs_enums_and_variants() {
        assert_eq!(struct_name("order_items"), "OrderItem");
        assert_eq!(struct_name("Order Items"), "OrderItem");
        assert_eq!(struct_name("товары"), "Товары");
        assert_eq!(struct_name("2024_events"), "Table2024Event");
        assert_eq!(enum_name("order_status"), "OrderStatus");
        assert_eq!(enum_name("Priority Level"), "PriorityLevel");
        assert_eq!(variant_name("in progress"), "InProgress");
        assert_eq!(variant_name("it's"), "Its");
        assert_eq!(variant_name("Отменён"), "Отменён");
        assert_eq!(variant_name("???"), "Label");
        assert_eq!(variant_name("self"), "SelfLabel");
    }

    #[test]
    fn fields_and_modules() {
        let none = BTreeSet::new();
        assert_eq!(field_name("created_at", 1, &none), "created_at");
        assert_eq!(field_name("цена", 1, &none), "цена");
        assert_eq!(field_name("type", 1, &none), "type_");
        assert_eq!(field_name("Note Text", 1, &none), "note_text");
        assert_eq!(field_name("1st", 1, &none), "column_1st");
        assert_eq!(field_name("!!", 7, &none), "column_7");
        let taken = BTreeSet::from(["id".to_string()]);
        assert_eq!(field_name("ID", 2, &taken), "id_2");
        assert_eq!(module_name("public", &none), "public");
        assert_eq!(module_name("Склад", &none), "schema");
        assert_eq!(module_name("mod", &none), "mod_");
        assert_eq!(module_name("2024", &none), "schema_2024");
        // Taken for the models' root file otherwise.
        assert_eq!(module_name("lib", &none), "lib_");
        assert_eq!(module_name("main", &none), "main_");
        // `²` is alphanumeric, and no identifier may hold it.
        assert_eq!(field_name("area_m²", 1, &none), "area_m");
        assert!(is_identifier(&field_name("²", 3, &none)));
    }
}
