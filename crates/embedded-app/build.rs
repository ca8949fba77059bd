// `petal::migrate!` reads the directory as the crate builds: a file added
// to it must rebuild the crate, which cargo knows only if told.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
