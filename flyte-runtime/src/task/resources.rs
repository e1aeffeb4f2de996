//! Resource requests and limits (cpu, memory, gpu, ephemeral storage) with Kubernetes
//! quantities validated when the task is defined, not when the pod fails to start.

use crate::pod::Quantity;
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
/// let half_a_byte = Resources::new().mem("500m");
/// assert!(half_a_byte.validate("requests").unwrap_err().to_string().contains("fraction of a byte"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    cpu: Option<String>,
    mem: Option<String>,
    gpu: Option<String>,
    ephemeral_storage: Option<String>,
}

/// A quantity that Kubernetes would refuse, or a memory size that is a fraction of a byte.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} {reason}")]
pub struct QuantityError {
    /// `requests.cpu`, `limits.mem`, …
    pub field: String,
    /// The value given.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

impl QuantityError {
    fn not_a_quantity(field: String, value: &str) -> Self {
        Self {
            field,
            value: value.to_string(),
            reason: "is not a Kubernetes quantity (e.g. 500m, 2, 1.5, 500Mi, 1Gi, 1G)".into(),
        }
    }
}

/// Checks one quantity; `bytes` for memory and storage, which must be whole bytes (`500m` of
/// memory is half a byte, which a container runtime cannot give: almost always a slip for
/// `500Mi`).
pub(crate) fn check_quantity(
    field: String,
    value: &str,
    bytes: bool,
) -> Result<Quantity, QuantityError> {
    let q: Quantity = value
        .parse()
        .map_err(|_| QuantityError::not_a_quantity(field.clone(), value))?;
    if bytes && q.whole_units().is_none() {
        return Err(QuantityError {
            field,
            value: value.to_string(),
            reason: format!(
                "is a fraction of a byte ({} thousandths); write a size such as 500Mi or 1Gi",
                q.millis()
            ),
        });
    }
    Ok(q)
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
            let bytes = matches!(name, "mem" | "ephemeral_storage");
            check_quantity(format!("{which}.{name}"), value, bytes)?;
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
