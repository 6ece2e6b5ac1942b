//! Signing in with GitHub or Google: who the provider says the person is, and whether this
//! Nimbus lets them in (a verified email, and the organisation or domain allow-lists). The
//! network part (authorize, token, profile) is an adapter's job; this is the rule.

use std::fmt;
use std::str::FromStr;

/// A sign-in provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    GitHub,
    Google,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::GitHub, Provider::Google];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GitHub => "github",
            Self::Google => "google",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::GitHub => "GitHub",
            Self::Google => "Google",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 'github' or 'google'")]
pub struct UnknownProvider;

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "github" => Ok(Self::GitHub),
            "google" => Ok(Self::Google),
            _ => Err(UnknownProvider),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    pub provider: Provider,
    /// The provider's stable user id (GitHub's numeric id, Google's `sub`): identities are
    /// matched by this, never by email.
    pub subject: String,
    /// A handle to show (GitHub login, or the Google email).
    pub login: String,
    pub name: Option<String>,
    /// The primary email, if the provider shared one.
    pub email: Option<String>,
    /// The provider confirmed the person controls `email`.
    pub email_verified: bool,
    /// GitHub organisations (lower case), when they were asked for.
    pub orgs: Vec<String>,
    /// Google's hosted domain claim (`hd`), if any.
    pub hosted_domain: Option<String>,
}

/// Who may sign in with a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessPolicy {
    /// GitHub: when not empty, a member of one of these organisations only.
    pub github_orgs: Vec<String>,
    /// Google: when not empty, a Google Workspace account of one of these domains only (its
    /// `hd` claim is one of them) whose verified email is in one of them.
    pub google_domains: Vec<String>,
}

/// Why a provider sign-in is refused. `code()` is what the portal's error page shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the provider did not confirm an email address for this account")]
    EmailNotVerified,
    #[error("this GitHub account is not in an organisation this Nimbus allows")]
    OrgNotAllowed,
    #[error("this Google account's domain is not one this Nimbus allows")]
    DomainNotAllowed,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmailNotVerified => "email_not_verified",
            Self::OrgNotAllowed => "org_not_allowed",
            Self::DomainNotAllowed => "domain_not_allowed",
        }
    }
}

/// Normalises an allow-list typed by an admin: split on commas, spaces and new lines, trimmed,
/// lower-cased, `@` and duplicates removed, sorted.
pub fn normalise_list(text: &[String]) -> Vec<String> {
    let mut out: Vec<String> = text
        .iter()
        .flat_map(|t| t.split(|c: char| c == ',' || c.is_whitespace()))
        .map(|t| t.trim().trim_start_matches('@').to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

impl AccessPolicy {
    /// Checks an identity against the policy. A verified email is always required.
    pub fn admit(&self, id: &ProviderIdentity) -> Result<(), Refusal> {
        let email = match (&id.email, id.email_verified) {
            (Some(email), true) if email.contains('@') => email.to_lowercase(),
            _ => return Err(Refusal::EmailNotVerified),
        };
        match id.provider {
            Provider::GitHub if !self.github_orgs.is_empty() => {
                let member = id.orgs.iter().any(|o| self.github_orgs.contains(&o.to_lowercase()));
                if !member {
                    return Err(Refusal::OrgNotAllowed);
                }
            }
            Provider::Google if !self.google_domains.is_empty() => {
                // Only Google Workspace accounts carry `hd`, and Google sets it, so it is what
                // proves the organisation: a personal account can have an address at the
                // domain too (made with that address), and then has no `hd`.
                let domain = email.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
                let hd = id.hosted_domain.as_deref().map(str::to_lowercase);
                let hd_ok = hd.is_some_and(|hd| self.google_domains.contains(&hd));
                if !self.google_domains.contains(&domain) || !hd_ok {
                    return Err(Refusal::DomainNotAllowed);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github(orgs: &[&str], verified: bool) -> ProviderIdentity {
        ProviderIdentity {
            provider: Provider::GitHub,
            subject: "583231".into(),
            login: "octocat".into(),
            name: None,
            email: Some("Octo@Lab.Example".into()),
            email_verified: verified,
            orgs: orgs.iter().map(|o| o.to_string()).collect(),
            hosted_domain: None,
        }
    }

    fn google(email: &str, hd: Option<&str>, verified: bool) -> ProviderIdentity {
        ProviderIdentity {
            provider: Provider::Google,
            subject: "1093".into(),
            login: email.into(),
            name: None,
            email: Some(email.into()),
            email_verified: verified,
            orgs: Vec::new(),
            hosted_domain: hd.map(str::to_string),
        }
    }

    #[test]
    fn an_unverified_email_is_refused_whatever_the_lists() {
        let open = AccessPolicy::default();
        assert_eq!(open.admit(&github(&[], false)), Err(Refusal::EmailNotVerified));
        assert_eq!(
            open.admit(&google("ada@uni.example", None, false)),
            Err(Refusal::EmailNotVerified)
        );
        let mut no_email = github(&[], true);
        no_email.email = None;
        assert_eq!(open.admit(&no_email), Err(Refusal::EmailNotVerified));
        assert_eq!(open.admit(&github(&[], true)), Ok(()));
    }

    #[test]
    fn github_orgs_gate_github_only() {
        let policy = AccessPolicy {
            github_orgs: normalise_list(&["Robotics-Club, @cs-lab".into()]),
            google_domains: Vec::new(),
        };
        assert_eq!(policy.github_orgs, ["cs-lab", "robotics-club"]);
        assert_eq!(policy.admit(&github(&["ROBOTICS-CLUB"], true)), Ok(()));
        assert_eq!(policy.admit(&github(&["chess"], true)), Err(Refusal::OrgNotAllowed));
        assert_eq!(policy.admit(&google("ada@anywhere.example", None, true)), Ok(()));
    }

    #[test]
    fn google_domains_need_an_allowed_hd_claim_and_an_address_in_an_allowed_domain() {
        let policy = AccessPolicy {
            github_orgs: Vec::new(),
            google_domains: normalise_list(&["uni.example\nlab.example".into()]),
        };
        assert_eq!(
            policy.admit(&google("ada@uni.example", Some("uni.example"), true)),
            Ok(())
        );
        assert_eq!(
            policy.admit(&google("ada@lab.example", Some("LAB.example"), true)),
            Ok(())
        );
        // A personal Google account that merely has an address at the domain carries no `hd`.
        assert_eq!(
            policy.admit(&google("ada@lab.example", None, true)),
            Err(Refusal::DomainNotAllowed)
        );
        // A Workspace of another organisation, whatever address it shows.
        assert_eq!(
            policy.admit(&google("ada@lab.example", Some("evil.example"), true)),
            Err(Refusal::DomainNotAllowed)
        );
        assert_eq!(
            policy.admit(&google("ada@gmail.example", None, true)),
            Err(Refusal::DomainNotAllowed)
        );
        assert_eq!(
            policy.admit(&google("ada@uni.example", Some("other.example"), true)),
            Err(Refusal::DomainNotAllowed)
        );
        assert_eq!(policy.admit(&github(&[], true)), Ok(()));
    }

    #[test]
    fn providers_round_trip() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
        }
        assert!("gitlab".parse::<Provider>().is_err());
    }
}
