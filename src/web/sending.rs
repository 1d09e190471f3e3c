//! Sending a report with a signature made in the browser.

use std::sync::Arc;

use axum::Router;

use crate::serve::App;

/// This family's routes, for [`super::router`].
pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
}
