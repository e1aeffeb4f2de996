//! Secrets a task asks for (`security_context.secrets`): group, key, group version and how
//! it is mounted. The value is only ever read at run time, by the execution context.

use crate::proto::core::{secret::MountType, Secret};

/// How a requested secret reaches the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretMount {
    /// Whichever the platform prefers.
    #[default]
    Any,
    /// An environment variable (`_FSEC_<GROUP>_<KEY>`).
    EnvVar,
    /// A file (`/etc/secrets/<group>/<key>`).
    File,
}

/// One secret a task requests.
///
/// ```
/// use flyte_runtime::task::{SecretMount, SecretRequest};
///
/// let s = SecretRequest::new("db", "password").mount(SecretMount::File);
/// assert_eq!(s.to_proto().mount_requirement, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRequest {
    group: String,
    key: String,
    group_version: String,
    mount: SecretMount,
}

impl SecretRequest {
    /// The secret `key` of `group`.
    pub fn new(group: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            group: group.into(),
            key: key.into(),
            group_version: String::new(),
            mount: SecretMount::Any,
        }
    }

    /// A version of the group.
    #[must_use]
    pub fn group_version(mut self, v: impl Into<String>) -> Self {
        self.group_version = v.into();
        self
    }

    /// How the secret is mounted.
    #[must_use]
    pub fn mount(mut self, mount: SecretMount) -> Self {
        self.mount = mount;
        self
    }

    /// The group.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The wire form.
    pub fn to_proto(&self) -> Secret {
        Secret {
            group: self.group.clone(),
            group_version: self.group_version.clone(),
            key: self.key.clone(),
            mount_requirement: match self.mount {
                SecretMount::Any => MountType::Any,
                SecretMount::EnvVar => MountType::EnvVar,
                SecretMount::File => MountType::File,
            } as i32,
            env_var: String::new(),
        }
    }
}
