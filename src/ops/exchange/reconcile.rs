//! Reconciliation (đối soát): stored values against another source.
