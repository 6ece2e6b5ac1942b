//! The worker's configuration, read once from the environment. Every bad value is refused with the
//! variable's name and what to set instead, so a misconfigured box says so at start-up.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the worker needs to know, parsed and checked.
#[derive(Clone)]
pub struct Config {
    /// The Nimbus base address, without a trailing `/`.
    pub nimbus_url: String,
    pub token: String,
    pub worker_id: String,
    pub poll_interval: Duration,
    pub http_timeout: Duration,
    pub log_flush_delay: Duration,
    pub log_flush_bytes: usize,
    /// Seconds a stopped container gets before it is killed (`<runtime> stop --time`).
    pub stop_grace: u64,
    pub output_dir: PathBuf,
    /// The container runtime command and its leading arguments (`docker`, or a stand-in).
    pub runtime: Vec<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("nimbus_url", &self.nimbus_url)
            .field("token", &"[redacted]")
            .field("worker_id", &self.worker_id)
            .field("poll_interval", &self.poll_interval)
            .field("http_timeout", &self.http_timeout)
            .field("log_flush_delay", &self.log_flush_delay)
            .field("log_flush_bytes", &self.log_flush_bytes)
            .field("stop_grace", &self.stop_grace)
            .field("output_dir", &self.output_dir)
            .field("runtime", &self.runtime)
            .finish()
    }
}

/// A variable that is missing or holds a value the worker cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

/// The largest log chunk the protocol accepts.
pub const MAX_CHUNK_BYTES: usize = 1024 * 1024;

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the configuration through `get` (the process environment in production). `hostname`
    /// is asked only when `GX10_WORKER_ID` is not set.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        hostname: impl FnOnce() -> String,
    ) -> Result<Self, ConfigError> {
        // An empty optional variable counts as unset, as env files often leave them blank.
        let opt = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let nimbus_url = nimbus_url(opt("NIMBUS_URL"))?;
        let token = token(opt("NIMBUS_WORKER_TOKEN"))?;
        let worker_id = match opt("GX10_WORKER_ID") {
            Some(id) => worker_id(id.trim(), "")?,
            None => worker_id(
                &format!("gx10-{}", hostname()),
                "; the default gx10-<hostname> is not usable here, set GX10_WORKER_ID",
            )?,
        };
        let poll_interval = seconds("GX10_POLL_INTERVAL", opt("GX10_POLL_INTERVAL"), 3.0)?;
        let http_timeout = seconds("GX10_HTTP_TIMEOUT", opt("GX10_HTTP_TIMEOUT"), 30.0)?;
        let flush_ms = whole(
            "GX10_LOG_FLUSH_DELAY",
            opt("GX10_LOG_FLUSH_DELAY"),
            1000,
            0..=600_000,
            "milliseconds",
        )?;
        let log_flush_bytes = whole(
            "GX10_LOG_FLUSH_BYTES",
            opt("GX10_LOG_FLUSH_BYTES"),
            65536,
            1..=MAX_CHUNK_BYTES as u64,
            "bytes (at most 1048576, the largest chunk Nimbus accepts)",
        )? as usize;
        let stop_grace = whole("GX10_STOP_GRACE", opt("GX10_STOP_GRACE"), 10, 0..=3600, "seconds")?;
        let output_dir = output_dir(opt("GX10_OUTPUT_DIR"))?;
        let runtime: Vec<String> = opt("GX10_RUNTIME")
            .unwrap_or_else(|| "docker".to_owned())
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        Ok(Self {
            nimbus_url,
            token,
            worker_id,
            poll_interval,
            http_timeout,
            log_flush_delay: Duration::from_millis(flush_ms),
            log_flush_bytes,
            stop_grace,
            output_dir,
            runtime,
        })
    }
}

fn nimbus_url(value: Option<String>) -> Result<String, ConfigError> {
    let example = "e.g. NIMBUS_URL=https://nimbus.example.com";
    let Some(url) = value else {
        return Err(bad(
            "NIMBUS_URL",
            format!("is not set: set it to the address of Nimbus, {example}"),
        ));
    };
    let url = url.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(url.to_owned()),
        _ => Err(bad(
            "NIMBUS_URL",
            format!("is '{url}': set it to an http:// or https:// address, {example}"),
        )),
    }
}

fn token(value: Option<String>) -> Result<String, ConfigError> {
    let Some(token) = value else {
        return Err(bad(
            "NIMBUS_WORKER_TOKEN",
            "is not set: set it to the worker token shown once by Admin → Settings → GPU → Add worker",
        ));
    };
    let token = token.trim();
    if token.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(token.to_owned())
    } else {
        Err(bad(
            "NIMBUS_WORKER_TOKEN",
            "holds spaces or characters that are not printable ASCII: paste the token exactly as Nimbus showed it",
        ))
    }
}

fn worker_id(id: &str, hint: &str) -> Result<String, ConfigError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if (1..=64).contains(&id.len()) && id.chars().all(allowed) {
        Ok(id.to_owned())
    } else {
        Err(bad(
            "GX10_WORKER_ID",
            format!("is '{id}': use 1 to 64 of the characters A-Z a-z 0-9 . _ - (e.g. GX10_WORKER_ID=gx10-lab1){hint}"),
        ))
    }
}

fn seconds(name: &'static str, value: Option<String>, default: f64) -> Result<Duration, ConfigError> {
    let Some(text) = value else {
        return Ok(Duration::from_secs_f64(default));
    };
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(bad(
            name,
            format!("is '{text}': set it to a number of seconds above 0 (e.g. {name}={default})"),
        )),
    }
}

fn whole(
    name: &'static str,
    value: Option<String>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    match text.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(bad(
            name,
            format!(
                "is '{text}': set it to a whole number from {} to {} of {unit} (default {default})",
                range.start(),
                range.end()
            ),
        )),
    }
}

fn output_dir(value: Option<String>) -> Result<PathBuf, ConfigError> {
    let Some(text) = value else {
        return Ok(PathBuf::from("/var/lib/gx10/output"));
    };
    let path = PathBuf::from(text.trim());
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(bad(
            "GX10_OUTPUT_DIR",
            format!(
                "is '{text}': set it to an absolute path (the container runtime mounts it), e.g. GX10_OUTPUT_DIR=/var/lib/gx10/output"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(
            |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            || "lab1".to_owned(),
        )
    }

    const BASE: [(&str, &str); 2] = [
        ("NIMBUS_URL", "https://nimbus.example.com/"),
        ("NIMBUS_WORKER_TOKEN", "tok-123"),
    ];

    #[test]
    fn defaults_apply_when_only_the_required_variables_are_set() {
        let c = parse(&BASE).unwrap();
        assert_eq!(c.nimbus_url, "https://nimbus.example.com");
        assert_eq!(c.worker_id, "gx10-lab1");
        assert_eq!(c.poll_interval, Duration::from_secs(3));
        assert_eq!(c.http_timeout, Duration::from_secs(30));
        assert_eq!(c.log_flush_delay, Duration::from_millis(1000));
        assert_eq!(c.log_flush_bytes, 65536);
        assert_eq!(c.stop_grace, 10);
        assert_eq!(c.output_dir, PathBuf::from("/var/lib/gx10/output"));
        assert_eq!(c.runtime, ["docker"]);
    }

    #[test]
    fn the_runtime_command_is_split_on_whitespace() {
        let mut vars = BASE.to_vec();
        vars.push(("GX10_RUNTIME", "/usr/bin/gx10-worker  stand-in-runtime"));
        assert_eq!(
            parse(&vars).unwrap().runtime,
            ["/usr/bin/gx10-worker", "stand-in-runtime"]
        );
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("NIMBUS_URL", "nimbus.example.com"),
            ("GX10_WORKER_ID", "has space"),
            ("GX10_POLL_INTERVAL", "soon"),
            ("GX10_POLL_INTERVAL", "0"),
            ("GX10_HTTP_TIMEOUT", "-1"),
            ("GX10_LOG_FLUSH_DELAY", "1.5"),
            ("GX10_LOG_FLUSH_BYTES", "2000000"),
            ("GX10_STOP_GRACE", "ten"),
            ("GX10_OUTPUT_DIR", "relative/dir"),
        ];
        for (name, value) in cases {
            let mut vars = BASE.to_vec();
            vars.retain(|(k, _)| *k != name);
            vars.push((name, value));
            let err = parse(&vars).unwrap_err();
            assert_eq!(err.variable, name, "{value}");
            assert!(err.to_string().contains(value), "{err}");
        }
    }

    #[test]
    fn missing_required_variables_say_what_to_set() {
        let err = parse(&[("NIMBUS_WORKER_TOKEN", "t")]).unwrap_err();
        assert_eq!(err.variable, "NIMBUS_URL");
        let err = parse(&[("NIMBUS_URL", "http://127.0.0.1:8080")]).unwrap_err();
        assert_eq!(err.variable, "NIMBUS_WORKER_TOKEN");
        assert!(err.to_string().contains("Add worker"), "{err}");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = parse(&BASE).unwrap();
        assert!(!format!("{c:?}").contains("tok-123"));
    }
}
