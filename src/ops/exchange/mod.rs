//! Exchange with other systems (SPEC §10; QCVN 125:2021/BTTTT's packets under our own
//! documented schema): signed JSON documents going out (`exchange export`) and coming
//! in (`exchange import`), DHIS2 data value sets, reconciliation against another source.
//!
//! - [`document`]: the envelope every document shares — sender, receiver, document
//!   type, created-at, the content's SHA-256 digest and the sending account's Ed25519
//!   signature with its key id — its canonical bytes, sealing and checking.
//! - [`catalogue`]: units, indicators, forms, regimes and periods.
//! - [`report_data`]: one report revision with its values, narrative, attachment
//!   digests and the unit's own signature.
//! - [`status`]: who reported what, when, for a regime's period.
//! - [`aggregate_doc`]: a regime's period aggregated over units, with the components
//!   (sums, counts, weights) another instance needs to aggregate it again exactly.
//! - [`dhis2`]: DHIS2 `dataValueSets` through a mapping file.
//! - [`reconcile`]: stored values against another source (đối soát).

pub mod aggregate_doc;
pub mod catalogue;
pub mod dhis2;
pub mod document;
pub mod reconcile;
pub mod report_data;
pub mod status;
