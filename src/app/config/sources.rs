//! Where configuration values come from, merged with figment in increasing precedence: the TOML
//! file named by `NIMBUS_CONFIG`, then `./.env` (or `/etc/nimbus/nimbus.env`), then the process
//! environment. Every source is normalised to upper-case variable names first, so a TOML `port`
//! and an env `PORT` are the same setting.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::{ConfigError, KEYS};

/// The inputs of one configuration load. Tests build these by hand; `from_process` reads the
/// real environment.
#[derive(Clone)]
pub struct Sources {
    /// Environment variables (only the known names are read).
    pub env: BTreeMap<String, String>,
    /// Directory searched for `.env`.
    pub cwd: PathBuf,
    /// The system-wide env file used when `cwd` has no `.env`.
    pub system_env_file: PathBuf,
}

/// Names the variables, never their values (secrets among them).
impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sources")
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("cwd", &self.cwd)
            .field("system_env_file", &self.system_env_file)
            .finish()
    }
}

impl Sources {
    pub fn from_process() -> Self {
        Self {
            env: std::env::vars().collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            system_env_file: PathBuf::from("/etc/nimbus/nimbus.env"),
        }
    }

    /// The `.env` file that applies, if any.
    pub fn env_file(&self) -> Option<PathBuf> {
        let local = self.cwd.join(".env");
        if local.is_file() {
            return Some(local);
        }
        self.system_env_file.is_file().then(|| self.system_env_file.clone())
    }
}

/// Merges the sources that `keys` allows into one map of variable name to text.
pub fn merge(sources: &Sources, read_files: bool, keys: &[&str]) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut figment = Figment::new();
    if read_files {
        if let Some(path) = sources.env.get("NIMBUS_CONFIG").filter(|p| !p.trim().is_empty()) {
            figment = figment.merge(Serialized::defaults(read_toml(Path::new(path))?));
        }
        if let Some(path) = sources.env_file() {
            figment = figment.merge(Serialized::defaults(read_env_file(&path)?));
        }
    }
    let env: BTreeMap<String, String> = sources
        .env
        .iter()
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    figment = figment.merge(Serialized::defaults(env));
    let merged: BTreeMap<String, String> = figment.extract().map_err(|e| ConfigError::Source {
        source_name: "the merged configuration".into(),
        reason: e.to_string(),
    })?;
    Ok(merged.into_iter().filter(|(k, _)| keys.contains(&k.as_str())).collect())
}

fn read_toml(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let source_name = format!("NIMBUS_CONFIG file {}", path.display());
    if !path.is_file() {
        return Err(ConfigError::Source {
            source_name,
            reason: "no such file; point NIMBUS_CONFIG at an existing TOML file or unset it".into(),
        });
    }
    let raw: BTreeMap<String, Scalar> = Figment::from(Toml::file(path))
        .extract()
        .map_err(|e| ConfigError::Source {
            source_name: source_name.clone(),
            reason: e.to_string(),
        })?;
    let mut out = BTreeMap::new();
    for (key, Scalar(value)) in raw {
        let upper = key.to_ascii_uppercase();
        if !KEYS.contains(&upper.as_str()) {
            return Err(ConfigError::Source {
                source_name,
                reason: format!("unknown setting '{key}'; the known settings are listed in the README"),
            });
        }
        out.insert(upper, value);
    }
    Ok(out)
}

fn read_env_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let source_name = format!("env file {}", path.display());
    let iter = dotenvy::from_path_iter(path).map_err(|e| ConfigError::Source {
        source_name: source_name.clone(),
        reason: e.to_string(),
    })?;
    let mut out = BTreeMap::new();
    for item in iter {
        let (key, value) = item.map_err(|e| ConfigError::Source {
            source_name: source_name.clone(),
            reason: e.to_string(),
        })?;
        // Other programs' variables may share the file; only Nimbus's names are taken.
        if KEYS.contains(&key.as_str()) {
            out.insert(key, value);
        }
    }
    Ok(out)
}

/// Any TOML scalar (or a list of scalars, joined with commas) read as text, so every setting
/// is parsed by the same validating code whatever its source.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                let mut parts = Vec::new();
                while let Some(Scalar(item)) = seq.next_element()? {
                    parts.push(item);
                }
                Ok(Scalar(parts.join(",")))
            }
        }
        d.deserialize_any(V)
    }
}
