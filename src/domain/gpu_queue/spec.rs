//! What a GPU job runs: the image, the command as an argument list (no shell in between) and the
//! environment. Everything is checked here because the worker turns it into a `docker run`
//! command line.

use std::collections::HashSet;
use std::fmt;

/// A Docker image reference such as `nvidia/cuda:12.4.1-base-ubuntu22.04` or `repo@sha256:…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef(String);

impl ImageRef {
    pub const MAX_LEN: usize = 255;

    /// Trims the input, then requires 1..=255 characters of `[a-z0-9._/:@-]` starting with a letter
    /// or digit. The first-character rule is what keeps an "image" like `--privileged` or `-v/:/h`
    /// from being read by `docker run` as a flag.
    pub fn parse(raw: &str) -> Result<Self, JobSpecError> {
        let image = raw.trim();
        if image.is_empty() {
            return Err(JobSpecError::ImageMissing);
        }
        if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(JobSpecError::ImageHasWhitespace);
        }
        if image.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(JobSpecError::ImageUppercase {
                suggestion: image.to_ascii_lowercase(),
            });
        }
        if let Some(ch) = image.chars().find(|c| !is_image_char(*c)) {
            return Err(JobSpecError::ImageBadChar { ch });
        }
        // Only ASCII is left, so bytes are characters.
        if image.len() > Self::MAX_LEN {
            return Err(JobSpecError::ImageTooLong { len: image.len() });
        }
        let first = image.chars().next().unwrap_or('-');
        if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
            return Err(JobSpecError::ImageBadStart { ch: first });
        }
        Ok(Self(image.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_image_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '/' | ':' | '@' | '-')
}

/// A POSIX-style environment variable name, `[A-Za-z_][A-Za-z0-9_]*`, which is also what a shell
/// inside the container can refer to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvName(String);

impl EnvName {
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, JobSpecError> {
        if raw.is_empty() {
            return Err(JobSpecError::EnvNameMissing);
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(JobSpecError::EnvNameTooLong {
                len: raw.chars().count(),
            });
        }
        let mut chars = raw.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(JobSpecError::EnvBadName { name: raw.to_owned() });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnvName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A validated job: only [`JobSpec::new`] builds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    image: ImageRef,
    command: Vec<String>,
    env: Vec<(EnvName, String)>,
}

impl JobSpec {
    pub const MAX_COMMAND_BYTES: usize = 16 * 1024;
    pub const MAX_COMMAND_ARGS: usize = 1024;
    pub const MAX_ENV_VARS: usize = 64;
    pub const MAX_ENV_VALUE_BYTES: usize = 4 * 1024;

    /// An empty `command` means "run the image's own command"; otherwise it is the argument list
    /// the container runs, exactly as given (no shell splits or expands it). The env keeps the
    /// caller's order so the worker's `-e` flags come out the same on every run (the Go worker
    /// iterated a map, so its order changed from run to run).
    pub fn new(image: &str, command: &[String], env: &[(String, String)]) -> Result<Self, JobSpecError> {
        let image = ImageRef::parse(image)?;
        let len: usize = command.iter().map(|a| a.len() + 1).sum();
        if len > Self::MAX_COMMAND_BYTES {
            return Err(JobSpecError::CommandTooLong { len });
        }
        if command.len() > Self::MAX_COMMAND_ARGS {
            return Err(JobSpecError::CommandTooManyArgs { count: command.len() });
        }
        if command.iter().any(|a| a.contains('\0')) {
            return Err(JobSpecError::CommandHasNul);
        }
        let command = command.to_vec();
        if env.len() > Self::MAX_ENV_VARS {
            return Err(JobSpecError::EnvTooMany { count: env.len() });
        }
        let mut seen = HashSet::new();
        let mut checked = Vec::with_capacity(env.len());
        for (name, value) in env {
            let name = EnvName::parse(name)?;
            if !seen.insert(name.as_str().to_owned()) {
                return Err(JobSpecError::EnvDuplicate { name: name.0 });
            }
            if value.len() > Self::MAX_ENV_VALUE_BYTES {
                return Err(JobSpecError::EnvValueTooLong {
                    name: name.0,
                    len: value.len(),
                });
            }
            if value.contains('\0') {
                return Err(JobSpecError::EnvValueHasNul { name: name.0 });
            }
            checked.push((name, value.clone()));
        }
        Ok(Self {
            image,
            command,
            env: checked,
        })
    }

    pub fn image(&self) -> &ImageRef {
        &self.image
    }

    /// The arguments the container runs; empty runs the image's default command.
    pub fn command(&self) -> &[String] {
        &self.command
    }

    pub fn env(&self) -> &[(EnvName, String)] {
        &self.env
    }
}

/// Why a job could not be queued. Each variant belongs to one request field (see
/// [`JobSpecError::field`]) so the form can put the message next to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobSpecError {
    #[error("image: an image is required, for example nvidia/cuda:12.4.1-base-ubuntu22.04")]
    ImageMissing,
    #[error("image: remove the spaces and control characters; an image reference is a single word")]
    ImageHasWhitespace,
    #[error("image: Docker image names are lowercase; write {suggestion}")]
    ImageUppercase { suggestion: String },
    #[error("image: {ch:?} is not allowed; use lowercase letters, digits and . _ / : @ -")]
    ImageBadChar { ch: char },
    #[error("image: it must start with a lowercase letter or digit, not {ch:?}")]
    ImageBadStart { ch: char },
    #[error("image: {len} characters is too long; use at most 255")]
    ImageTooLong { len: usize },
    #[error("command: {len} bytes is too long; keep it under 16 KiB or put the script in the image")]
    CommandTooLong { len: usize },
    #[error("command: {count} arguments is too many; pass at most 1024")]
    CommandTooManyArgs { count: usize },
    #[error("command: remove the NUL character; a command's arguments cannot contain one")]
    CommandHasNul,
    #[error("env: {count} variables is too many; pass at most 64")]
    EnvTooMany { count: usize },
    #[error("env: a variable has an empty name; give every variable a name")]
    EnvNameMissing,
    #[error("env: a variable name of {len} characters is too long; use at most 128")]
    EnvNameTooLong { len: usize },
    #[error("env: {name:?} is not a valid name; use letters, digits and _, not starting with a digit")]
    EnvBadName { name: String },
    #[error("env: {name} is set twice; keep only one")]
    EnvDuplicate { name: String },
    #[error("env: the value of {name} is {len} bytes; keep each value under 4 KiB")]
    EnvValueTooLong { name: String, len: usize },
    #[error("env: the value of {name} contains a NUL character; remove it")]
    EnvValueHasNul { name: String },
}

impl JobSpecError {
    /// The request field the error is about: `image`, `command` or `env`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::ImageMissing
            | Self::ImageHasWhitespace
            | Self::ImageUppercase { .. }
            | Self::ImageBadChar { .. }
            | Self::ImageBadStart { .. }
            | Self::ImageTooLong { .. } => "image",
            Self::CommandTooLong { .. } | Self::CommandTooManyArgs { .. } | Self::CommandHasNul => "command",
            Self::EnvTooMany { .. }
            | Self::EnvNameMissing
            | Self::EnvNameTooLong { .. }
            | Self::EnvBadName { .. }
            | Self::EnvDuplicate { .. }
            | Self::EnvValueTooLong { .. }
            | Self::EnvValueHasNul { .. } => "env",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_trimmed_image_with_no_command_runs_the_image_default() {
        let spec = JobSpec::new("  nvidia/cuda:12.4.1-base@sha256:abc123  ", &[], &[]).unwrap();
        assert_eq!(spec.image().as_str(), "nvidia/cuda:12.4.1-base@sha256:abc123");
        assert!(spec.command().is_empty());
        assert!(spec.env().is_empty());
    }

    #[test]
    fn the_arguments_are_kept_as_written_with_no_shell_between() {
        let words = args(&["python", "train.py", "--name", "two words; rm -rf /", ""]);
        let spec = JobSpec::new("ubuntu", &words, &[]).unwrap();
        assert_eq!(spec.command(), words.as_slice());
    }

    #[test]
    fn image_errors_name_the_image_field() {
        let cases = [
            ("", JobSpecError::ImageMissing),
            ("   ", JobSpecError::ImageMissing),
            ("ubuntu latest", JobSpecError::ImageHasWhitespace),
            ("ubu\u{7}ntu", JobSpecError::ImageHasWhitespace),
            (
                "Ubuntu:22.04",
                JobSpecError::ImageUppercase {
                    suggestion: "ubuntu:22.04".into(),
                },
            ),
            ("ubuntu;rm", JobSpecError::ImageBadChar { ch: ';' }),
            ("--privileged", JobSpecError::ImageBadStart { ch: '-' }),
            ("/ubuntu", JobSpecError::ImageBadStart { ch: '/' }),
        ];
        for (image, expected) in cases {
            let err = JobSpec::new(image, &[], &[]).unwrap_err();
            assert_eq!(err, expected, "image {image:?}");
            assert_eq!(err.field(), "image");
        }
    }

    #[test]
    fn an_image_of_255_characters_is_accepted_and_256_is_not() {
        assert!(ImageRef::parse(&"a".repeat(255)).is_ok());
        assert_eq!(
            ImageRef::parse(&"a".repeat(256)),
            Err(JobSpecError::ImageTooLong { len: 256 })
        );
    }

    #[test]
    fn command_over_16_kib_too_many_arguments_or_a_nul_is_rejected_on_the_command_field() {
        assert!(JobSpec::new("ubuntu", &[("x".repeat(16 * 1024 - 1))], &[]).is_ok());
        let long = JobSpec::new("ubuntu", &[("x".repeat(16 * 1024))], &[]).unwrap_err();
        assert_eq!(long, JobSpecError::CommandTooLong { len: 16 * 1024 + 1 });
        assert_eq!(long.field(), "command");
        let many = JobSpec::new("ubuntu", &vec![String::new(); 1025], &[]).unwrap_err();
        assert_eq!(many, JobSpecError::CommandTooManyArgs { count: 1025 });
        let nul = JobSpec::new("ubuntu", &args(&["echo", "a\0b"]), &[]).unwrap_err();
        assert_eq!(nul, JobSpecError::CommandHasNul);
        assert_eq!(nul.field(), "command");
    }

    #[test]
    fn env_keeps_the_callers_order() {
        let spec = JobSpec::new("ubuntu", &[], &env(&[("ZETA", "1"), ("_alpha", "2"), ("MID9", "")])).unwrap();
        let names: Vec<&str> = spec.env().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ZETA", "_alpha", "MID9"]);
        assert_eq!(spec.env()[0].1, "1");
    }

    #[test]
    fn env_errors_name_the_env_field() {
        let long_value = "v".repeat(4 * 1024 + 1);
        let cases = [
            (env(&[("", "x")]), JobSpecError::EnvNameMissing),
            (
                env(&[("9LIVES", "x")]),
                JobSpecError::EnvBadName { name: "9LIVES".into() },
            ),
            (env(&[("A-B", "x")]), JobSpecError::EnvBadName { name: "A-B".into() }),
            (
                env(&[("A", "1"), ("A", "2")]),
                JobSpecError::EnvDuplicate { name: "A".into() },
            ),
            (
                env(&[("A", &long_value)]),
                JobSpecError::EnvValueTooLong {
                    name: "A".into(),
                    len: 4097,
                },
            ),
            (env(&[("A", "a\0b")]), JobSpecError::EnvValueHasNul { name: "A".into() }),
        ];
        for (vars, expected) in cases {
            let err = JobSpec::new("ubuntu", &[], &vars).unwrap_err();
            assert_eq!(err, expected);
            assert_eq!(err.field(), "env");
        }
    }

    #[test]
    fn env_allows_64_variables_and_names_of_128_characters_but_no_more() {
        let many: Vec<(String, String)> = (0..64).map(|i| (format!("V{i}"), String::new())).collect();
        assert!(JobSpec::new("ubuntu", &[], &many).is_ok());
        let too_many: Vec<(String, String)> = (0..65).map(|i| (format!("V{i}"), String::new())).collect();
        assert_eq!(
            JobSpec::new("ubuntu", &[], &too_many),
            Err(JobSpecError::EnvTooMany { count: 65 })
        );
        assert!(EnvName::parse(&"N".repeat(128)).is_ok());
        assert_eq!(
            EnvName::parse(&"N".repeat(129)),
            Err(JobSpecError::EnvNameTooLong { len: 129 })
        );
    }

    #[test]
    fn env_names_differing_only_in_case_are_different_variables() {
        assert!(JobSpec::new("ubuntu", &[], &env(&[("path", "a"), ("PATH", "b")])).is_ok());
    }
}
