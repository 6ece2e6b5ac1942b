//! The API token a REST face accepts: `USER@REALM!ID=SECRET`, parsed, printed and kept out of
//! debug output.

/// A Proxmox API token: `USER@REALM!ID=SECRET`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// `root@pam!nimbus`.
    pub token_id: String,
    pub secret: String,
}

impl ApiToken {
    /// Parses `USER@REALM!ID=SECRET`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (token_id, secret) = text
            .rsplit_once('=')
            .ok_or_else(|| format!("'{text}' is not USER@REALM!ID=SECRET: the '=SECRET' part is missing"))?;
        let (user, id) = token_id
            .split_once('!')
            .ok_or_else(|| "the token needs a token id after '!', as in root@pam!nimbus=SECRET".to_owned())?;
        if !user.contains('@') || user.starts_with('@') || user.ends_with('@') {
            return Err(format!("'{user}' is not USER@REALM, as in root@pam"));
        }
        if id.is_empty() || secret.is_empty() {
            return Err("the token id and the secret must not be empty".into());
        }
        Ok(Self {
            token_id: token_id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// `root@pam!nimbus` with a random secret.
    pub fn random() -> Self {
        Self {
            token_id: "root@pam!nimbus".into(),
            secret: uuid::Uuid::new_v4().to_string(),
        }
    }
}

impl std::fmt::Display for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.token_id, self.secret)
    }
}

crate::domain::redact::debug_redacted!(ApiToken { token_id } secret { secret });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_user_realm_id_and_secret() {
        let t = ApiToken::parse("root@pam!nimbus=5e3c-secret").unwrap();
        assert_eq!(t.token_id, "root@pam!nimbus");
        assert_eq!(t.secret, "5e3c-secret");
        assert_eq!(t.to_string(), "root@pam!nimbus=5e3c-secret");
        assert!(!format!("{t:?}").contains("5e3c"));
        for bad in [
            "root@pam!nimbus",
            "root!nimbus=x",
            "root@pam=x",
            "root@pam!=x",
            "root@pam!n=",
        ] {
            assert!(ApiToken::parse(bad).is_err(), "{bad}");
        }
    }
}
