//! Bad model attributes are compile errors at the offending token, one
//! error per mistake. One test function: trybuild builds all cases in a
//! single crate build.

#[test]
fn bad_models_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
