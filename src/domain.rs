//! The domain's own words: environments, roles and item statuses, shared by every area.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a piece of evidence comes from, or must come from. Sandbox proves behaviour;
/// live proves account, funding, limits, webhooks, monitoring and support.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Sandbox,
    Live,
}

/// The four roles that own checklist items and sign their part.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Product,
    Engineering,
    Support,
    Finance,
}

/// The staged cutover (seed 000): limited production traffic first, then the first day's reconciliation reviewed,
/// then meaningful volume, where every limit increase is its own reviewed decision. Each stage has its own go / no-go.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    LimitedTraffic,
    FirstDayReview,
    FullVolume,
}

impl Stage {
    /// The stage after this one; meaningful volume is followed by itself (each limit increase).
    pub fn next(self) -> Stage {
        match self {
            Stage::LimitedTraffic => Stage::FirstDayReview,
            Stage::FirstDayReview | Stage::FullVolume => Stage::FullVolume,
        }
    }

    /// How the seed words it.
    pub fn title(self) -> &'static str {
        match self {
            Stage::LimitedTraffic => "limited production traffic",
            Stage::FirstDayReview => "first-day reconciliation reviewed",
            Stage::FullVolume => "meaningful production volume",
        }
    }

    /// Who must approve again, after the previous stage went live, before this stage's "go": the review of real
    /// traffic is finance's and support's; raising limits is everyone's.
    pub fn renewing_roles(self) -> &'static [Role] {
        match self {
            Stage::LimitedTraffic => &[],
            Stage::FirstDayReview => &[Role::Finance, Role::Support],
            Stage::FullVolume => Role::ALL,
        }
    }
}

/// Where a checklist item stands. `Done` needs accepted evidence, `Waived` needs a reason.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Open,
    Done,
    Waived,
    Blocked,
    Failed,
}

/// The words of an enum whose variants are spoken as fixed lowercase words: `ALL`, `as_str`, `Display`, and a
/// `FromStr` that ignores case and surrounding space and, on a wrong word, names every right one.
/// `word_enum!(Type, code, field, "a thing", { Variant => "word", … })`.
macro_rules! word_enum {
    ($ty:ident, $code:literal, $field:literal, $noun:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $word),+ }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Stored words decode strictly: an unknown one is a damaged row, never a default.
        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                $crate::store::decode::word(value, $noun)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::error::InvalidInput;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok($ty::$variant),)+
                    _ => Err($crate::error::InvalidInput::coded(
                        $code,
                        $field,
                        format!(
                            "'{}' is not {}; use one of: {}",
                            s.trim(),
                            $noun,
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}
pub(crate) use word_enum;

word_enum!(Environment, "invalid_input", "environment", "an environment", { Sandbox => "sandbox", Live => "live" });
word_enum!(Role, "invalid_input", "role", "a role", {
    Product => "product",
    Engineering => "engineering",
    Support => "support",
    Finance => "finance",
});
word_enum!(Stage, "invalid_input", "stage", "a cutover stage", {
    LimitedTraffic => "limited_traffic",
    FirstDayReview => "first_day_review",
    FullVolume => "full_volume",
});
word_enum!(ItemStatus, "invalid_input", "status", "a status", {
    Open => "open",
    Done => "done",
    Waived => "waived",
    Blocked => "blocked",
    Failed => "failed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_words_name_the_choices() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        assert_eq!(" LIVE ".parse::<Environment>().unwrap(), Environment::Live);
        let err = "prod".parse::<Environment>().unwrap_err();
        assert!(err.to_string().contains("sandbox, live"), "{err}");
    }
}
