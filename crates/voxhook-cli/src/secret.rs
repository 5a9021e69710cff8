//! Where credentials come from: flags, a file, then the environment. Never printed.

use std::fmt;

use voxhook_core::Provider;

use crate::cli::SecretArgs;
use crate::exit::usage;

/// One credential, in the provider's form. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// The per-provider variable, as the reference receiver reads it.
pub(crate) const fn env_name(provider: Provider) -> &'static str {
    match provider {
        Provider::TryVox => "TRYVOX_TOKEN",
        Provider::Voxtelesys => "VOXTELESYS_BASIC",
        Provider::VoxPria => "VOXPRIA_SECRET",
        Provider::Vobiz => "VOBIZ_AUTH_TOKEN",
        _ => "VOXHOOK_SECRET",
    }
}

/// The generic fallback variable.
pub(crate) const GENERIC_ENV: &str = "VOXHOOK_SECRET";

/// Resolves the credentials for `provider`: `--secret` values, else `--secret-file`,
/// else the provider's variable, else `VOXHOOK_SECRET`.
///
/// # Errors
/// A usage error (exit 2) when none is given, the file cannot be read, or a
/// Voxtelesys credential is not `user:password`.
pub(crate) fn resolve(
    args: &SecretArgs,
    provider: Provider,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<Secret>> {
    let mut found: Vec<Secret> = args.secret.iter().map(Secret::new).collect();
    if let (true, Some(path)) = (found.is_empty(), &args.secret_file) {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read --secret-file {}: {e}", path.display())))?;
        found.push(Secret::new(text.trim_end_matches(['\r', '\n'])));
    }
    if found.is_empty() {
        let value = env(env_name(provider))
            .filter(|v| !v.is_empty())
            .or_else(|| env(GENERIC_ENV).filter(|v| !v.is_empty()));
        found.extend(value.map(Secret::new));
    }
    if found.is_empty() {
        return Err(usage(format!(
            "no credential for {provider}: pass --secret, --secret-file, or set {} or {GENERIC_ENV}",
            env_name(provider)
        )));
    }
    for s in &found {
        if s.expose().is_empty() {
            return Err(usage(format!("the {provider} credential is empty")));
        }
        if provider == Provider::Voxtelesys && !s.expose().contains(':') {
            return Err(usage(
                "the Voxtelesys credential must be user:password".to_string(),
            ));
        }
    }
    Ok(found)
}

/// [`resolve`] reading the process environment.
pub(crate) fn from_process(args: &SecretArgs, provider: Provider) -> anyhow::Result<Vec<Secret>> {
    resolve(args, provider, |name| std::env::var(name).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::exit_code;

    fn args(secret: &[&str]) -> SecretArgs {
        SecretArgs {
            secret: secret.iter().map(|s| s.to_string()).collect(),
            secret_file: None,
        }
    }

    #[test]
    fn precedence_flag_then_provider_env_then_generic() {
        let env = |n: &str| match n {
            "VOBIZ_AUTH_TOKEN" => Some("from-provider-env".to_string()),
            "VOXHOOK_SECRET" => Some("from-generic-env".to_string()),
            _ => None,
        };
        let cases = [
            (
                "flag wins",
                args(&["from-flag"]),
                Provider::Vobiz,
                "from-flag",
            ),
            (
                "provider env",
                args(&[]),
                Provider::Vobiz,
                "from-provider-env",
            ),
            (
                "generic env",
                args(&[]),
                Provider::VoxPria,
                "from-generic-env",
            ),
        ];
        for (name, a, p, want) in cases {
            let got = resolve(&a, p, env).expect(name);
            assert_eq!(got, vec![Secret::new(want)], "{name}");
        }
    }

    #[test]
    fn missing_or_malformed_is_a_usage_error() {
        let none = |_: &str| None;
        let cases = [
            ("nothing", args(&[]), Provider::TryVox),
            (
                "voxtelesys without colon",
                args(&["nopass"]),
                Provider::Voxtelesys,
            ),
            ("empty", args(&[""]), Provider::Vobiz),
        ];
        for (name, a, p) in cases {
            let err = resolve(&a, p, none).expect_err(name);
            assert_eq!(exit_code(&err), 2, "{name}");
            assert!(
                !err.to_string().contains("nopass"),
                "{name} echoed the secret"
            );
        }
    }

    #[test]
    fn secret_file_trailing_newline_is_dropped() {
        let dir = std::env::temp_dir().join(format!("voxhook-secret-{}", std::process::id()));
        std::fs::write(&dir, "file-secret\n").unwrap();
        let a = SecretArgs {
            secret: vec![],
            secret_file: Some(dir.clone()),
        };
        let got = resolve(&a, Provider::Vobiz, |_| None).unwrap();
        std::fs::remove_file(&dir).ok();
        assert_eq!(got, vec![Secret::new("file-secret")]);
    }

    #[test]
    fn debug_is_redacted() {
        let s = format!("{:?}", Secret::new("hunter2"));
        assert_eq!(s, "Secret([REDACTED])");
    }
}
