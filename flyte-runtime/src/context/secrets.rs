//! Reading requested secrets at run time, as flytekit does: the environment variable
//! `_FSEC_<GROUP>_<KEY>` first, then the file `<dir>/<group>/<file prefix><key>` (lower
//! case; `FLYTE_SECRETS_DEFAULT_DIR` and `FLYTE_SECRETS_FILE_PREFIX`, which propeller's secrets
//! webhook sets to `/etc/flyte/secrets` and `""`); values are stripped of surrounding
//! whitespace, as flytekit strips them. Local runs also try the bare `<GROUP>_<KEY>`, and see
//! only the secrets their task requested, as a pod does. A value is never logged,
//! printed by `Debug`, or put in an error message: `Debug` and `Display` print `<redacted>`,
//! and every value read is remembered so that the runtime [redacts](super::redact) it from
//! error documents and log lines, even where an executor writes it there itself.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::contract::env::{self, PodEnv};

/// Where secrets are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secrets {
    env_prefix: String,
    dir: PathBuf,
    file_prefix: String,
    local_fallback: bool,
    /// `(group, key)` pairs a local run may read (those its task requested); `None` on a
    /// cluster, where the pod holds only what the webhook mounted.
    requested: Option<Vec<(String, String)>>,
    /// The run's environment, where secret variables are looked up (never the process's).
    env: Arc<PodEnv>,
}

/// A secret's value. `Debug` and `Display` print `<redacted>`; read it with [`expose`](Self::expose).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// The value itself. Keep it out of logs and errors.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A secret that is not where it should be, or that the task did not request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secret `{group}/{key}` {}", if env_vars.is_empty() { "was not requested by the task (add it to the task's secrets: a pod gets only the secrets its template requests)".to_string() } else { format!("not found: looked in environment variable(s) {} and file {}", env_vars.join(", "), file.display()) })]
pub struct SecretError {
    /// The group.
    pub group: String,
    /// The key.
    pub key: String,
    /// The variables looked at (none when the secret was not requested).
    pub env_vars: Vec<String>,
    /// The file looked at.
    pub file: PathBuf,
}

impl Default for Secrets {
    fn default() -> Self {
        Self {
            env_prefix: env::DEFAULT_SECRETS_ENV_PREFIX.into(),
            dir: PathBuf::from("/etc/secrets"),
            file_prefix: String::new(),
            local_fallback: false,
            requested: None,
            env: Arc::default(),
        }
    }
}

impl Secrets {
    /// flytekit's places, or those set by `FLYTE_SECRETS_ENV_PREFIX`,
    /// `FLYTE_SECRETS_DEFAULT_DIR` and `FLYTE_SECRETS_FILE_PREFIX` (stripped, as flytekit
    /// strips them).
    pub fn from_env() -> Self {
        Self::from_pod_env(&PodEnv::from_env())
    }

    /// [`from_env`](Self::from_env) from a run's environment, in which the secrets'
    /// variables are then looked up.
    pub fn from_pod_env(pod: &PodEnv) -> Self {
        let d = Self::default();
        let var = |v| pod.get(v).map(|v| v.trim().to_string());
        Self {
            env_prefix: var(env::SECRETS_ENV_PREFIX).unwrap_or(d.env_prefix),
            dir: var(env::SECRETS_DEFAULT_DIR).map_or(d.dir, PathBuf::from),
            file_prefix: var(env::SECRETS_FILE_PREFIX).unwrap_or_default(),
            env: Arc::new(pod.clone()),
            ..d
        }
    }

    /// Looks secret variables up in `env` (a run's environment).
    #[must_use]
    pub fn with_env(mut self, env: PodEnv) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// Only these `(group, key)` pairs may be read (a local run sees what its task requested).
    #[must_use]
    pub fn only(mut self, requested: Vec<(String, String)>) -> Self {
        self.requested = Some(requested);
        self
    }

    /// Looks in `dir` instead of `/etc/secrets`.
    #[must_use]
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// Uses another environment prefix than `_FSEC_`.
    #[must_use]
    pub fn with_env_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.env_prefix = prefix.into();
        self
    }

    /// Also tries the bare `<GROUP>_<KEY>` variable (local runs).
    #[must_use]
    pub fn with_local_fallback(mut self) -> Self {
        self.local_fallback = true;
        self
    }

    /// The value of secret `key` of `group`.
    ///
    /// ```
    /// use flyte_runtime::context::Secrets;
    ///
    /// let dir = std::env::temp_dir().join("flyte-rs-doc-secrets");
    /// std::fs::create_dir_all(dir.join("db")).unwrap();
    /// std::fs::write(dir.join("db/password"), "hunter2\n").unwrap();
    /// let secrets = Secrets::default().with_dir(&dir).with_env_prefix("_DOC_FSEC_");
    /// let v = secrets.get("db", "password").unwrap();
    /// assert_eq!(v.expose(), "hunter2");
    /// assert_eq!(format!("{v:?}"), "SecretValue(<redacted>)");
    /// assert!(secrets.get("db", "user").unwrap_err().to_string().contains("_DOC_FSEC_DB_USER"));
    /// ```
    pub fn get(&self, group: &str, key: &str) -> Result<SecretValue, SecretError> {
        let file = self.dir.join(group.to_lowercase()).join(format!(
            "{}{}",
            self.file_prefix,
            key.to_lowercase()
        ));
        if let Some(requested) = &self.requested {
            if !requested.iter().any(|(g, k)| g == group && k == key) {
                return Err(SecretError {
                    group: group.to_string(),
                    key: key.to_string(),
                    env_vars: Vec::new(),
                    file,
                });
            }
        }
        let mut env_vars = vec![format!("{}{}_{}", self.env_prefix, group, key).to_uppercase()];
        if self.local_fallback {
            env_vars.push(format!("{group}_{key}").to_uppercase());
        }
        for var in &env_vars {
            if let Some(v) = self.env.raw(var) {
                let v = v.trim();
                super::redact::remember(v);
                return Ok(SecretValue(v.to_string()));
            }
        }
        match std::fs::read_to_string(&file) {
            // Mounted secret files often end with a newline that is not part of the value.
            Ok(v) => {
                let v = v.trim();
                super::redact::remember(v);
                Ok(SecretValue(v.to_string()))
            }
            Err(_) => Err(SecretError {
                group: group.to_string(),
                key: key.to_string(),
                env_vars,
                file,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_run_sees_only_requested_secrets_and_values_are_stripped() {
        let dir = std::env::temp_dir().join(format!("flyte-rs-secrets-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("grp")).unwrap();
        std::fs::write(dir.join("grp/pfx-asked"), "  v1\n").unwrap();
        std::fs::write(dir.join("grp/pfx-other"), "v2").unwrap();
        let secrets = Secrets {
            file_prefix: "pfx-".into(),
            ..Secrets::default()
                .with_dir(&dir)
                .with_env_prefix("_UNIT_FSEC_")
        }
        .only(vec![("grp".into(), "asked".into())]);
        assert_eq!(secrets.get("grp", "asked").unwrap().expose(), "v1");
        let refused = secrets.get("grp", "other").unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("was not requested by the task"),
            "{refused}"
        );
    }
}
