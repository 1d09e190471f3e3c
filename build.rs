//! Notes whether the public test data beside the project (`../shared/testdata`) was
//! there at build time, so the tests that read it run, or are listed as ignored with
//! the reason, instead of passing without checking anything.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_testdata)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=BAOCAO_SHARED_RECHECK");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    if Path::new(&manifest)
        .join("../shared/testdata/amlich-testcase.json")
        .is_file()
    {
        println!("cargo::rustc-cfg=shared_testdata");
    }
}
