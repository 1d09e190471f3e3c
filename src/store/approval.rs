//! SQL of approval chains: a regime's chain (`regime_approval`) and the chain each
//! submitted revision was submitted under (`revision_chain`). No row means the default
//! single approval.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::workflow::Chain;
use crate::error::{Error, Msg, Result};

fn parse(steps: String) -> Result<Chain> {
    steps.parse().map_err(|e| {
        Error::failure(
            Msg::new(
                "Cơ sở dữ liệu có quy trình phê duyệt lạ",
                "The database holds an unknown approval chain",
            ),
            e,
        )
    })
}

/// The regime's chain now.
pub fn regime_chain(conn: &Connection, regime_id: i64) -> Result<Chain> {
    let steps: Option<String> = conn
        .query_row(
            "SELECT steps FROM regime_approval WHERE regime_id = ?1",
            [regime_id],
            |r| r.get(0),
        )
        .optional()?;
    steps.map_or(Ok(Chain::default()), parse)
}

/// Sets the regime's chain.
pub fn set_regime_chain(
    conn: &Connection,
    regime_id: i64,
    chain: Chain,
    at: &str,
    by: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO regime_approval (regime_id, steps, set_at, set_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (regime_id) DO UPDATE SET steps = excluded.steps, set_at = excluded.set_at, set_by = excluded.set_by",
        params![regime_id, chain.as_str(), at, by],
    )?;
    Ok(())
}

/// The chain a revision was submitted under (the default before any submission).
pub fn revision_chain(conn: &Connection, revision_id: i64) -> Result<Chain> {
    let steps: Option<String> = conn
        .query_row(
            "SELECT steps FROM revision_chain WHERE revision_id = ?1",
            [revision_id],
            |r| r.get(0),
        )
        .optional()?;
    steps.map_or(Ok(Chain::default()), parse)
}

/// Records the chain a revision is submitted under (again after a rejection: the chain
/// of its latest submission counts).
pub fn set_revision_chain(conn: &Connection, revision_id: i64, chain: Chain) -> Result<()> {
    conn.execute(
        "INSERT INTO revision_chain (revision_id, steps) VALUES (?1, ?2)
         ON CONFLICT (revision_id) DO UPDATE SET steps = excluded.steps",
        params![revision_id, chain.as_str()],
    )?;
    Ok(())
}
