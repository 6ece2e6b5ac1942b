//! `scripts/quickinstall.sh` against a release served over loopback: a good release is installed
//! byte for byte under a temporary root; a tampered binary, a missing `SHA256SUMS` and a sums
//! file that does not list the binary are refused with their message and nothing installed; and
//! without a release base it says how to give one.

mod file_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use file_server::FileServer;
use sha2::{Digest, Sha256};

/// The binary's asset name for this machine (`uname -m` naming).
fn asset() -> String {
    format!("nimbus-linux-{}", std::env::consts::ARCH)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One test's directories: the release served, the install root and the script's TMPDIR.
struct Setup {
    _dir: tempfile::TempDir,
    release: PathBuf,
    root: PathBuf,
    tmp: PathBuf,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let release = dir.path().join("release");
        let root = dir.path().join("root");
        let tmp = dir.path().join("tmp");
        for d in [&release, &root.join("etc"), &tmp] {
            std::fs::create_dir_all(d).unwrap();
        }
        // The minimal account files `useradd -R ROOT` needs.
        for (name, text) in [
            ("passwd", "root:x:0:0:root:/root:/bin/bash\n"),
            ("group", "root:x:0:\n"),
            ("shadow", "root:*:19000:0:99999:7:::\n"),
            ("gshadow", "root:*::\n"),
        ] {
            std::fs::write(root.join("etc").join(name), text).unwrap();
        }
        Self {
            _dir: dir,
            release,
            root,
            tmp,
        }
    }

    /// Puts `bytes` in the release as the binary and, when `listed`, writes SHA256SUMS for it.
    fn publish(&self, bytes: &[u8], listed: bool) {
        std::fs::write(self.release.join(asset()), bytes).unwrap();
        let mut sums = format!("{}  quickinstall.sh\n", sha256_hex(b"#!/bin/sh\n"));
        if listed {
            sums.push_str(&format!("{}  {}\n", sha256_hex(bytes), asset()));
        }
        std::fs::write(self.release.join("SHA256SUMS"), sums).unwrap();
    }

    /// Runs the script from a directory that is not the repository, with no release base in the
    /// environment unless `env_base` gives one.
    fn run(&self, args: &[&str], env_base: Option<&str>) -> Output {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/quickinstall.sh");
        let mut cmd = Command::new("bash");
        cmd.arg(script)
            .args(args)
            .current_dir(&self.tmp)
            .env("TMPDIR", &self.tmp)
            .env_remove("NIMBUS_RELEASE_BASE");
        if let Some(base) = env_base {
            cmd.env("NIMBUS_RELEASE_BASE", base);
        }
        cmd.output().unwrap()
    }

    /// Every path under the install root.
    fn root_contents(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                out.push(entry.path());
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out.sort();
        out
    }

    /// Runs the script expecting a refusal naming `message`, with nothing installed and its
    /// download directory removed.
    fn refused(&self, args: &[&str], env_base: Option<&str>, message: &str) {
        let before = self.root_contents();
        let out = self.run(args, env_base);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "refused: {stderr}");
        assert!(stderr.contains(message), "the refusal says '{message}': {stderr}");
        assert_eq!(self.root_contents(), before, "nothing was installed");
        assert_eq!(
            std::fs::read_dir(&self.tmp).unwrap().count(),
            0,
            "the download directory was removed"
        );
    }
}

/// A stand-in binary that, if it were ever run, would leave a file under the install root.
const FAKE_BINARY: &[u8] =
    b"#!/bin/sh\nfor a; do last=\"$a\"; done\nmkdir -p \"$last/usr\" && touch \"$last/usr/ran\"\n";

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn a_good_release_is_installed_byte_for_byte() {
    if !is_root() {
        eprintln!("skipped: nimbus install must run as root and this test does not use sudo");
        return;
    }
    let setup = Setup::new();
    let binary = std::fs::read(env!("CARGO_BIN_EXE_nimbus")).unwrap();
    setup.publish(&binary, true);
    let server = FileServer::start(&setup.release);
    let root = setup.root.to_str().unwrap();
    let out = setup.run(&["--base", &server.url(), "--", "--root", root], None);
    assert!(
        out.status.success(),
        "installed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let installed = std::fs::read(setup.root.join("usr/lib/nimbus/nimbus")).unwrap();
    assert!(installed == binary, "the installed binary is the release's");
    assert_eq!(
        std::fs::read_link(setup.root.join("usr/local/bin/nimbus")).unwrap(),
        Path::new("/usr/lib/nimbus/nimbus")
    );
    assert_eq!(
        std::fs::read_dir(&setup.tmp).unwrap().count(),
        0,
        "the download was removed"
    );

    // --upgrade reaches the installer: the same release again changes nothing.
    let out = setup.run(&["--upgrade", "--base", &server.url(), "--", "--root", root], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("install --upgrade --root"), "{stdout}");
    assert!(stdout.contains("already this binary"), "{stdout}");
}

#[test]
fn a_binary_changed_after_the_sums_were_written_is_refused() {
    let setup = Setup::new();
    setup.publish(FAKE_BINARY, true);
    let mut tampered = FAKE_BINARY.to_vec();
    tampered.extend_from_slice(b"touch \"$last/usr/tampered\"\n");
    std::fs::write(setup.release.join(asset()), tampered).unwrap();
    let server = FileServer::start(&setup.release);
    let root = setup.root.to_str().unwrap();
    // The base from the environment this time.
    setup.refused(
        &["--", "--root", root],
        Some(&server.url()),
        "does not match SHA256SUMS",
    );
}

#[test]
fn a_release_without_sha256sums_is_refused() {
    let setup = Setup::new();
    setup.publish(FAKE_BINARY, true);
    std::fs::remove_file(setup.release.join("SHA256SUMS")).unwrap();
    let server = FileServer::start(&setup.release);
    let root = setup.root.to_str().unwrap();
    setup.refused(
        &["--base", &server.url(), "--", "--root", root],
        None,
        "cannot download SHA256SUMS",
    );
}

#[test]
fn sums_that_do_not_list_the_binary_are_refused() {
    let setup = Setup::new();
    setup.publish(FAKE_BINARY, false);
    let server = FileServer::start(&setup.release);
    let root = setup.root.to_str().unwrap();
    let message = format!("SHA256SUMS does not list {}", asset());
    setup.refused(&["--base", &server.url(), "--", "--root", root], None, &message);
}

#[test]
fn without_a_release_base_it_says_how_to_give_one() {
    let setup = Setup::new();
    let root = setup.root.to_str().unwrap();
    setup.refused(&["--", "--root", root], None, "no release base");
    let out = setup.run(&[], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--base URL") && stderr.contains("NIMBUS_RELEASE_BASE"),
        "{stderr}"
    );
}
