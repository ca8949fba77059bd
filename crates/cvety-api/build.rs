// `petal::migrate!` embeds ../../migrations as the crate builds: a file
// added there must rebuild the binary, which cargo knows only if told.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
