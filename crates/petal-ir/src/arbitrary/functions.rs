//! Functions: IMMUTABLE SQL helpers that defaults, checks, expression
//! indexes and views call, PL/pgSQL trigger functions, and procedures and
//! aggregates that nothing uses. Each is written as `pg_get_functiondef`
//! prints it (an aggregate as introspection assembles it), with the fields
//! introspection reads beside it (signature, arguments, result) consistent
//! with the text.
//!
//! Bodies are string bodies, which PostgreSQL 13 takes too and which
//! record no dependencies; SQL bodies name their arguments `$1`, `$2`, so
//! renaming an argument leaves the body valid.

use super::Rng;
use super::build::{COMMENTS, spelling};
use super::objects::{maybe_comment, set};
use super::spell::call_prefix;
use crate::{Database, Function, FunctionKey, FunctionKind, QualifiedName, Volatility};

/// One form of a function: arguments (as `pg_get_function_arguments`
/// prints them), result and body. Forms of one template share their
/// argument types, so a function keeps its key from one form to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Form {
    pub arguments: &'static str,
    pub result: &'static str,
    pub body: &'static str,
}

#[derive(Debug)]
pub(super) struct Template {
    pub name: &'static str,
    pub kind: FunctionKind,
    /// The argument types, as `oidvectortypes` prints them.
    pub signature: &'static str,
    pub language: &'static str,
    pub volatility: Volatility,
    pub forms: &'static [Form],
}

const GUARDED_RETURN: &str = "\nBEGIN\n  IF TG_OP = 'DELETE' THEN\n    RETURN OLD;\n  END IF;\n  \
                              RETURN NEW;\nEND\n";
const PERFORM_RETURN: &str = "\nBEGIN\n  PERFORM 1;\n  IF TG_OP = 'DELETE' THEN\n    RETURN OLD;\n  \
                              END IF;\n  RETURN NEW;\nEND\n";

/// IMMUTABLE SQL functions of one argument or two: what expressions call.
pub(super) const HELPERS: &[Template] = &[
    Template {
        name: "double_it",
        kind: FunctionKind::Function,
        signature: "integer",
        language: "sql",
        volatility: Volatility::Immutable,
        forms: &[
            form("x integer", "integer", "SELECT $1 * 2"),
            form("x integer", "integer", "SELECT $1 + $1"),
            form("n integer", "integer", "SELECT $1 * 2"),
            form("x integer", "bigint", "SELECT ($1 * 2)::bigint"),
        ],
    },
    Template {
        name: "norm",
        kind: FunctionKind::Function,
        signature: "text",
        language: "sql",
        volatility: Volatility::Immutable,
        forms: &[
            form("v text", "text", "SELECT lower($1)"),
            form("v text", "text", "SELECT lower(btrim($1))"),
            form("input text", "text", "SELECT lower($1)"),
            form(
                "v text",
                "character varying",
                "SELECT lower($1)::character varying",
            ),
        ],
    },
    Template {
        name: "Is Positive",
        kind: FunctionKind::Function,
        signature: "integer",
        language: "sql",
        volatility: Volatility::Immutable,
        forms: &[
            form("x integer", "boolean", "SELECT $1 > 0"),
            form("x integer", "boolean", "SELECT $1 >= 1"),
            form("value integer", "boolean", "SELECT $1 > 0"),
        ],
    },
    Template {
        name: "ограничить",
        kind: FunctionKind::Function,
        signature: "integer, integer",
        language: "sql",
        volatility: Volatility::Immutable,
        forms: &[
            form("x integer, hi integer", "integer", "SELECT LEAST($1, $2)"),
            form(
                "x integer, hi integer",
                "integer",
                "SELECT CASE WHEN $1 > $2 THEN $2 ELSE $1 END",
            ),
            form("x integer, top integer", "integer", "SELECT LEAST($1, $2)"),
        ],
    },
];

/// PL/pgSQL functions returning `trigger`, which leave every row as it
/// was (the convergence property checks the values it inserted).
pub(super) const TRIGGER_FUNCTIONS: &[Template] = &[
    trigger_function("touch"),
    trigger_function("Audit Stamp"),
    trigger_function("журнал"),
];

/// PL/pgSQL procedures (`CALL`ed by no one): a new body is `CREATE OR
/// REPLACE`, a renamed parameter recreates. Their arguments carry `IN`, as
/// PostgreSQL 14 on prints them (13 prints none: both sides are read back
/// from the server, so either loads the same).
pub(super) const PROCEDURES: &[Template] = &[
    Template {
        name: "Log It",
        kind: FunctionKind::Procedure,
        signature: "integer",
        language: "plpgsql",
        volatility: Volatility::Volatile,
        forms: &[
            form("IN n integer", "", "\nBEGIN\n  PERFORM $1;\nEND\n"),
            form("IN n integer", "", "\nBEGIN\n  PERFORM $1 + 1;\nEND\n"),
            form("IN m integer", "", "\nBEGIN\n  PERFORM $1;\nEND\n"),
        ],
    },
    Template {
        name: "журнал_p",
        kind: FunctionKind::Procedure,
        signature: "integer, text",
        language: "plpgsql",
        volatility: Volatility::Volatile,
        forms: &[
            form(
                "IN m integer, IN label text",
                "",
                "\nBEGIN\n  PERFORM $1, $2;\nEND\n",
            ),
            form(
                "IN m integer, IN label text",
                "",
                "\nBEGIN\n  PERFORM $2;\nEND\n",
            ),
        ],
    },
];

/// Aggregates over built-in state functions; a form's body is the list of
/// options. Another initial state is `CREATE OR REPLACE AGGREGATE`.
pub(super) const AGGREGATES: &[Template] = &[
    Template {
        name: "product",
        kind: FunctionKind::Aggregate,
        signature: "numeric",
        language: "internal",
        volatility: Volatility::Immutable,
        forms: &[
            form(
                "numeric",
                "numeric",
                "    SFUNC = numeric_mul,\n    STYPE = numeric,\n    INITCOND = '1'",
            ),
            form(
                "numeric",
                "numeric",
                "    SFUNC = numeric_mul,\n    STYPE = numeric,\n    INITCOND = '2'",
            ),
        ],
    },
    Template {
        name: "Joined",
        kind: FunctionKind::Aggregate,
        signature: "text",
        language: "internal",
        volatility: Volatility::Immutable,
        forms: &[
            form("text", "text", "    SFUNC = textcat,\n    STYPE = text"),
            form(
                "text",
                "text",
                "    SFUNC = textcat,\n    STYPE = text,\n    INITCOND = ''",
            ),
        ],
    },
];

/// Every template, for finding a function's form by its text.
fn templates() -> impl Iterator<Item = &'static Template> {
    HELPERS
        .iter()
        .chain(TRIGGER_FUNCTIONS)
        .chain(PROCEDURES)
        .chain(AGGREGATES)
}

const fn form(arguments: &'static str, result: &'static str, body: &'static str) -> Form {
    Form {
        arguments,
        result,
        body,
    }
}

const fn trigger_function(name: &'static str) -> Template {
    Template {
        name,
        kind: FunctionKind::Function,
        signature: "",
        language: "plpgsql",
        volatility: Volatility::Volatile,
        forms: TRIGGER_FORMS,
    }
}

const TRIGGER_FORMS: &[Form] = &[
    form("", "trigger", GUARDED_RETURN),
    form("", "trigger", PERFORM_RETURN),
];

/// `pg_get_functiondef`'s text for `name` in form `form` (an aggregate's
/// as introspection assembles it).
pub(super) fn definition(name: &QualifiedName, template: &Template, form: &Form) -> String {
    match template.kind {
        FunctionKind::Procedure => {
            return format!(
                "CREATE OR REPLACE PROCEDURE {}({})\n LANGUAGE {}\nAS $procedure${}$procedure$\n",
                spelling(name),
                form.arguments,
                template.language,
                form.body
            );
        }
        FunctionKind::Aggregate => {
            return format!(
                "CREATE OR REPLACE AGGREGATE {}({}) (\n{}\n)",
                spelling(name),
                form.arguments,
                form.body
            );
        }
        FunctionKind::Function | FunctionKind::Window => {}
    }
    let volatility = match template.volatility {
        Volatility::Immutable => " IMMUTABLE\n",
        Volatility::Stable => " STABLE\n",
        Volatility::Volatile => "",
    };
    format!(
        "CREATE OR REPLACE FUNCTION {}({})\n RETURNS {}\n LANGUAGE {}\n{volatility}\
         AS $function${}$function$\n",
        spelling(name),
        form.arguments,
        form.result,
        template.language,
        form.body
    )
}

pub(super) fn function(name: QualifiedName, template: &Template, form: &Form) -> Function {
    Function {
        definition: definition(&name, template, form),
        name,
        signature: template.signature.to_string(),
        kind: template.kind,
        identity_arguments: form.arguments.to_string(),
        arguments: form.arguments.to_string(),
        result: (template.kind != FunctionKind::Procedure).then(|| form.result.to_string()),
        language: template.language.to_string(),
        volatility: template.volatility,
        comment: None,
        privileges: None,
        renamed_from: None,
    }
}

/// The template and form a generated function is in, found by its text.
pub(super) fn form_of(f: &Function) -> Option<(&'static Template, &'static Form)> {
    templates()
        .filter(|t| t.kind == f.kind && t.signature == f.signature && t.language == f.language)
        .flat_map(|t| t.forms.iter().map(move |form| (t, form)))
        .find(|(t, form)| definition(&f.name, t, form) == f.definition)
}

/// Adds function `template` (first form) under a free name in a schema of
/// `db`; its key.
pub(super) fn add(rng: &mut Rng, db: &mut Database, template: &Template) -> Option<FunctionKey> {
    let schemas: Vec<String> = db.schemas.iter().cloned().collect();
    let schema = rng.pick(&schemas)?.clone();
    let name = QualifiedName::new(schema, template.name);
    let key = FunctionKey {
        name: name.clone(),
        signature: template.signature.to_string(),
    };
    if db.functions.contains_key(&key) {
        return None;
    }
    let mut f = function(name, template, template.forms.first()?);
    if rng.chance(15) {
        f.comment = rng.pick(COMMENTS).map(|s| s.to_string());
    }
    f.privileges = super::privileges::of_function(rng);
    db.functions.insert(key.clone(), f);
    Some(key)
}

/// Helper functions of `db` taking one argument of type `ty`, with their
/// result type.
pub(super) fn helpers_of(db: &Database, ty: &str) -> Vec<(QualifiedName, String)> {
    db.functions
        .values()
        .filter(|f| {
            f.kind == FunctionKind::Function
                && f.signature == ty
                && f.volatility == Volatility::Immutable
        })
        .filter_map(|f| Some((f.name.clone(), f.result.clone()?)))
        .collect()
}

/// Trigger functions of `db`.
pub(super) fn trigger_functions(db: &Database) -> Vec<FunctionKey> {
    db.functions
        .values()
        .filter(|f| f.result.as_deref() == Some("trigger"))
        .map(Function::key)
        .collect()
}

/// Whether a table's default, check or index expression calls `name`.
pub(super) fn used_by_tables(db: &Database, name: &QualifiedName) -> bool {
    let call = call_prefix(name);
    db.tables.values().any(|t| {
        t.columns
            .iter()
            .filter_map(|c| c.default.as_deref().or(c.generated.as_deref()))
            .chain(t.checks.iter().map(|c| c.expr.as_str()))
            .chain(t.indexes.iter().flat_map(|i| {
                i.keys.iter().filter_map(|k| match &k.expr {
                    crate::IndexKeyExpr::Expression(e) => Some(e.as_str()),
                    crate::IndexKeyExpr::Column(_) => None,
                })
            }))
            .any(|e| e.contains(&call))
    })
}

/// Whether anything calls or executes function `key`.
pub(super) fn in_use(db: &Database, key: &FunctionKey) -> bool {
    used_by_tables(db, &key.name)
        || db.triggers.values().any(|t| t.function == *key)
        || db
            .views
            .values()
            .any(|v| v.definition.contains(&call_prefix(&key.name)))
}

/// A new helper or trigger function, procedure or aggregate.
pub(super) fn create_function(rng: &mut Rng, db: &mut Database) -> bool {
    let template = match rng.below(10) {
        0..=3 => rng.pick(HELPERS),
        4 | 5 => rng.pick(TRIGGER_FUNCTIONS),
        6 | 7 => rng.pick(PROCEDURES),
        _ => rng.pick(AGGREGATES),
    };
    template.is_some_and(|t| add(rng, db, t).is_some())
}

fn pick_function(
    rng: &mut Rng,
    db: &Database,
    filter: impl Fn(&Function) -> bool,
) -> Option<FunctionKey> {
    let keys: Vec<FunctionKey> = db
        .functions
        .values()
        .filter(|f| filter(f))
        .map(Function::key)
        .collect();
    rng.pick(&keys).cloned()
}

pub(super) fn drop_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_function(rng, db, |f| !in_use(db, &f.key())) else {
        return false;
    };
    db.functions.remove(&key).is_some()
}

/// A rename, with its hint; what calls or executes the function follows
/// (PostgreSQL prints the new name there).
pub(super) fn rename_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(old) = pick_function(rng, db, |_| true) else {
        return false;
    };
    let new = FunctionKey {
        name: QualifiedName::new(
            old.name.schema.clone(),
            format!("{}_v{}", old.name.name, 2 + rng.below(3)),
        ),
        signature: old.signature.clone(),
    };
    if db.functions.contains_key(&new) || new.name.name.len() > crate::MAX_IDENTIFIER_BYTES {
        return false;
    }
    let Some(mut f) = db.functions.remove(&old) else {
        return false;
    };
    let Some((template, form)) = form_of(&f) else {
        db.functions.insert(old, f);
        return false;
    };
    f.definition = definition(&new.name, template, form);
    f.renamed_from = f.renamed_from.take().or(Some(old.name.clone()));
    f.name = new.name.clone();
    db.functions.insert(new.clone(), f);
    follow_function_rename(db, &old, &new);
    true
}

fn follow_function_rename(db: &mut Database, old: &FunctionKey, new: &FunctionKey) {
    let (from, to) = (call_prefix(&old.name), call_prefix(&new.name));
    for t in db.tables.values_mut() {
        for c in &mut t.columns {
            for e in c.default.iter_mut().chain(c.generated.iter_mut()) {
                *e = e.replace(&from, &to);
            }
        }
        for c in &mut t.checks {
            c.expr = c.expr.replace(&from, &to);
        }
        for k in t.indexes.iter_mut().flat_map(|i| i.keys.iter_mut()) {
            if let crate::IndexKeyExpr::Expression(e) = &mut k.expr {
                *e = e.replace(&from, &to);
            }
        }
    }
    for v in db.views.values_mut() {
        v.definition = v.definition.replace(&from, &to);
    }
    let executes = |k: &FunctionKey| format!("EXECUTE FUNCTION {})", call_prefix(&k.name));
    for t in db.triggers.values_mut().filter(|t| t.function == *old) {
        t.function = new.clone();
        t.definition = t.definition.replace(&executes(old), &executes(new));
    }
}

/// Another form of a function: the same arguments and result (a new
/// body: `CREATE OR REPLACE`), or other argument names or another result
/// (recreated: the defaults, checks and indexes calling it go out of its
/// way and come back).
pub(super) fn change_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_function(rng, db, |_| true) else {
        return false;
    };
    let recreate = rng.chance(40);
    let Some(f) = db.functions.get_mut(&key) else {
        return false;
    };
    let Some((template, now)) = form_of(f) else {
        return false;
    };
    let same = |o: &Form| o.arguments == now.arguments && o.result == now.result;
    let others: Vec<&Form> = template
        .forms
        .iter()
        .filter(|o| *o != now && same(o) != recreate)
        .collect();
    let Some(next) = rng.pick(&others).copied() else {
        return false;
    };
    let comment = f.comment.take();
    *f = Function {
        comment,
        renamed_from: f.renamed_from.take(),
        ..function(key.name.clone(), template, next)
    };
    true
}

pub(super) fn comment_function(rng: &mut Rng, db: &mut Database) -> bool {
    let Some(key) = pick_function(rng, db, |_| true) else {
        return false;
    };
    let comment = maybe_comment(rng, 70);
    db.functions
        .get_mut(&key)
        .is_some_and(|f| set(&mut f.comment, comment))
}
