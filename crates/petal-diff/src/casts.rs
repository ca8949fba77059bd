//! What a column type change does to the data: whether PostgreSQL needs a
//! `USING` cast (no implicit or assignment cast exists), whether it rewrites
//! the table, and whether it can lose or alter values.
//!
//! The rules follow `pg_cast` for the built-in types; a pair of types the
//! rules do not know is treated as needing a cast, rewriting and lossy, so
//! that the reviewer is warned rather than reassured.

use petal_ir::SqlType;

/// How risky a type change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeChangeRisk {
    /// Binary coercible: only the catalog changes (`varchar(10)` →
    /// `varchar(20)`, `varchar` → `text`).
    MetadataOnly,
    /// Every value converts exactly, but the table is rewritten.
    Rewrite,
    /// Values can round, be truncated, overflow or change meaning.
    Lossy,
}

fn is_string(base: &str) -> bool {
    matches!(base, "text" | "character varying" | "character")
}

/// Decimal digits a type holds exactly before the point, for integers.
fn integer_digits(base: &str) -> Option<i64> {
    match base {
        "smallint" => Some(5),
        "integer" => Some(10),
        "bigint" => Some(19),
        _ => None,
    }
}

/// Bits of mantissa, for the floating point types.
fn float_bits(base: &str) -> Option<i64> {
    match base {
        "real" => Some(24),
        "double precision" => Some(53),
        _ => None,
    }
}

/// Significant bits of an integer type.
fn integer_bits(base: &str) -> Option<i64> {
    match base {
        "smallint" => Some(15),
        "integer" => Some(31),
        "bigint" => Some(63),
        _ => None,
    }
}

fn is_numeric_family(base: &str) -> bool {
    integer_digits(base).is_some() || float_bits(base).is_some() || base == "numeric"
}

/// Whether `ALTER COLUMN ... TYPE to` needs `USING col::to` coming from
/// `from`: true where PostgreSQL has only an explicit cast (or none).
pub fn needs_using(from: &SqlType, to: &SqlType, from_is_enum: bool, to_is_enum: bool) -> bool {
    if from.is_array() != to.is_array() {
        return true;
    }
    let (fb, tb) = (from.base(), to.base());
    if fb == tb && !from_is_enum && !to_is_enum {
        return false;
    }
    if to_is_enum {
        // Nothing casts to an enum implicitly, not even another enum.
        return true;
    }
    // Every type has an assignment I/O cast to the string types.
    if is_string(&tb) {
        return false;
    }
    if from_is_enum {
        return true;
    }
    if is_numeric_family(&fb) && is_numeric_family(&tb) {
        return false;
    }
    let assignable = [
        ("json", "jsonb"),
        ("jsonb", "json"),
        ("date", "timestamp without time zone"),
        ("date", "timestamp with time zone"),
        ("timestamp without time zone", "timestamp with time zone"),
        ("timestamp with time zone", "timestamp without time zone"),
        ("timestamp without time zone", "date"),
        ("timestamp with time zone", "date"),
        ("timestamp without time zone", "time without time zone"),
        ("time without time zone", "time with time zone"),
        ("time with time zone", "time without time zone"),
        ("bit", "bit varying"),
        ("bit varying", "bit"),
    ];
    !assignable.contains(&(fb.as_str(), tb.as_str()))
}

/// Whether PostgreSQL has a cast (of any context) straight from `from` to
/// `to`; where it has none, a conversion goes through `text`, which every
/// type has I/O casts to and from.
fn direct_cast(from: &SqlType, to: &SqlType, from_is_enum: bool, to_is_enum: bool) -> bool {
    if from.is_array() != to.is_array() {
        return false;
    }
    let (fb, tb) = (from.element().base(), to.element().base());
    if from_is_enum || to_is_enum {
        // An enum converts to and from the string types only.
        return (from_is_enum && is_string(&tb) && !to_is_enum)
            || (to_is_enum && is_string(&fb) && !from_is_enum);
    }
    if from.is_array() {
        // Array casts follow their element casts; keep to the sure ones.
        return is_string(&tb) && is_string(&fb)
            || is_numeric_family(&fb) && is_numeric_family(&tb);
    }
    is_string(&fb)
        || is_string(&tb)
        || fb == tb
        || is_numeric_family(&fb) && is_numeric_family(&tb)
        || matches!(
            (fb.as_str(), tb.as_str()),
            ("integer", "boolean") | ("boolean", "integer")
        )
        || !needs_using(from, to, false, false)
}

/// The cast that follows the column name in `USING`, when the type change
/// needs one: `::integer`, or `::text::public.status` where no direct cast
/// exists (enum to enum, enum to number, array to scalar...).
pub fn using_cast(
    from: &SqlType,
    to: &SqlType,
    from_is_enum: bool,
    to_is_enum: bool,
) -> Option<String> {
    if !needs_using(from, to, from_is_enum, to_is_enum) {
        return None;
    }
    if direct_cast(from, to, from_is_enum, to_is_enum) {
        Some(format!("::{to}"))
    } else {
        let through = if from.is_array() && to.is_array() {
            "text[]"
        } else {
            "text"
        };
        Some(format!("::{through}::{to}"))
    }
}

/// The risk of changing a column's type from `from` to `to` (elements of
/// arrays compare as their elements do).
pub fn type_change_risk(from: &SqlType, to: &SqlType, enums: (bool, bool)) -> TypeChangeRisk {
    use TypeChangeRisk::*;
    if from == to {
        return MetadataOnly;
    }
    if from.is_array() != to.is_array() {
        return Lossy;
    }
    let (from, to) = (from.element(), to.element());
    let (fb, tb) = (from.base(), to.base());
    let (fm, tm) = (from.modifiers(), to.modifiers());
    match enums {
        (true, false) if is_string(&tb) => {
            return if tm.is_empty() { Rewrite } else { Lossy };
        }
        (_, true) => return Lossy,
        (true, false) => return Lossy,
        _ => {}
    }
    if is_string(&fb) && is_string(&tb) {
        // character(n) pads with blanks, and dropping them changes values.
        if fb == "character" || tb == "character" {
            return if fb == tb && tm.first() >= fm.first() {
                Rewrite
            } else {
                Lossy
            };
        }
        return match (fm.first(), tm.first()) {
            (_, None) => MetadataOnly,
            (Some(f), Some(t)) if t >= f => MetadataOnly,
            _ => Lossy,
        };
    }
    if is_string(&tb) {
        // Text representation keeps every value, unless a length cuts it.
        return if tm.is_empty() { Rewrite } else { Lossy };
    }
    if let (Some(f), Some(t)) = (integer_digits(&fb), integer_digits(&tb)) {
        return if t >= f { Rewrite } else { Lossy };
    }
    if let (Some(f), Some(t)) = (integer_bits(&fb), float_bits(&tb)) {
        return if t >= f { Rewrite } else { Lossy };
    }
    if let (Some(f), Some(t)) = (float_bits(&fb), float_bits(&tb)) {
        return if t >= f { Rewrite } else { Lossy };
    }
    if tb == "numeric" {
        if tm.is_empty() {
            return if is_numeric_family(&fb) {
                if fb == "numeric" {
                    MetadataOnly
                } else {
                    Rewrite
                }
            } else {
                Lossy
            };
        }
        let (t_precision, t_scale) = (tm[0], tm.get(1).copied().unwrap_or(0));
        let t_integral = t_precision - t_scale;
        if let Some(digits) = integer_digits(&fb) {
            return if t_integral >= digits { Rewrite } else { Lossy };
        }
        if fb == "numeric" && !fm.is_empty() {
            let (f_precision, f_scale) = (fm[0], fm.get(1).copied().unwrap_or(0));
            let widens = t_scale >= f_scale && t_integral >= f_precision - f_scale;
            return match (widens, t_scale == f_scale) {
                (true, true) => MetadataOnly,
                (true, false) => Rewrite,
                (false, _) => Lossy,
            };
        }
        return Lossy;
    }
    let time_widening = [
        ("date", "timestamp without time zone"),
        ("date", "timestamp with time zone"),
        ("time without time zone", "time with time zone"),
        ("json", "jsonb"),
    ];
    if time_widening.contains(&(fb.as_str(), tb.as_str())) {
        // json → jsonb keeps values but not key order, duplicates or spacing.
        return if fb == "json" { Lossy } else { Rewrite };
    }
    if fb == tb
        && matches!(
            fb.as_str(),
            "timestamp with time zone"
                | "timestamp without time zone"
                | "time without time zone"
                | "time with time zone"
                | "interval"
        )
    {
        // Fractional-second precision: more keeps, less rounds.
        let precision = |m: &[i64]| m.first().copied().unwrap_or(6);
        return if precision(&tm) >= precision(&fm) {
            MetadataOnly
        } else {
            Lossy
        };
    }
    if (fb, tb.as_str()) == ("jsonb".to_string(), "json") {
        return Rewrite;
    }
    Lossy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(a: &str, b: &str) -> TypeChangeRisk {
        type_change_risk(
            &SqlType::canonical(a),
            &SqlType::canonical(b),
            (false, false),
        )
    }

    fn using(a: &str, b: &str) -> bool {
        needs_using(&SqlType::canonical(a), &SqlType::canonical(b), false, false)
    }

    #[test]
    fn the_examples_of_the_design() {
        use TypeChangeRisk::*;
        assert_eq!(risk("double precision", "numeric(12,2)"), Lossy);
        assert_eq!(risk("bigint", "integer"), Lossy);
        assert_eq!(risk("text", "varchar(10)"), Lossy);
        assert_eq!(risk("integer", "bigint"), Rewrite);
        assert_eq!(risk("varchar(10)", "varchar(20)"), MetadataOnly);
        assert_eq!(risk("varchar(20)", "varchar(10)"), Lossy);
        assert_eq!(risk("varchar", "text"), MetadataOnly);
        assert_eq!(risk("numeric(10,2)", "numeric(12,2)"), MetadataOnly);
        assert_eq!(risk("numeric(12,2)", "numeric(12,3)"), Lossy);
        assert_eq!(risk("numeric(12,2)", "numeric(13,3)"), Rewrite);
        assert_eq!(risk("integer", "numeric(12,2)"), Rewrite);
        assert_eq!(risk("bigint", "numeric(12,2)"), Lossy);
        assert_eq!(risk("integer", "double precision"), Rewrite);
        assert_eq!(risk("bigint", "double precision"), Lossy);
        assert_eq!(risk("real", "double precision"), Rewrite);
        assert_eq!(risk("integer", "text"), Rewrite);
        assert_eq!(risk("text", "integer"), Lossy);
        assert_eq!(risk("timestamp(3)", "timestamp"), MetadataOnly);
        assert_eq!(risk("timestamp", "timestamp(3)"), Lossy);
        assert_eq!(risk("integer[]", "bigint[]"), Rewrite);
        assert_eq!(risk("uuid", "jsonb"), Lossy);
    }

    #[test]
    fn using_follows_pg_cast() {
        assert!(!using("integer", "bigint"));
        assert!(!using("double precision", "numeric(12,2)"));
        assert!(!using("integer", "text"));
        assert!(using("text", "integer"));
        assert!(using("text", "uuid"));
        assert!(!using("json", "jsonb"));
        assert!(using("integer", "boolean"));
        assert!(using("integer", "integer[]"));
        let text = SqlType::canonical("text");
        let status = SqlType::canonical("public.status");
        assert!(needs_using(&text, &status, false, true));
        assert!(!needs_using(&status, &text, true, false));
        let cast = |a: &str, b: &str, ea, eb| {
            using_cast(&SqlType::canonical(a), &SqlType::canonical(b), ea, eb)
        };
        assert_eq!(
            cast("text", "integer", false, false).as_deref(),
            Some("::integer")
        );
        assert_eq!(cast("integer", "bigint", false, false), None);
        assert_eq!(
            cast("public.a", "public.b", true, true).as_deref(),
            Some("::text::public.b")
        );
        assert_eq!(
            cast("public.a", "integer", true, false).as_deref(),
            Some("::text::integer")
        );
        assert_eq!(
            cast("integer[]", "jsonb", false, false).as_deref(),
            Some("::text::jsonb")
        );
        assert_eq!(
            cast("public.a[]", "public.b[]", true, true).as_deref(),
            Some("::text[]::public.b[]")
        );
    }
}
