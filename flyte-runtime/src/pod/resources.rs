//! Requests and limits as flyteadmin and propeller settle them, with the one algorithm both
//! use (flyteplugins v1.16.8 `flytek8s/container_helper.go`): [`adjust_or_default_resource`]
//! (`AdjustOrDefaultResource`: no request → the limit, else the platform default; no limit →
//! the request; then [`ensure_resource_range`]: both lowered to the platform limit, the
//! request to the limit) and propeller's [`apply_resource_overrides`]
//! (`ApplyResourceOverrides`), with the platform resources flyteadmin hands propeller
//! ([`platform_resources`]). flyteadmin's own pass over the template is `admin.rs`.

use std::fmt;

use super::model::ResourceRequirements;
use super::platform::{Platform, TaskResources};
use super::quantity::Quantity;

/// Why a settled request or limit differs from the task's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No request: the request is the limit.
    FromLimit,
    /// Neither request nor limit: the request is the platform default.
    FromPlatformDefault,
    /// No limit: the limit is the request.
    FromRequest,
    /// Above the platform limit: lowered to it.
    ClampedToPlatformLimit,
    /// A request above its limit: lowered to it.
    ClampedToLimit,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::FromLimit => "defaulted to the limit",
            Reason::FromPlatformDefault => "defaulted to the platform default",
            Reason::FromRequest => "defaulted to the request",
            Reason::ClampedToPlatformLimit => "clamped to the platform limit",
            Reason::ClampedToLimit => "clamped to the limit",
        })
    }
}

/// `flytek8s.ResourceRequirement`, with the steps that made each value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Adjusted {
    pub(crate) request: Quantity,
    pub(crate) limit: Quantity,
    pub(crate) request_why: Vec<Reason>,
    pub(crate) limit_why: Vec<Reason>,
}

/// `AdjustOrDefaultResource(request, limit, platformDefault, platformLimit)`; a zero is unset.
pub(crate) fn adjust_or_default_resource(
    request: &Quantity,
    limit: &Quantity,
    platform_default: &Quantity,
    platform_limit: &Quantity,
) -> Adjusted {
    let (mut request, mut limit) = (request.clone(), limit.clone());
    let (mut request_why, mut limit_why) = (Vec::new(), Vec::new());
    if request.is_zero() {
        if !limit.is_zero() {
            request = limit.clone();
            request_why.push(Reason::FromLimit);
        } else {
            request = platform_default.clone();
            request_why.push(Reason::FromPlatformDefault);
        }
    }
    if limit.is_zero() {
        limit = request.clone();
        limit_why.push(Reason::FromRequest);
    }
    let mut a = ensure_resource_range(&request, &limit, platform_limit);
    request_why.append(&mut a.request_why);
    limit_why.append(&mut a.limit_why);
    Adjusted {
        request_why,
        limit_why,
        ..a
    }
}

/// `ensureResourceLimit`: `value` lowered to `limit`, unless either is zero (unset).
fn ensure_resource_limit(value: &Quantity, limit: &Quantity) -> Option<Quantity> {
    (!value.is_zero() && !limit.is_zero() && value > limit).then(|| limit.clone())
}

/// `ensureResourceRange(request, limit, platformLimit)`: the request and the limit lowered to
/// the platform limit, then the request to the limit. Nothing is raised or filled in.
pub(crate) fn ensure_resource_range(
    request: &Quantity,
    limit: &Quantity,
    platform_limit: &Quantity,
) -> Adjusted {
    let (mut request, mut limit) = (request.clone(), limit.clone());
    let (mut request_why, mut limit_why) = (Vec::new(), Vec::new());
    if let Some(r) = ensure_resource_limit(&request, platform_limit) {
        request = r;
        request_why.push(Reason::ClampedToPlatformLimit);
    }
    if let Some(l) = ensure_resource_limit(&limit, platform_limit) {
        limit = l;
        limit_why.push(Reason::ClampedToPlatformLimit);
    }
    if let Some(r) = ensure_resource_limit(&request, &limit) {
        request = r;
        request_why.push(Reason::ClampedToLimit);
    }
    Adjusted {
        request,
        limit,
        request_why,
        limit_why,
    }
}

/// Whether unset values are filled in (the primary container, init containers) or only
/// clamped (the other containers of a pod template: propeller's
/// `ResourceCustomizationModeEnsureExistingResourcesInRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assign {
    /// `assignIfUnset = true`.
    IfUnset,
    /// `assignIfUnset = false`.
    OnlyClamp,
}

/// The platform resources propeller gets from flyteadmin's `task_resources`
/// (`taskexec_context.go`, `convertTaskResourcesToRequirements`): always the four keys
/// `cpu`, `memory`, `ephemeral-storage` and `nvidia.com/gpu`, zero where unset; then
/// `resolvePlatformDefaults`, which adds the k8s plugin's `default-cpus`/`default-memory`
/// only where the `cpu`/`memory` key is absent, so never.
pub(crate) fn platform_resources(platform: &Platform) -> ResourceRequirements {
    let side = |s: &super::platform::TaskResourceSet| {
        [
            ("cpu", &s.cpu),
            ("memory", &s.memory),
            ("ephemeral-storage", &s.ephemeral_storage),
            ("nvidia.com/gpu", &s.gpu),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    };
    let TaskResources { defaults, limits } = &platform.task_resources;
    let mut r = ResourceRequirements {
        requests: side(defaults),
        limits: side(limits),
        ..ResourceRequirements::default()
    };
    resolve_platform_defaults(&mut r, &platform.default_cpu, &platform.default_memory);
    r
}

/// `resolvePlatformDefaults`: the k8s plugin's defaults where the platform has no request.
fn resolve_platform_defaults(r: &mut ResourceRequirements, cpu: &Quantity, memory: &Quantity) {
    r.requests
        .entry("cpu".to_string())
        .or_insert_with(|| cpu.clone());
    r.requests
        .entry("memory".to_string())
        .or_insert_with(|| memory.clone());
}

/// `ApplyResourceOverrides(resources, platformResources, assignIfUnset)` on a container's
/// resources, the platform resources being [`platform_resources`]: CPU and memory always,
/// ephemeral storage and the GPU (`gpu-resource-name`) only when the container names them.
pub(crate) fn apply_resource_overrides(
    r: &mut ResourceRequirements,
    platform: &Platform,
    mode: Assign,
) {
    let platform_resources = platform_resources(platform);
    adjust_resource_requirement(r, "cpu", &platform_resources, mode);
    adjust_resource_requirement(r, "memory", &platform_resources, mode);
    for name in ["ephemeral-storage", platform.gpu_resource_name.as_str()] {
        if r.requests.contains_key(name) || r.limits.contains_key(name) {
            adjust_resource_requirement(r, name, &platform_resources, mode);
        }
    }
}

/// `adjustResourceRequirement`: in Go a missing entry reads as zero and the result is always
/// written back, so a container that sets nothing gets explicit zeros in clamp mode.
fn adjust_resource_requirement(
    r: &mut ResourceRequirements,
    name: &str,
    platform: &ResourceRequirements,
    mode: Assign,
) {
    let zero = Quantity::zero();
    let get =
        |m: &std::collections::BTreeMap<String, Quantity>| m.get(name).unwrap_or(&zero).clone();
    let (request, limit) = (get(&r.requests), get(&r.limits));
    let platform_limit = get(&platform.limits);
    let a = match mode {
        Assign::IfUnset => {
            adjust_or_default_resource(&request, &limit, &get(&platform.requests), &platform_limit)
        }
        Assign::OnlyClamp => ensure_resource_range(&request, &limit, &platform_limit),
    };
    r.requests.insert(name.to_string(), a.request);
    r.limits.insert(name.to_string(), a.limit);
}

#[cfg(test)]
mod tests {
    use super::{Adjusted, Assign, Reason};
    use crate::pod::model::ResourceRequirements;
    use crate::pod::platform::{Platform, TaskResourceSet, TaskResources};
    use crate::pod::quantity::Quantity;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    fn values(a: &Adjusted) -> (&str, &str) {
        (a.request.as_str(), a.limit.as_str())
    }

    /// `AdjustOrDefaultResource`: the cases of the spec (§1.3).
    #[test]
    fn adjust_or_default_resource() {
        let f = |r, l, d, pl| super::adjust_or_default_resource(&q(r), &q(l), &q(d), &q(pl));
        // Neither: the platform default, the limit the request; the platform limit is no default.
        let a = f("0", "0", "200Mi", "1Gi");
        assert_eq!(values(&a), ("200Mi", "200Mi"));
        assert_eq!(a.request_why, [Reason::FromPlatformDefault]);
        assert_eq!(a.limit_why, [Reason::FromRequest]);
        // A limit only: the request is the limit, not the platform default.
        let a = f("0", "500Mi", "200Mi", "1Gi");
        assert_eq!(values(&a), ("500Mi", "500Mi"));
        assert_eq!(a.request_why, [Reason::FromLimit]);
        // A request only: the limit is the request.
        assert_eq!(values(&f("300m", "0", "2", "2")), ("300m", "300m"));
        // 2Gi asked on flyte-binary (limit 1Gi): both lowered.
        let a = f("2Gi", "0", "200Mi", "1Gi");
        assert_eq!(values(&a), ("1Gi", "1Gi"));
        assert_eq!(a.request_why, [Reason::ClampedToPlatformLimit]);
        assert_eq!(
            a.limit_why,
            [Reason::FromRequest, Reason::ClampedToPlatformLimit]
        );
        // A zero platform limit is no ceiling.
        assert_eq!(values(&f("4", "0", "500m", "0")), ("4", "4"));
        // A zero platform default and nothing asked: zero.
        assert!(f("0", "0", "0", "0").request.is_zero());
    }

    /// `ensureResourceRange`: lowered only, the request to the platform limit and to its own.
    #[test]
    fn ensure_resource_range() {
        let f = |r, l, pl| super::ensure_resource_range(&q(r), &q(l), &q(pl));
        let a = f("2", "1", "4");
        assert_eq!(values(&a), ("1", "1"));
        assert_eq!(a.request_why, [Reason::ClampedToLimit]);
        assert_eq!(values(&f("3", "8", "4")), ("3", "4"));
        assert_eq!(
            values(&f("0", "0", "4")),
            ("0", "0"),
            "nothing is filled in"
        );
        assert_eq!(values(&f("8", "0", "0")), ("8", "0"), "no ceilings");
    }

    /// `convertTaskResourcesToRequirements` then `resolvePlatformDefaults`: the four keys
    /// always, so the k8s plugin's `default-cpus`/`default-memory` never apply.
    #[test]
    fn resolve_platform_defaults() {
        let mut platform = Platform::default();
        platform.task_resources.defaults.cpu = q("0");
        let r = super::platform_resources(&platform);
        assert_eq!(
            r.requests.keys().collect::<Vec<_>>(),
            ["cpu", "ephemeral-storage", "memory", "nvidia.com/gpu"]
        );
        assert!(r.requests["cpu"].is_zero(), "not default-cpus");
        assert_eq!(r.limits["nvidia.com/gpu"].as_str(), "1");
        let mut empty = ResourceRequirements::default();
        super::resolve_platform_defaults(&mut empty, &q("1000m"), &q("1024Mi"));
        assert_eq!(empty.requests["cpu"].as_str(), "1000m");
    }

    fn settle(
        requests: &[(&str, &str)],
        limits: &[(&str, &str)],
        platform: &Platform,
        mode: Assign,
    ) -> String {
        let entries = |e: &[(&str, &str)]| e.iter().map(|(k, v)| (k.to_string(), q(v))).collect();
        let mut r = ResourceRequirements {
            requests: entries(requests),
            limits: entries(limits),
            ..ResourceRequirements::default()
        };
        super::apply_resource_overrides(&mut r, platform, mode);
        let side = |m: &std::collections::BTreeMap<String, Quantity>| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!(
            "requests[{}] limits[{}]",
            side(&r.requests),
            side(&r.limits)
        )
    }

    /// `ApplyResourceOverrides` with flyteadmin's platform resources (propeller's pass, after
    /// flyteadmin's or on a pod template's containers).
    #[test]
    fn apply_resource_overrides() {
        let binary = Platform::default();
        type Entries<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Entries<'_>, Entries<'_>, &str); 5] = [
            (&[], &[], "requests[cpu=2,memory=200Mi] limits[cpu=2,memory=200Mi]"),
            (&[("cpu", "500m")], &[], "requests[cpu=500m,memory=200Mi] limits[cpu=500m,memory=200Mi]"),
            (&[], &[("memory", "2Gi")], "requests[cpu=2,memory=1Gi] limits[cpu=2,memory=1Gi]"),
            (&[("cpu", "2")], &[("cpu", "1")], "requests[cpu=1,memory=200Mi] limits[cpu=1,memory=200Mi]"),
            (
                &[("ephemeral-storage", "1Gi"), ("nvidia.com/gpu", "2")],
                &[],
                "requests[cpu=2,ephemeral-storage=1Gi,memory=200Mi,nvidia.com/gpu=1] limits[cpu=2,ephemeral-storage=1Gi,memory=200Mi,nvidia.com/gpu=1]",
            ),
        ];
        for (requests, limits, want) in cases {
            assert_eq!(settle(requests, limits, &binary, Assign::IfUnset), want);
        }
        // Other containers are only clamped, and get explicit zeros.
        assert_eq!(
            settle(&[("cpu", "4")], &[("cpu", "3")], &binary, Assign::OnlyClamp),
            "requests[cpu=2,memory=0] limits[cpu=2,memory=0]"
        );
        // No ceilings at all (the sandbox's).
        let open = Platform {
            task_resources: TaskResources {
                defaults: TaskResourceSet::new("500m", "1Gi", "0", "0"),
                limits: TaskResourceSet::new("0", "0", "0", "0"),
            },
            ..Platform::default()
        };
        assert_eq!(
            settle(&[("cpu", "4")], &[], &open, Assign::IfUnset),
            "requests[cpu=4,memory=1Gi] limits[cpu=4,memory=1Gi]"
        );
    }
}
