//! `exchange export --dhis2` / `exchange import --dhis2`: DHIS2 data value sets.

use super::exchange::{ExportArgs, ImportArgs};
use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};

pub fn export(_ctx: &Ctx, _a: &ExportArgs) -> Result<()> {
    Err(not_yet())
}

pub fn import(_ctx: &Ctx, _a: &ImportArgs) -> Result<()> {
    Err(not_yet())
}

fn not_yet() -> Error {
    Error::new(
        Kind::Usage,
        Msg::new("--dhis2: chưa làm xong", "--dhis2: not yet"),
    )
}
