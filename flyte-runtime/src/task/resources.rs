//! Resource requests and limits (cpu, memory, gpu, ephemeral storage) with Kubernetes
//! quantities validated when the task is defined, not when the pod fails to start.

use crate::proto::core::resources::{ResourceEntry, ResourceName};

/// Requests or limits of one task.
///
/// ```
/// use flyte_runtime::task::Resources;
///
/// let r = Resources::new().cpu("500m").mem("1Gi");
/// assert!(r.validate("requests").is_ok());
/// let bad = Resources::new().mem("1 GB");
/// assert_eq!(
///     bad.validate("limits").unwrap_err().to_string(),
///     "limits.mem: \"1 GB\" is not a Kubernetes quantity (e.g. 500m, 2, 1.5, 500Mi, 1Gi, 1G)"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    cpu: Option<String>,
    mem: Option<String>,
    gpu: Option<String>,
    ephemeral_storage: Option<String>,
}

/// A quantity that Kubernetes would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} is not a Kubernetes quantity (e.g. 500m, 2, 1.5, 500Mi, 1Gi, 1G)")]
pub struct QuantityError {
    /// `requests.cpu`, `limits.mem`, …
    pub field: String,
    /// The value given.
    pub value: String,
}

impl Resources {
    /// No requests or limits.
    pub fn new() -> Self {
        Self::default()
    }
    /// CPU cores: `"1"`, `"500m"`.
    #[must_use]
    pub fn cpu(mut self, q: impl Into<String>) -> Self {
        self.cpu = Some(q.into());
        self
    }
    /// Memory: `"500Mi"`, `"1Gi"`.
    #[must_use]
    pub fn mem(mut self, q: impl Into<String>) -> Self {
        self.mem = Some(q.into());
        self
    }
    /// GPUs: `"1"`.
    #[must_use]
    pub fn gpu(mut self, q: impl Into<String>) -> Self {
        self.gpu = Some(q.into());
        self
    }
    /// Ephemeral storage: `"10Gi"`.
    #[must_use]
    pub fn ephemeral_storage(mut self, q: impl Into<String>) -> Self {
        self.ephemeral_storage = Some(q.into());
        self
    }

    /// Checks every quantity; `which` (`requests`/`limits`) prefixes the field in errors.
    pub fn validate(&self, which: &str) -> Result<(), QuantityError> {
        for (name, value) in self.named() {
            if !is_quantity(value) {
                return Err(QuantityError {
                    field: format!("{which}.{name}"),
                    value: value.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The entries in flytekit's order (CPU, GPU, MEMORY, EPHEMERAL_STORAGE).
    pub fn entries(&self) -> Vec<ResourceEntry> {
        [
            (ResourceName::Cpu, &self.cpu),
            (ResourceName::Gpu, &self.gpu),
            (ResourceName::Memory, &self.mem),
            (ResourceName::EphemeralStorage, &self.ephemeral_storage),
        ]
        .into_iter()
        .filter_map(|(name, v)| {
            v.as_ref().map(|value| ResourceEntry {
                name: name as i32,
                value: value.clone(),
            })
        })
        .collect()
    }

    fn named(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("cpu", &self.cpu),
            ("mem", &self.mem),
            ("gpu", &self.gpu),
            ("ephemeral_storage", &self.ephemeral_storage),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
    }
}

/// Whether `s` is a Kubernetes resource quantity: a non-negative decimal number with an
/// optional binary (Ki…Ei), decimal (n, u, m, k, M…E) or exponent suffix.
pub fn is_quantity(s: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E", "",
    ];
    let number_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(number_end);
    let digits = number.trim_start_matches('+');
    let valid_number = !digits.is_empty()
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.trim_start_matches(['+', '-']));
    let valid_suffix = SUFFIXES.contains(&suffix)
        || exponent.is_some_and(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    valid_number && valid_suffix
}

#[cfg(test)]
mod tests {
    use super::is_quantity;

    #[test]
    fn quantities() {
        for ok in [
            "1", "500m", "0.5", "1Gi", "500Mi", "1G", "2e3", "100k", "+1",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "1 GB", "Gi", "1.2.3", "-1", "1gb", "abc", "1e"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }
}
