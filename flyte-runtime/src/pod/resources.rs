//! Requests and limits as propeller settles them (flyteplugins 1.16
//! `flytek8s/container_helper.go`, `ApplyResourceOverrides` and `AdjustOrDefaultResource`):
//! no limit → the request; no request → the limit; neither → the platform's default request
//! (CPU and memory only); a request above its limit comes down to it. Ephemeral storage and
//! GPUs are settled only when the task names them.

use super::model::ResourceRequirements;
use super::platform::Platform;
use super::quantity::Quantity;

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

/// `ApplyResourceOverrides` on a container's resources.
pub(crate) fn apply_resource_overrides(
    r: &mut ResourceRequirements,
    platform: &Platform,
    mode: Assign,
) {
    let zero = zero();
    adjust(r, "cpu", Some(&platform.default_cpu), mode, &zero);
    adjust(r, "memory", Some(&platform.default_memory), mode, &zero);
    for name in ["ephemeral-storage", platform.gpu_resource_name.as_str()] {
        if r.requests.contains_key(name) || r.limits.contains_key(name) {
            adjust(r, name, None, mode, &zero);
        }
    }
}

fn zero() -> Quantity {
    match "0".parse() {
        Ok(q) => q,
        Err(e) => unreachable!("`0` is a quantity: {e}"),
    }
}

/// `adjustResourceRequirement`: in Go a missing entry reads as zero and the result is always
/// written back, so a container that sets nothing gets explicit zeros in clamp mode.
fn adjust(
    r: &mut ResourceRequirements,
    name: &str,
    platform_default: Option<&Quantity>,
    mode: Assign,
    zero: &Quantity,
) {
    let set = |q: Option<&Quantity>| q.filter(|q| !q.is_zero()).cloned();
    let mut request = set(r.requests.get(name));
    let mut limit = set(r.limits.get(name));
    if mode == Assign::IfUnset {
        if request.is_none() {
            request = limit.clone().or_else(|| platform_default.cloned());
        }
        if limit.is_none() {
            limit = request.clone();
        }
    }
    // ensureResourceRange (no platform limits are modelled): a request above its limit is
    // brought down to the limit.
    if let (Some(req), Some(lim)) = (&request, &limit) {
        if req > lim {
            request = Some(lim.clone());
        }
    }
    r.requests
        .insert(name.to_string(), request.unwrap_or_else(|| zero.clone()));
    r.limits
        .insert(name.to_string(), limit.unwrap_or_else(|| zero.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    fn settle(
        requests: &[(&str, &str)],
        limits: &[(&str, &str)],
        mode: Assign,
    ) -> ResourceRequirements {
        let mut r = ResourceRequirements {
            requests: requests
                .iter()
                .map(|(k, v)| (k.to_string(), q(v)))
                .collect(),
            limits: limits.iter().map(|(k, v)| (k.to_string(), q(v))).collect(),
            ..ResourceRequirements::default()
        };
        apply_resource_overrides(&mut r, &Platform::default(), mode);
        r
    }

    fn text(r: &ResourceRequirements) -> String {
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

    #[test]
    fn limits_default_to_requests_and_requests_to_limits() {
        type Entries<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Entries<'_>, Entries<'_>, &str); 5] = [
            (&[], &[], "requests[cpu=1000m,memory=1024Mi] limits[cpu=1000m,memory=1024Mi]"),
            (&[("cpu", "500m")], &[], "requests[cpu=500m,memory=1024Mi] limits[cpu=500m,memory=1024Mi]"),
            (&[], &[("memory", "2Gi")], "requests[cpu=1000m,memory=2Gi] limits[cpu=1000m,memory=2Gi]"),
            (&[("cpu", "2")], &[("cpu", "1")], "requests[cpu=1,memory=1024Mi] limits[cpu=1,memory=1024Mi]"),
            (
                &[("ephemeral-storage", "1Gi"), ("nvidia.com/gpu", "1")],
                &[],
                "requests[cpu=1000m,ephemeral-storage=1Gi,memory=1024Mi,nvidia.com/gpu=1] limits[cpu=1000m,ephemeral-storage=1Gi,memory=1024Mi,nvidia.com/gpu=1]",
            ),
        ];
        for (requests, limits, want) in cases {
            assert_eq!(text(&settle(requests, limits, Assign::IfUnset)), want);
        }
    }

    #[test]
    fn other_containers_are_only_clamped_and_get_explicit_zeros() {
        assert_eq!(
            text(&settle(&[("cpu", "2")], &[("cpu", "1")], Assign::OnlyClamp)),
            "requests[cpu=1,memory=0] limits[cpu=1,memory=0]"
        );
    }
}
