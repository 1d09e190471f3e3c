//! The report page: entry, upload, submit, approve, reject, send.
