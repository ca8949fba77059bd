//! Alterations of a kept object: one property, from one value to another.

use petal_ir::{Identity, ObjectKey, QualifiedName, SqlType};
use serde::{Deserialize, Serialize};

use super::Delta;
use crate::casts::{TypeChangeRisk, type_change_risk};
use crate::classify::{Safety, identity_sql};
use crate::names::is_user_type;

/// One property of one object, changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "property", rename_all = "snake_case")]
pub enum Alter {
    /// A type (or collation) change. The default is dropped before and set
    /// after when it changes or a `USING` cast is needed; `serial` says the
    /// column owns a sequence whose `AS` type follows the column's.
    ColumnType {
        table: QualifiedName,
        column: String,
        #[serde(default)]
        serial: bool,
        #[serde(flatten)]
        ty: Delta<ColumnType>,
    },
    Nullable {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        nullable: Delta<bool>,
    },
    Default {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        default: Delta<Option<String>>,
    },
    Identity {
        table: QualifiedName,
        column: String,
        #[serde(flatten)]
        identity: Delta<Option<Identity>>,
    },
    /// Makes an integer column serial (an owned sequence `AS ty` feeding its
    /// default) or plain again.
    Serial {
        table: QualifiedName,
        column: String,
        ty: SqlType,
        #[serde(flatten)]
        serial: Delta<bool>,
    },
    Comment {
        on: ObjectKey,
        #[serde(flatten)]
        text: Delta<Option<String>>,
    },
}

/// What a column's type change sets: the type, the collation, and the
/// default around it (a default may not survive the new type as it was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnType {
    #[serde(rename = "type")]
    pub ty: SqlType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl Alter {
    /// The alteration back.
    pub fn reversed(self) -> Alter {
        match self {
            Alter::ColumnType {
                table,
                column,
                serial,
                ty,
            } => Alter::ColumnType {
                table,
                column,
                serial,
                ty: ty.reversed(),
            },
            Alter::Nullable {
                table,
                column,
                nullable,
            } => Alter::Nullable {
                table,
                column,
                nullable: nullable.reversed(),
            },
            Alter::Default {
                table,
                column,
                default,
            } => Alter::Default {
                table,
                column,
                default: default.reversed(),
            },
            Alter::Identity {
                table,
                column,
                identity,
            } => Alter::Identity {
                table,
                column,
                identity: identity.reversed(),
            },
            Alter::Serial {
                table,
                column,
                ty,
                serial,
            } => Alter::Serial {
                table,
                column,
                ty,
                serial: serial.reversed(),
            },
            Alter::Comment { on, text } => Alter::Comment {
                on,
                text: text.reversed(),
            },
        }
    }

    /// The object whose property changes.
    pub fn key(&self) -> ObjectKey {
        match self {
            Alter::ColumnType { table, column, .. }
            | Alter::Nullable { table, column, .. }
            | Alter::Default { table, column, .. }
            | Alter::Identity { table, column, .. }
            | Alter::Serial { table, column, .. } => ObjectKey::column(table, column),
            Alter::Comment { on, .. } => on.clone(),
        }
    }

    pub(crate) fn safety(&self) -> Safety {
        match self {
            Alter::ColumnType { ty, .. } => {
                let (from, to) = (&ty.from.ty, &ty.to.ty);
                let enums = (is_user_type(from), is_user_type(to));
                match type_change_risk(from, to, enums) {
                    TypeChangeRisk::Lossy => Safety::Destructive,
                    TypeChangeRisk::Rewrite => Safety::Locks,
                    TypeChangeRisk::MetadataOnly if ty.from.collation != ty.to.collation => {
                        Safety::Locks
                    }
                    TypeChangeRisk::MetadataOnly => Safety::Safe,
                }
            }
            Alter::Nullable { nullable, .. } if !nullable.to => Safety::Locks,
            Alter::Identity { identity, .. } if identity.from.is_none() => Safety::Locks,
            Alter::Serial { serial, .. } if serial.to => Safety::Locks,
            Alter::Nullable { .. }
            | Alter::Identity { .. }
            | Alter::Serial { .. }
            | Alter::Default { .. }
            | Alter::Comment { .. } => Safety::Safe,
        }
    }

    pub(crate) fn description(&self) -> String {
        match self {
            Alter::ColumnType {
                table, column, ty, ..
            } => format!(
                "change type of {table}.{column} from {} to {}",
                ty.from.ty, ty.to.ty
            ),
            Alter::Nullable {
                table,
                column,
                nullable,
            } => {
                if nullable.to {
                    format!("drop NOT NULL on {table}.{column}")
                } else {
                    format!("set NOT NULL on {table}.{column}")
                }
            }
            Alter::Default {
                table,
                column,
                default,
            } => match &default.to {
                Some(d) => format!("set default of {table}.{column} to {d}"),
                None => format!("drop default of {table}.{column}"),
            },
            Alter::Identity {
                table,
                column,
                identity,
            } => match identity.to {
                Some(i) => format!("make {table}.{column} {}", identity_sql(i)),
                None => format!("drop identity of {table}.{column}"),
            },
            Alter::Serial {
                table,
                column,
                serial,
                ..
            } => {
                if serial.to {
                    format!("make {table}.{column} serial (owned sequence feeding its default)")
                } else {
                    format!("make {table}.{column} a plain column (drop its owned sequence)")
                }
            }
            Alter::Comment { on, text } => {
                format!("comment on {on}: {}", text.to.as_deref().unwrap_or("none"))
            }
        }
    }

    pub(crate) fn notes(&self) -> Vec<String> {
        match self {
            Alter::ColumnType { ty, .. } => {
                let (from, to) = (&ty.from.ty, &ty.to.ty);
                let enums = (is_user_type(from), is_user_type(to));
                match type_change_risk(from, to, enums) {
                    TypeChangeRisk::Lossy => vec![format!(
                        "{from} -> {to} can round, truncate or overflow values, or fail on \
                         values that do not convert"
                    )],
                    TypeChangeRisk::Rewrite => vec!["rewrites the table".to_string()],
                    TypeChangeRisk::MetadataOnly => Vec::new(),
                }
            }
            Alter::Nullable { nullable, .. } if !nullable.to => {
                vec!["fails if any row holds NULL in this column".to_string()]
            }
            Alter::Identity { identity, .. } if identity.from.is_none() => {
                vec![sequence_after_rows()]
            }
            Alter::Serial { serial, .. } if serial.to => vec![sequence_after_rows()],
            Alter::Nullable { .. }
            | Alter::Identity { .. }
            | Alter::Serial { .. }
            | Alter::Default { .. }
            | Alter::Comment { .. } => Vec::new(),
        }
    }
}

fn sequence_after_rows() -> String {
    "the sequence starts after the largest value present, so existing rows keep theirs".to_string()
}
