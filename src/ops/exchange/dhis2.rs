//! DHIS2 data value sets (JSON and CSV) through a mapping file.
