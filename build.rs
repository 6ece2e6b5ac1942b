//! Build script: makes the crate rebuild when the portal in `frontend/dist` changes, so a release
//! binary always embeds the portal that was built just before it.

fn main() {
    let dist = std::path::Path::new("frontend/dist");
    // A missing path would make Cargo rerun this script on every build; an empty folder does not.
    if !dist.exists() {
        let _ = std::fs::create_dir_all(dist);
    }
    println!("cargo:rerun-if-changed=frontend/dist");
    println!("cargo:rerun-if-changed=build.rs");
}
