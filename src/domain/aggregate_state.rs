//! The states of a lead unit's aggregate on its way upward (Bắc Ninh 8(1d), Thanh Hóa
//! 9(1)): the leader approves what was aggregated, the sender signs and sends it.
//!
//! ```text
//! (none) --approve--> approved --send (signed)--> sent
//!                      ^   |approve (again: the aggregate changed)    |approve (a correction,
//!                      +---+                                          |  the next revision)
//!                      +----------------------------------------------+
//! ```
//!
//! An approval pins the aggregate's content digest: sending sends exactly that, and is
//! refused when the aggregate has changed since (approve again). A sent aggregate stays
//! sent; approving it again opens the next revision, which is sent in its turn.

use serde::{Deserialize, Serialize};

/// Where an aggregate revision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateState {
    Approved,
    Sent,
}

/// What may be done to an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateAction {
    Approve,
    Send,
}

/// What a step leads to: the state, and whether it opens a new revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub to: AggregateState,
    pub new_revision: bool,
}

/// The transition of `action` from `state` (`None`: nothing approved yet), or `None`
/// when the state does not allow it.
pub fn next(state: Option<AggregateState>, action: AggregateAction) -> Option<Step> {
    use AggregateAction as A;
    use AggregateState as S;
    let step = |to, new_revision| Some(Step { to, new_revision });
    match (state, action) {
        (None, A::Approve) => step(S::Approved, true),
        (Some(S::Approved), A::Approve) => step(S::Approved, false),
        (Some(S::Approved), A::Send) => step(S::Sent, false),
        (Some(S::Sent), A::Approve) => step(S::Approved, true),
        (None, A::Send) | (Some(S::Sent), A::Send) => None,
    }
}

impl AggregateState {
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateState::Approved => "approved",
            AggregateState::Sent => "sent",
        }
    }

    pub fn parse(s: &str) -> Option<AggregateState> {
        match s {
            "approved" => Some(AggregateState::Approved),
            "sent" => Some(AggregateState::Sent),
            _ => None,
        }
    }
}

impl AggregateAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateAction::Approve => "approve",
            AggregateAction::Send => "send",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state × action pair, spelled out.
    #[test]
    fn the_transition_table_is_exhaustive() {
        use AggregateAction as A;
        use AggregateState as S;
        let states = [None, Some(S::Approved), Some(S::Sent)];
        let actions = [A::Approve, A::Send];
        let expected = |s: Option<S>, a: A| -> Option<(S, bool)> {
            match s {
                None => match a {
                    A::Approve => Some((S::Approved, true)),
                    A::Send => None,
                },
                Some(S::Approved) => match a {
                    A::Approve => Some((S::Approved, false)),
                    A::Send => Some((S::Sent, false)),
                },
                Some(S::Sent) => match a {
                    A::Approve => Some((S::Approved, true)),
                    A::Send => None,
                },
            }
        };
        for s in states {
            for a in actions {
                assert_eq!(
                    next(s, a).map(|st| (st.to, st.new_revision)),
                    expected(s, a),
                    "{s:?} × {a:?}"
                );
            }
        }
    }

    #[test]
    fn nothing_is_sent_unapproved_nor_twice() {
        assert_eq!(next(None, AggregateAction::Send), None);
        assert_eq!(
            next(Some(AggregateState::Sent), AggregateAction::Send),
            None
        );
    }

    #[test]
    fn states_spell_as_stored() {
        for s in [AggregateState::Approved, AggregateState::Sent] {
            assert_eq!(AggregateState::parse(s.as_str()), Some(s));
        }
        assert_eq!(AggregateState::parse("draft"), None);
    }
}
