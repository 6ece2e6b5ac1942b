//! Where the cluster settings are saved: the env file `serve` reads (`./.env`, else
//! `/etc/nimbus/nimbus.env`), edited in place (comments and unknown lines kept) and replaced
//! atomically. A value set in the process environment outranks the file, so it is locked: the
//! pages show it with its variable and never write it. `nimbus demo` has no file: its changes
//! last until it stops.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

use super::forms::FIELDS;
use crate::app::config::{Config, ConfigError, EnvFile, Sources};

/// The file the settings are written to, and the sources `serve` reads them from.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    /// `None` for `nimbus demo`.
    sources: Option<Sources>,
}

impl SettingsFile {
    /// The settings of `nimbus serve`, read from and written to `sources`.
    pub fn serve(sources: Sources) -> Self {
        Self { sources: Some(sources) }
    }

    /// No file: `nimbus demo`.
    pub fn none() -> Self {
        Self { sources: None }
    }

    /// The file written: the env file in use, else the system one when its folder exists, else
    /// `./.env`.
    pub fn path(&self) -> Option<PathBuf> {
        let sources = self.sources.as_ref()?;
        sources.env_file().or_else(|| {
            let system = &sources.system_env_file;
            if system.parent().is_some_and(|d| d.is_dir()) {
                Some(system.clone())
            } else {
                Some(sources.cwd.join(".env"))
            }
        })
    }

    /// The cluster variables set in the process environment, with their values.
    pub fn locked(&self) -> BTreeMap<String, String> {
        let Some(sources) = &self.sources else {
            return BTreeMap::new();
        };
        FIELDS
            .iter()
            .filter_map(|(_, var)| sources.env.get(*var).map(|v| (var.to_string(), v.clone())))
            .collect()
    }

    /// Every setting as `serve` would read it now (nothing for the demo).
    pub fn current(&self) -> Result<BTreeMap<String, String>, ConfigError> {
        match &self.sources {
            Some(sources) => Config::merged_values(sources),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Writes `values` to the file (a value that is locked is left out, an empty one removed),
    /// keeping its other lines, and its mode when it exists (0600 when new).
    pub fn write(&self, values: &BTreeMap<String, String>) -> std::io::Result<Option<PathBuf>> {
        let Some(path) = self.path() else {
            return Ok(None);
        };
        let locked = self.locked();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let mut file = EnvFile::parse(&text);
        for (key, value) in values.iter().filter(|(k, _)| !locked.contains_key(*k)) {
            // Empty means the default: the line goes.
            if value.trim().is_empty() {
                file.remove(key);
            } else {
                file.set(key, value);
            }
        }
        let mode = std::fs::metadata(&path).map_or(0o600, |m| m.permissions().mode() & 0o7777);
        let staged = path.with_extension(format!("new-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(mode)
                .open(&staged)?;
            out.write_all(file.render().as_bytes())?;
            out.set_permissions(std::fs::Permissions::from_mode(mode))?;
            out.sync_all()?;
            std::fs::rename(&staged, &path)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&staged);
            return Err(e);
        }
        if let Some(dir) = path.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(Some(path))
    }
}
