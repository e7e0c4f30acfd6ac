//! The domain's own words: environments, roles and item statuses, shared by every area.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::InvalidInput;

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

macro_rules! word_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $word),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = InvalidInput;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok($ty::$variant),)+
                    other => Err(InvalidInput::new(
                        $what,
                        format!(
                            "'{other}' is not a {}; use one of: {}",
                            $what,
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

word_enum!(Environment, "environment", { Sandbox => "sandbox", Live => "live" });
word_enum!(Role, "role", {
    Product => "product",
    Engineering => "engineering",
    Support => "support",
    Finance => "finance",
});
word_enum!(ItemStatus, "status", {
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
