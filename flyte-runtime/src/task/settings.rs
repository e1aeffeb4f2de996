//! [`SerializationSettings`] and the runtime's versions, as templates carry them.

/// The runtime flavor written into `metadata.runtime` (flytekit writes `python`).
pub const RUNTIME_FLAVOR: &str = "rust";
/// Our crate's version (in `metadata.runtime.version` after the protocol version, and in
/// serialized tasks).
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The flytekit release whose wire protocol this runtime implements.
pub const FLYTEKIT_PROTOCOL_VERSION: &str = "1.16.31";

/// `metadata.runtime.version`: `<flytekit protocol version>+flyte-rs.<our version>` (semver
/// build metadata). Propeller reads the first `x.y.z` of it to decide whether the task may
/// consume offloaded literals (`LiteralOffloadingConfig.IsSupportedSDKVersion`: FLYTE_SDK at
/// least 1.13.14); our own version alone (0.x) would make it refuse them.
///
/// ```
/// assert_eq!(flyte_runtime::task::runtime_version(), format!("1.16.31+flyte-rs.{}", env!("CARGO_PKG_VERSION")));
/// ```
pub fn runtime_version() -> String {
    format!("{FLYTEKIT_PROTOCOL_VERSION}+flyte-rs.{RUNTIME_VERSION}")
}

/// What registration adds to a template: the id's project, domain and version, and
/// optionally another image and extra environment (as `pyflyte package --image/--env`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SerializationSettings {
    /// Project of the task id (empty in a registration package: filled at registration).
    pub project: String,
    /// Domain of the task id.
    pub domain: String,
    /// Version of the task id.
    pub version: String,
    /// Replaces the task type's image when set.
    pub image: Option<String>,
    /// Added to every container's environment.
    pub env: Vec<(String, String)>,
}
