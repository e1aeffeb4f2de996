//! The secrets a task requests, as flytepropeller 1.16's Kubernetes secrets webhook mounts
//! them (`pkg/webhook/k8s_secrets.go`, `K8sSecretInjector.Inject`; `pkg/webhook/utils.go`):
//! a request without a mount requirement, or with FILE, becomes the file
//! `/etc/flyte/secrets/<group>/<key>` (lower case) from a secret volume, with
//! `FLYTE_SECRETS_DEFAULT_DIR` and an empty `FLYTE_SECRETS_FILE_PREFIX`; only ENV_VAR
//! becomes the variable `_FSEC_<GROUP>_<KEY>` (upper case).

use super::error::PodError;
use super::model::{
    Container, EnvVar, EnvVarSource, KeyToPath, PodSpec, SecretKeySelector, SecretVolumeSource,
    Volume, VolumeMount,
};
use crate::contract::env;
use crate::proto::core::{secret::MountType, Secret};

/// Where the webhook mounts secret files.
pub const SECRETS_DIR: &str = "/etc/flyte/secrets";
/// The prefix of secret variables.
pub const SECRETS_ENV_PREFIX: &str = env::DEFAULT_SECRETS_ENV_PREFIX;

/// flyteplugins' `encoding.Base32Encoder`: base32 over `a…z1…6`, without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz123456";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The name of the variable an ENV_VAR secret becomes.
pub fn secret_env_var(group: &str, key: &str) -> String {
    format!("{SECRETS_ENV_PREFIX}{group}_{key}").to_uppercase()
}

/// The file a FILE (or ANY) secret becomes.
pub fn secret_file(group: &str, key: &str) -> String {
    format!(
        "{SECRETS_DIR}/{}/{}",
        group.to_lowercase(),
        key.to_lowercase()
    )
}

fn append_env(containers: &mut [Container], var: &EnvVar) {
    for c in containers {
        if !c.env.iter().any(|e| e.name == var.name) {
            c.env.push(var.clone());
        }
    }
}

/// `Inject`: one requested secret into every container and init container of the pod.
pub(crate) fn inject_secret(secret: &Secret, spec: &mut PodSpec) -> Result<(), PodError> {
    if secret.group.is_empty() || secret.key.is_empty() {
        return Err(PodError::Secret {
            group: secret.group.clone(),
            key: secret.key.clone(),
        });
    }
    let everywhere = |spec: &mut PodSpec, var: EnvVar| {
        append_env(&mut spec.init_containers, &var);
        append_env(&mut spec.containers, &var);
    };
    match MountType::try_from(secret.mount_requirement).unwrap_or(MountType::Any) {
        MountType::Any | MountType::File => {
            let volume = Volume {
                name: base32(format!("{}_{}", secret.group, secret.group_version).as_bytes()),
                secret: Some(SecretVolumeSource {
                    secret_name: secret.group.clone(),
                    items: vec![KeyToPath {
                        key: secret.key.clone(),
                        path: secret.key.to_lowercase(),
                    }],
                    optional: Some(true),
                }),
                ..Volume::default()
            };
            let mount = VolumeMount {
                name: volume.name.clone(),
                read_only: true,
                mount_path: format!("{SECRETS_DIR}/{}", secret.group.to_lowercase()),
                ..VolumeMount::default()
            };
            // AppendVolume: a second key of the same group joins the group's volume.
            match spec
                .volumes
                .iter_mut()
                .find_map(|v| v.secret.as_mut().filter(|s| s.secret_name == secret.group))
            {
                Some(existing) => existing
                    .items
                    .extend(volume.secret.into_iter().flat_map(|s| s.items)),
                None => spec.volumes.push(volume),
            }
            for c in spec
                .init_containers
                .iter_mut()
                .chain(spec.containers.iter_mut())
            {
                if !c.volume_mounts.iter().any(|m| m.name == mount.name) {
                    c.volume_mounts.push(mount.clone());
                }
            }
            everywhere(
                spec,
                EnvVar::value(env::SECRETS_DEFAULT_DIR.name, SECRETS_DIR),
            );
            everywhere(spec, EnvVar::value(env::SECRETS_FILE_PREFIX.name, ""));
            if !secret.env_var.is_empty() {
                everywhere(
                    spec,
                    EnvVar::value(&secret.env_var, secret_file(&secret.group, &secret.key)),
                );
            }
        }
        MountType::EnvVar => {
            let var = EnvVar {
                name: secret_env_var(&secret.group, &secret.key),
                value: None,
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: secret.group.clone(),
                        key: secret.key.clone(),
                        optional: Some(true),
                    }),
                    ..EnvVarSource::default()
                }),
                ..EnvVar::default()
            };
            everywhere(spec, var.clone());
            if !secret.env_var.is_empty() {
                everywhere(
                    spec,
                    EnvVar {
                        name: secret.env_var.clone(),
                        ..var
                    },
                );
            }
            everywhere(
                spec,
                EnvVar::value(env::SECRETS_ENV_PREFIX.name, SECRETS_ENV_PREFIX),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_are_flyteplugins_base32() {
        // Go: base32.NewEncoding("abcdefghijklmnopqrstuvwxyz123456").WithPadding(NoPadding)
        assert_eq!(base32(b"checksum_"), "mnugky2lon1w1xy");
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "my");
    }
}
