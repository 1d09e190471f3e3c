//! Reconciliation (đối soát) of stored values against another source: the command line.
