//! Where privileges are not compared, petal must never lose them: every
//! view and function keeps what its object had in A (followed through B's
//! rename hints), whether petal kept it or recreated it; a new one has
//! B's.

use petal_ir::{Database, FunctionKey, Privileges};

/// Each view and function of `after` whose privileges are not those
/// expected, described.
pub fn lost(after: &Database, a: &Database, b: &Database) -> Vec<String> {
    let mut out = Vec::new();
    for (name, view) in &after.views {
        let in_b = b.views.get(name);
        let was = in_b
            .and_then(|v| v.renamed_from.as_ref())
            .and_then(|old| a.views.get(old))
            .or_else(|| a.views.get(name))
            .or(in_b);
        check(
            &mut out,
            &format!("view {name}"),
            &view.privileges,
            was.map(|v| &v.privileges),
        );
    }
    for (key, function) in &after.functions {
        let in_b = b.functions.get(key);
        let old = in_b
            .and_then(|f| f.renamed_from.as_ref())
            .map(|name| FunctionKey {
                name: name.clone(),
                signature: key.signature.clone(),
            });
        let was = old
            .and_then(|old| a.functions.get(&old))
            .or_else(|| a.functions.get(key))
            .or(in_b);
        let what = format!("function {key}");
        check(
            &mut out,
            &what,
            &function.privileges,
            was.map(|f| &f.privileges),
        );
    }
    out
}

fn check(out: &mut Vec<String>, what: &str, got: &Privileges, wanted: Option<&Privileges>) {
    if let Some(wanted) = wanted
        && got != wanted
    {
        out.push(format!("{what}: privileges {got:?}, wanted {wanted:?}"));
    }
}
