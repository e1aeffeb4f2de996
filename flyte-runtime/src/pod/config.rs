//! An operator's configuration file read into a [`Platform`]: the keys as a Flyte operator
//! writes them in flyteadmin's, propeller's and the single binary's config (v1.16.8), each
//! laid over what the platform had, as flytestdlib's loader decodes over the compiled-in
//! values (`config/viper/viper.go`). Keys not modelled are ignored, as the loader ignores
//! unknown keys (`StrictMode` is off in flyteadmin and the single binary); each is named in a
//! warning.

use serde_yaml_ng::{Mapping, Value};

use super::model::DnsConfig;
use super::platform::{Platform, TaskResourceSet};
use super::quantity::Quantity;

/// Lays the configuration `yaml` over `platform`; returns a warning for each key ignored.
///
/// Read: `task_resources.{defaults,limits}.{cpu,memory,ephemeralStorage,gpu}` (flyteadmin);
/// `plugins.k8s.{default-cpus, default-memory, gpu-resource-name, default-env-vars,
/// enable-host-networking-pod, default-pod-dns-config, default-annotations,
/// default-labels, default-pod-template-name}` (flyteplugins' k8s plugin); `propeller.literal-offloading-config.
/// {enabled, min-size-in-mb-for-offloading, max-size-in-mb-for-offloading}`;
/// `storage.limits.maxDownloadMBs` (flytestdlib).
pub(crate) fn apply_platform_config(
    platform: &mut Platform,
    yaml: &str,
) -> Result<Vec<String>, String> {
    let root: Value = serde_yaml_ng::from_str(yaml).map_err(|e| format!("not YAML: {e}"))?;
    let mut r = Reader {
        warnings: Vec::new(),
    };
    let root = match root {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        _ => return Err("not a mapping of sections".to_string()),
    };
    for (key, value) in &root {
        let key = text_key(key);
        match key.as_str() {
            "task_resources" => {
                for (k, v) in r.mapping(&key, value)? {
                    match k.as_str() {
                        "defaults" => r.resource_set(
                            &format!("{key}.defaults"),
                            &v,
                            &mut platform.task_resources.defaults,
                        )?,
                        "limits" => r.resource_set(
                            &format!("{key}.limits"),
                            &v,
                            &mut platform.task_resources.limits,
                        )?,
                        _ => r.ignore(&format!("{key}.{k}")),
                    }
                }
            }
            "plugins" => {
                for (k, v) in r.mapping(&key, value)? {
                    if k == "k8s" {
                        r.k8s_plugin("plugins.k8s", &v, platform)?;
                    } else {
                        r.ignore(&format!("plugins.{k}"));
                    }
                }
            }
            "propeller" => {
                for (k, v) in r.mapping(&key, value)? {
                    if k == "literal-offloading-config" {
                        r.offloading(&format!("propeller.{k}"), &v, platform)?;
                    } else {
                        r.ignore(&format!("propeller.{k}"));
                    }
                }
            }
            "storage" => {
                for (k, v) in r.mapping(&key, value)? {
                    if k != "limits" {
                        r.ignore(&format!("storage.{k}"));
                        continue;
                    }
                    for (k, v) in r.mapping("storage.limits", &v)? {
                        if k == "maxDownloadMBs" {
                            let mb = r.number(&format!("storage.limits.{k}"), &v)?;
                            platform.max_download_bytes = mb << 20;
                        } else {
                            r.ignore(&format!("storage.limits.{k}"));
                        }
                    }
                }
            }
            _ => r.ignore(&key),
        }
    }
    Ok(r.warnings)
}

fn text_key(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Reader {
    warnings: Vec<String>,
}

impl Reader {
    fn ignore(&mut self, path: &str) {
        self.warnings.push(format!(
            "{path}: not a setting flyte-rs models; ignored (as Flyte ignores keys it does not know)"
        ));
    }

    fn mapping(&mut self, path: &str, value: &Value) -> Result<Vec<(String, Value)>, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Mapping(m) => Ok(m.iter().map(|(k, v)| (text_key(k), v.clone())).collect()),
            _ => Err(format!("{path}: expected a mapping")),
        }
    }

    fn quantity(&mut self, path: &str, value: &Value) -> Result<Quantity, String> {
        let text = scalar(value).ok_or_else(|| format!("{path}: expected a quantity"))?;
        text.parse().map_err(|e| format!("{path}: {e}"))
    }

    fn number(&mut self, path: &str, value: &Value) -> Result<u64, String> {
        value
            .as_u64()
            .ok_or_else(|| format!("{path}: expected a whole number"))
    }

    fn boolean(&mut self, path: &str, value: &Value) -> Result<bool, String> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
            _ => Err(format!("{path}: expected true or false")),
        }
    }

    fn string_map(&mut self, path: &str, value: &Value) -> Result<Vec<(String, String)>, String> {
        // A map, or (as the sandbox's chart writes `default-env-vars`) a list of one-entry
        // maps, which the loader's weakly typed decoding merges into one.
        let maps = match value {
            Value::Sequence(items) => items.clone(),
            other => vec![other.clone()],
        };
        let mut out = Vec::new();
        for m in &maps {
            for (k, v) in self.mapping(path, m)? {
                let v = scalar(&v).ok_or_else(|| format!("{path}.{k}: expected a string"))?;
                out.push((k, v));
            }
        }
        Ok(out)
    }

    fn resource_set(
        &mut self,
        path: &str,
        value: &Value,
        set: &mut TaskResourceSet,
    ) -> Result<(), String> {
        for (k, v) in self.mapping(path, value)? {
            let at = format!("{path}.{k}");
            let slot = match k.as_str() {
                "cpu" => &mut set.cpu,
                "memory" => &mut set.memory,
                "ephemeralStorage" => &mut set.ephemeral_storage,
                "gpu" => &mut set.gpu,
                _ => {
                    self.ignore(&at);
                    continue;
                }
            };
            *slot = self.quantity(&at, &v)?;
        }
        Ok(())
    }

    fn k8s_plugin(&mut self, path: &str, value: &Value, p: &mut Platform) -> Result<(), String> {
        for (k, v) in self.mapping(path, value)? {
            let at = format!("{path}.{k}");
            match k.as_str() {
                "default-cpus" => p.default_cpu = self.quantity(&at, &v)?,
                "default-memory" => p.default_memory = self.quantity(&at, &v)?,
                "gpu-resource-name" => {
                    p.gpu_resource_name =
                        scalar(&v).ok_or_else(|| format!("{at}: expected a name"))?
                }
                "default-env-vars" => {
                    for (name, value) in self.string_map(&at, &v)? {
                        p.default_env_vars.retain(|(n, _)| *n != name);
                        p.default_env_vars.push((name, value));
                    }
                }
                "default-pod-template-name" => {
                    p.default_pod_template_name =
                        scalar(&v).ok_or_else(|| format!("{at}: expected a name"))?
                }
                "enable-host-networking-pod" => p.host_network = self.boolean(&at, &v)?,
                "default-pod-dns-config" => {
                    let mut dns = DnsConfig {
                        nameservers: Vec::new(),
                        searches: Vec::new(),
                    };
                    for (k, v) in self.mapping(&at, &v)? {
                        let list = match k.as_str() {
                            "nameservers" => &mut dns.nameservers,
                            "searches" => &mut dns.searches,
                            _ => {
                                self.ignore(&format!("{at}.{k}"));
                                continue;
                            }
                        };
                        let Value::Sequence(items) = v else {
                            return Err(format!("{at}.{k}: expected a list"));
                        };
                        list.extend(items.iter().filter_map(scalar));
                    }
                    p.dns_config = Some(dns);
                }
                // Merged into the compiled-in map (the loader decodes into it).
                "default-annotations" => p.default_annotations.extend(self.string_map(&at, &v)?),
                "default-labels" => p.default_labels.extend(self.string_map(&at, &v)?),
                _ => self.ignore(&at),
            }
        }
        Ok(())
    }

    fn offloading(&mut self, path: &str, value: &Value, p: &mut Platform) -> Result<(), String> {
        let mut o = p.literal_offloading.unwrap_or_default();
        let mut enabled = p.literal_offloading.is_some();
        for (k, v) in self.mapping(path, value)? {
            let at = format!("{path}.{k}");
            match k.as_str() {
                "enabled" => enabled = self.boolean(&at, &v)?,
                "min-size-in-mb-for-offloading" => o.min_size_mb = self.signed(&at, &v)?,
                "max-size-in-mb-for-offloading" => o.max_size_mb = self.signed(&at, &v)?,
                _ => self.ignore(&at),
            }
        }
        p.literal_offloading = enabled.then_some(o);
        Ok(())
    }

    fn signed(&mut self, path: &str, value: &Value) -> Result<i64, String> {
        value
            .as_i64()
            .ok_or_else(|| format!("{path}: expected a whole number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_as_an_operator_writes_them_lay_over_the_platform() {
        let mut p = Platform::default();
        let warnings = apply_platform_config(
            &mut p,
            "task_resources:\n  defaults: {cpu: 500m, storage: 1Gi}\n  limits: {memory: 4Gi, gpu: 0}\n\
             plugins:\n  k8s:\n    default-cpus: 100m\n    default-env-vars:\n      - A: '1'\n      - B: x\n\
             storage:\n  type: minio\n  limits: {maxDownloadMBs: 10}\n\
             database: {}\n",
        )
        .unwrap();
        let t = &p.task_resources;
        assert_eq!(t.defaults.cpu.as_str(), "500m");
        assert_eq!(
            t.defaults.memory.as_str(),
            "200Mi",
            "omitted: the compiled-in value"
        );
        assert_eq!(t.limits.memory.as_str(), "4Gi");
        assert!(t.limits.gpu.is_zero());
        assert_eq!(t.limits.cpu.as_str(), "2");
        assert_eq!(p.default_cpu.as_str(), "100m");
        assert_eq!(
            p.default_env_vars,
            [("A".into(), "1".into()), ("B".into(), "x".into())]
        );
        assert_eq!(p.max_download_bytes, 10 << 20);
        assert_eq!(
            warnings
                .iter()
                .map(|w| w.split(':').next().unwrap())
                .collect::<Vec<_>>(),
            [
                "task_resources.defaults.storage",
                "storage.type",
                "database"
            ]
        );
        assert!(apply_platform_config(&mut p, "task_resources: {defaults: {cpu: lots}}").is_err());
    }
}
