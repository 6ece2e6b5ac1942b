//! A caller's effective permissions as `GET /access/permissions` reports them: for each ACL path
//! Proxmox lists (the top-level ones and every path named in an ACL), the privileges that hold
//! there and whether each one propagates to the paths below.

use std::collections::BTreeMap;

/// `path → privilege → propagates`. Paths are normalised (`/` or `/a/b`, no trailing `/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectivePermissions(BTreeMap<String, BTreeMap<String, bool>>);

/// Whether a privilege holds on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Listed on the path itself or propagated from `from`.
    Yes {
        from: String,
    },
    /// Listed on `on`, above the path, but not propagated.
    NotPropagated {
        on: String,
    },
    No,
}

/// `/a/b/` and `a//b` as `/a/b`; the root as `/`.
pub fn normalise_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    format!("/{}", parts.join("/"))
}

impl EffectivePermissions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `privilege` holds on `path`, propagated or not.
    pub fn insert(&mut self, path: &str, privilege: &str, propagate: bool) {
        self.0
            .entry(normalise_path(path))
            .or_default()
            .insert(privilege.to_owned(), propagate);
    }

    /// Builder form of [`EffectivePermissions::insert`].
    pub fn with(mut self, path: &str, privileges: &[&str], propagate: bool) -> Self {
        for p in privileges {
            self.insert(path, p, propagate);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(BTreeMap::is_empty)
    }

    /// Every path with its privileges and propagation flags.
    pub fn paths(&self) -> &BTreeMap<String, BTreeMap<String, bool>> {
        &self.0
    }

    /// The privileges listed on exactly `path`.
    pub fn on(&self, path: &str) -> Option<&BTreeMap<String, bool>> {
        self.0.get(&normalise_path(path))
    }

    /// Whether `privilege` holds on `path`. The nearest listed path at or above `path` decides,
    /// as in Proxmox, where a deeper ACL replaces what an upper one propagates: every path named
    /// in an ACL is listed, so the nearest listed one carries the answer.
    pub fn holds(&self, privilege: &str, path: &str) -> Held {
        let path = normalise_path(path);
        let mut probe = path.clone();
        loop {
            if let Some(privs) = self.0.get(&probe) {
                return match privs.get(privilege) {
                    Some(_) if probe == path => Held::Yes { from: probe },
                    Some(true) => Held::Yes { from: probe },
                    Some(false) => Held::NotPropagated { on: probe },
                    // Listed without it: a deeper ACL replaced whatever was above.
                    None => Held::No,
                };
            }
            if probe == "/" {
                return Held::No;
            }
            probe = match probe.rfind('/') {
                Some(0) => "/".to_owned(),
                Some(i) => probe[..i].to_owned(),
                None => "/".to_owned(),
            };
        }
    }
}
