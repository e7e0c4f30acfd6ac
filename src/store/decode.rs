//! Reading stored values back as types. A value the code cannot read means the file was damaged or edited by
//! hand; guessing a default (a damaged environment read as `live`) would turn damage into a wrong verdict, so
//! every such value is an error that names the table, the row and the column.

use rusqlite::types::{FromSqlError, FromSqlResult, ValueRef};
use rusqlite::Row;

/// A stored value that is not what its column holds.
#[derive(Debug, thiserror::Error)]
#[error("'{value}' is not {expected}")]
pub struct UnreadableValue {
    pub value: String,
    pub expected: String,
}

/// Where an unreadable value was found.
#[derive(Debug, thiserror::Error)]
#[error("table {table}, row {row}, column {column}: {problem}")]
pub struct DamagedRow {
    pub table: &'static str,
    pub row: String,
    pub column: String,
    pub problem: String,
}

/// Decodes one of the domain's fixed words (an environment, a role, a status …) stored as text.
pub fn word<T: std::str::FromStr>(value: ValueRef<'_>, expected: &str) -> FromSqlResult<T> {
    let text = value.as_str()?;
    text.parse::<T>().map_err(|_| {
        FromSqlError::Other(Box::new(UnreadableValue {
            value: shown(text),
            expected: expected.to_string(),
        }))
    })
}

/// Decodes column `idx`, JSON text, into `T`.
pub fn json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
    expected: &str,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            Box::new(UnreadableValue {
                value: shown(&text),
                expected: format!("{expected} ({e})"),
            }),
        )
    })
}

/// Runs a row decoder and, when a value in it cannot be read, says where: the table, the row (its first
/// column, the key in every query that uses this) and the column.
pub fn in_table<T>(
    table: &'static str,
    row: &Row<'_>,
    decode: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    decode(row).map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(col, ty, problem)
            if !problem.is::<DamagedRow>() =>
        {
            let column = row
                .as_ref()
                .column_name(col)
                .map_or_else(|_| "?".to_string(), str::to_string);
            let key = match row.get_ref(0) {
                Ok(ValueRef::Integer(i)) => i.to_string(),
                Ok(ValueRef::Text(t)) => shown(&String::from_utf8_lossy(t)),
                _ => "?".to_string(),
            };
            // The same variant, now carrying where: the error conversion turns it into `StoreError::Damaged`.
            rusqlite::Error::FromSqlConversionFailure(
                col,
                ty,
                Box::new(DamagedRow {
                    table,
                    row: key,
                    column,
                    problem: problem.to_string(),
                }),
            )
        }
        other => other,
    })
}

/// A stored value as it may appear in a message: short, and with control characters escaped.
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(40)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// `impl FromSql` for a type with a `FromStr`, decoding through [`word`].
macro_rules! sql_word {
    ($ty:ty, $expected:literal) => {
        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                $crate::store::decode::word(value, $expected)
            }
        }
    };
}
pub(crate) use sql_word;
