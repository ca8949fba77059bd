//! SQL of views and materialized views.

use petal_ir::{CheckOption, ObjectKey, View, quote_ident};

use super::{ReviewedStatement, ddl, extra, objects, privileges};

fn keyword(view: &View) -> &'static str {
    if view.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

/// The `WITH (...)` storage parameters, or nothing.
fn with_options(view: &View) -> String {
    let mut options = Vec::new();
    if view.security_barrier {
        options.push("security_barrier=true".to_string());
    }
    if view.security_invoker {
        options.push("security_invoker=true".to_string());
    }
    options.extend(view.options.iter().cloned());
    if options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", options.join(", "))
    }
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW ... AS <query> [CHECK OPTION];`
pub(super) fn create_sql(view: &View, or_replace: bool) -> String {
    let query = view.definition.trim_end();
    let query = query.strip_suffix(';').unwrap_or(query);
    let check = match view.check_option {
        Some(CheckOption::Local) => "\n  WITH LOCAL CHECK OPTION",
        Some(CheckOption::Cascaded) => "\n  WITH CASCADED CHECK OPTION",
        None => "",
    };
    format!(
        "CREATE {}{} {}{} AS\n{query}{check};",
        if or_replace { "OR REPLACE " } else { "" },
        keyword(view),
        view.name.quoted(),
        with_options(view)
    )
}

/// A new view's indexes (a materialized view's), comments and grants.
pub(super) fn extras(view: &View) -> Vec<ReviewedStatement> {
    let key = crate::change::views::key(view);
    let mut out = Vec::new();
    for index in &view.indexes {
        out.push(extra(
            &ObjectKey::index(&view.name, &index.name),
            ddl::create_index(&view.name, index),
            format!("create index {} on {} (new)", index.name, view.name),
        ));
        if index.comment.is_some() {
            let on = ObjectKey::index(&view.name, &index.name);
            out.push(objects::comment_extra(&on, &index.comment));
        }
    }
    if view.comment.is_some() {
        out.push(objects::comment_extra(&key, &view.comment));
    }
    for column in view.columns.iter().filter(|c| c.comment.is_some()) {
        let on = ObjectKey::column(&view.name, &column.name);
        out.push(objects::comment_extra(&on, &column.comment));
    }
    out.extend(privileges::grants(&key, &view.privileges));
    out
}

/// Storage parameters a replacement turns off: `CREATE OR REPLACE VIEW`
/// sets the ones it names and leaves the others as they were.
pub(super) fn reset_options(from: &View, to: &View) -> Option<String> {
    let mut reset = Vec::new();
    if from.security_barrier && !to.security_barrier {
        reset.push("security_barrier".to_string());
    }
    if from.security_invoker && !to.security_invoker {
        reset.push("security_invoker".to_string());
    }
    if from.check_option.is_some() && to.check_option.is_none() {
        reset.push("check_option".to_string());
    }
    for option in &from.options {
        let name = option.split('=').next().unwrap_or(option);
        if !to.options.iter().any(|o| o.split('=').next() == Some(name)) {
            reset.push(quote_ident(name));
        }
    }
    (!reset.is_empty()).then(|| {
        format!(
            "ALTER VIEW {} RESET ({});",
            to.name.quoted(),
            reset.join(", ")
        )
    })
}

pub(super) fn drop(view: &View) -> String {
    format!("DROP {} {};", keyword(view), view.name.quoted())
}

pub(super) fn rename_keyword(materialized: bool) -> &'static str {
    if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}
