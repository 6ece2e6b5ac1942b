//! `gx10-worker`: the GPU job worker that runs on a GX10 box. For now it only reports its version;
//! the GPU plane fills in the claim/run/stream loop.

fn main() {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        None | Some("version") | Some("--version") | Some("-V") => {
            println!("gx10-worker {}", env!("CARGO_PKG_VERSION"));
        }
        Some("--help") | Some("-h") | Some("help") => {
            println!(
                "gx10-worker {}\n\nThe Nimbus GPU job worker.\n\nUSAGE:\n    gx10-worker [version|--help]",
                env!("CARGO_PKG_VERSION")
            );
        }
        Some(other) => {
            eprintln!("gx10-worker: unknown argument '{other}'; run 'gx10-worker --help'");
            std::process::exit(2);
        }
    }
}
