//! File operations that never leave a half-written file: a file is written beside its final
//! name, synced, given its mode and owner, and renamed over the old one, then the directory is
//! synced so the rename survives a power cut.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A numeric owner: user and group ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileOwner {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

impl FileOwner {
    pub(super) const ROOT: FileOwner = FileOwner { uid: 0, gid: 0 };
}

/// The sibling `name` of `path` (same directory, so a rename is atomic).
pub(super) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Syncs `dir`, so that renames and new names in it are on disk.
pub(super) fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the directory {}", dir.display()))
}

/// Writes `bytes` to `path` atomically with `mode` and `owner`.
pub(super) fn write_atomic(path: &Path, bytes: &[u8], mode: u32, owner: FileOwner) -> anyhow::Result<()> {
    let dir = path.parent().context("a file to write has a directory")?;
    let staged = beside(path, &format!(".new-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&staged)?;
        file.write_all(bytes)?;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        std::os::unix::fs::fchown(&file, Some(owner.uid), Some(owner.gid))?;
        file.sync_all()?;
        fs::rename(&staged, path)
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&staged);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    sync_dir(dir)
}

/// Copies the file `from` to `to` atomically (`to` is replaced by a rename, never opened for
/// writing, so a running program at `to` is no obstacle).
pub(super) fn copy_atomic(from: &Path, to: &Path, mode: u32, owner: FileOwner) -> anyhow::Result<()> {
    let bytes = fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    write_atomic(to, &bytes, mode, owner)
}

/// Makes `dir` (and its parents) exist, then gives `dir` itself `mode` and `owner`. Returns
/// whether it was created.
pub(super) fn ensure_dir(dir: &Path, mode: u32, owner: FileOwner) -> anyhow::Result<bool> {
    let created = !dir.is_dir();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", dir.display()))?;
    std::os::unix::fs::chown(dir, Some(owner.uid), Some(owner.gid))
        .with_context(|| format!("cannot give {} to uid {}", dir.display(), owner.uid))?;
    Ok(created)
}

/// Gives everything under `dir` that `owner` does not own to `owner` (symlinks themselves, not
/// their targets). Returns how many entries changed hands.
pub(super) fn own_tree(dir: &Path, owner: FileOwner) -> anyhow::Result<usize> {
    let mut changed = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = fs::symlink_metadata(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.uid() != owner.uid || meta.gid() != owner.gid {
            std::os::unix::fs::lchown(&path, Some(owner.uid), Some(owner.gid))
                .with_context(|| format!("cannot give {} to uid {}", path.display(), owner.uid))?;
            changed += 1;
        }
        if meta.is_dir() {
            for entry in fs::read_dir(&path).with_context(|| format!("cannot list {}", path.display()))? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(changed)
}

/// Whether two files hold the same bytes.
pub(super) fn same_bytes(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => matches!((fs::read(a), fs::read(b)), (Ok(x), Ok(y)) if x == y),
        _ => false,
    }
}

/// The mode bits (`0o600`) of `path`.
pub(super) fn mode_of(path: &Path) -> Option<u32> {
    fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_leaves_no_staging_file_and_sets_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nimbus.env");
        fs::write(&path, "old").unwrap();
        let me = fs::metadata(dir.path()).unwrap();
        let owner = FileOwner {
            uid: me.uid(),
            gid: me.gid(),
        };
        write_atomic(&path, b"new", 0o600, owner).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode_of(&path), Some(0o600));
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["nimbus.env"]);
    }

    #[test]
    fn a_running_program_is_replaced_without_text_file_busy() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("sleeper");
        fs::copy("/bin/sleep", &program).unwrap();
        let mut running = std::process::Command::new(&program).arg("30").spawn().unwrap();
        // Wait (bounded) until the child runs the program, then show the trap an in-place copy
        // falls into: the kernel refuses to open a running program for writing.
        let exe = PathBuf::from(format!("/proc/{}/exe", running.id()));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while fs::read_link(&exe).ok().as_deref() != Some(program.as_path()) {
            assert!(std::time::Instant::now() < deadline, "the program starts within 10 s");
            std::thread::yield_now();
        }
        let busy = OpenOptions::new().write(true).open(&program).unwrap_err();
        assert_eq!(busy.raw_os_error(), Some(26), "ETXTBSY, got {busy}");
        let me = fs::metadata(dir.path()).unwrap();
        let owner = FileOwner {
            uid: me.uid(),
            gid: me.gid(),
        };
        copy_atomic(Path::new("/bin/true"), &program, 0o755, owner).unwrap();
        assert!(same_bytes(Path::new("/bin/true"), &program));
        running.kill().unwrap();
        running.wait().unwrap();
    }
}
