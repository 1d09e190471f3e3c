//! The lead unit's status board, as pages.
