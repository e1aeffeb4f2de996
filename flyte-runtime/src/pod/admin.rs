//! flyteadmin's pass over a container task's resources at launch (flyteadmin v1.16.8
//! `pkg/manager/impl/execution_manager.go`, `setCompiledTaskDefaults`), before propeller
//! sees the task: every missing request and limit filled from `task_resources.defaults`,
//! every value clamped to `task_resources.limits`, with the algorithm propeller uses too
//! ([`adjust_or_default_resource`]).

use std::fmt;

use super::platform::{TaskResourceSet, TaskResources};
use super::quantity::Quantity;
use super::resources::{adjust_or_default_resource, Reason};
use crate::proto::core::resources::{ResourceEntry, ResourceName};
use crate::proto::core::{task_template::Target, Resources, TaskTemplate};

/// A request or a limit that flyteadmin filled in or lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNote {
    /// The resource, as `task_resources` names it (`cpu`, `memory`, `ephemeralStorage`,
    /// `gpu`).
    pub resource: &'static str,
    /// `true` for the limit, `false` for the request.
    pub limit: bool,
    /// What the task asked, if anything.
    pub asked: Option<String>,
    /// What flyteadmin wrote (`Quantity.String()`).
    pub value: String,
    /// Why, in order.
    pub why: Vec<Reason>,
}

impl fmt::Display for ResourceNote {
    /// `memory limit: unset → 1Gi (defaulted to the request, clamped to
    /// task_resources.limits.memory)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = if self.limit { "limit" } else { "request" };
        let asked = self.asked.as_deref().unwrap_or("unset");
        write!(f, "{} {side}: {asked} → {} (", self.resource, self.value)?;
        for (i, why) in self.why.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match why {
                Reason::FromPlatformDefault => {
                    write!(f, "defaulted to task_resources.defaults.{}", self.resource)?
                }
                Reason::ClampedToPlatformLimit => {
                    write!(f, "clamped to task_resources.limits.{}", self.resource)?
                }
                other => write!(f, "{other}")?,
            }
        }
        f.write_str(")")
    }
}

/// `setCompiledTaskDefaults` on `template` with the platform's `task_resources`: for a
/// container task (a `k8s_pod` target is left alone), CPU and memory always; ephemeral
/// storage and the GPU only when the task requests or limits them or the platform has a
/// default for them (a platform limit alone does not count); each settled by
/// [`adjust_or_default_resource`] and written as `Quantity.String()`, in that order, in
/// place of the container's resources (any other entry is dropped). A value that is not a
/// quantity reads as zero (`parseQuantityNoError`). Returns what was filled in or lowered.
pub(crate) fn set_compiled_task_defaults(
    template: &mut TaskTemplate,
    platform: &TaskResources,
) -> Vec<ResourceNote> {
    let Some(Target::Container(container)) = &mut template.target else {
        return Vec::new();
    };
    let resources = container.resources.get_or_insert_with(Resources::default);
    let requests = get_task_resources_as_set(&resources.requests);
    let limits = get_task_resources_as_set(&resources.limits);
    let mut notes = Vec::new();
    let mut settled = Resources::default();
    let sets = |s: &TaskResourceSet| {
        [
            s.cpu.clone(),
            s.memory.clone(),
            s.ephemeral_storage.clone(),
            s.gpu.clone(),
        ]
    };
    let (defaults, ceilings) = (sets(&platform.defaults), sets(&platform.limits));
    let (asked_requests, asked_limits) = (sets(&requests), sets(&limits));
    for (i, (name, key)) in [
        (ResourceName::Cpu, "cpu"),
        (ResourceName::Memory, "memory"),
        (ResourceName::EphemeralStorage, "ephemeralStorage"),
        (ResourceName::Gpu, "gpu"),
    ]
    .into_iter()
    .enumerate()
    {
        let (request, limit) = (&asked_requests[i], &asked_limits[i]);
        let always = i < 2;
        if !always && request.is_zero() && limit.is_zero() && defaults[i].is_zero() {
            continue;
        }
        let a = adjust_or_default_resource(request, limit, &defaults[i], &ceilings[i]);
        for (asked, value, why, entries, is_limit) in [
            (
                request,
                a.request,
                a.request_why,
                &mut settled.requests,
                false,
            ),
            (limit, a.limit, a.limit_why, &mut settled.limits, true),
        ] {
            let value = value.canonical();
            if !why.is_empty() {
                notes.push(ResourceNote {
                    resource: key,
                    limit: is_limit,
                    asked: (!asked.is_zero()).then(|| asked.as_str().to_string()),
                    value: value.as_str().to_string(),
                    why,
                });
            }
            entries.push(ResourceEntry {
                name: name as i32,
                value: value.as_str().to_string(),
            });
        }
    }
    *resources = settled;
    notes
}

/// `getTaskResourcesAsSet`: the entries as a set, the last of a name winning, a value that
/// does not parse as zero.
fn get_task_resources_as_set(entries: &[ResourceEntry]) -> TaskResourceSet {
    let mut set = TaskResourceSet::new("0", "0", "0", "0");
    for e in entries {
        let value: Quantity = e.value.parse().unwrap_or_else(|_| Quantity::zero());
        match ResourceName::try_from(e.name) {
            Ok(ResourceName::Cpu) => set.cpu = value,
            Ok(ResourceName::Memory) => set.memory = value,
            Ok(ResourceName::EphemeralStorage) => set.ephemeral_storage = value,
            Ok(ResourceName::Gpu) => set.gpu = value,
            _ => {}
        }
    }
    set
}

/// flyteadmin's registration check of a container task's resources against the platform's
/// `task_resources.limits` (`validation/task_validator.go`, `validateTaskResources` and
/// `validateResource`, v1.16.8): the error `CreateTask` answers with (InvalidArgument), if
/// any. Only the requests are looped over, compared as `Quantity.Value()` (rounded up to a
/// whole unit, so CPU `600m` under a `500m` limit passes), a platform limit of zero is no
/// limit, and a limit without a request is never checked (it is clamped at launch). Go
/// visits the resources in map order, so when several are wrong any one may be named; here
/// CPU, memory, ephemeral storage, GPU. Messages that Go prints with the task's identifier
/// (`%+v` of a protobuf message) carry `[<task id>]` instead.
pub fn validate_task_resources(
    template: &TaskTemplate,
    platform_limits: &TaskResourceSet,
) -> Result<(), String> {
    let Some(Target::Container(c)) = &template.target else {
        return Ok(());
    };
    let Some(r) = &c.resources else {
        return Ok(());
    };
    let requests = requested_resources_to_quantity(&r.requests)?;
    let limits = requested_resources_to_quantity(&r.limits)?;
    let platform = |name: ResourceName| {
        let q = match name {
            ResourceName::Cpu => &platform_limits.cpu,
            ResourceName::Memory => &platform_limits.memory,
            ResourceName::EphemeralStorage => &platform_limits.ephemeral_storage,
            _ => &platform_limits.gpu,
        };
        (!q.is_zero()).then_some(q)
    };
    let value = |q: &Quantity| q.value();
    let beyond_platform = |name: ResourceName, what: &str, q: &Quantity, p: &Quantity| {
        format!(
            "Requested {} {what} [{}] is greater than current limit set in the platform \
             configuration [{}]. Please contact Flyte Admins to change these limits or consult \
             the configuration",
            name.as_str_name(),
            q.canonical(),
            p.canonical()
        )
    };
    for name in [
        ResourceName::Cpu,
        ResourceName::Memory,
        ResourceName::EphemeralStorage,
        ResourceName::Gpu,
    ] {
        let Some((_, request)) = requests.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let limit = limits.iter().find(|(n, _)| *n == name).map(|(_, q)| q);
        let platform_limit = platform(name);
        if name == ResourceName::Gpu {
            if limit.is_some_and(|l| value(l) != value(request)) {
                return Err(
                    "For extended resource 'gpu' the default value must equal the \
                            limit value for task [<task id>]"
                        .to_string(),
                );
            }
        } else {
            if let Some(l) = limit.filter(|l| value(l) < value(request)) {
                return Err(format!(
                    "Requested {} default [{}] is greater than the limit [{}]. Please fix your \
                     configuration",
                    name.as_str_name(),
                    request.canonical(),
                    l.canonical()
                ));
            }
            if let (Some(l), Some(p)) = (limit, platform_limit) {
                if value(l) > value(p) {
                    return Err(beyond_platform(name, "limit", l, p));
                }
            }
        }
        if let Some(p) = platform_limit.filter(|p| value(request) > value(p)) {
            return Err(beyond_platform(name, "default", request, p));
        }
    }
    Ok(())
}

/// `requestedResourcesToQuantity`: CPU, memory, GPU (a whole number) and ephemeral storage,
/// each at most once and a valid quantity; other names skipped.
fn requested_resources_to_quantity(
    entries: &[ResourceEntry],
) -> Result<Vec<(ResourceName, Quantity)>, String> {
    let mut out: Vec<(ResourceName, Quantity)> = Vec::new();
    for e in entries {
        let name = match ResourceName::try_from(e.name) {
            Ok(
                n @ (ResourceName::Cpu
                | ResourceName::Memory
                | ResourceName::Gpu
                | ResourceName::EphemeralStorage),
            ) => n,
            _ => continue,
        };
        if out.iter().any(|(n, _)| *n == name) {
            return Err(format!(
                "can't specify {} limit for task [<task id>] multiple times",
                name.as_str_name()
            ));
        }
        let q: Quantity = e
            .value
            .parse()
            .map_err(|err: super::quantity::NotAQuantity| {
                format!(
                    "Parsing of {} request failed for value {} - reason  {err}. Please follow K8s \
                 conventions for resources \
                 https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
                    name.as_str_name(),
                    e.value
                )
            })?;
        if name == ResourceName::Gpu && q.millis() % 1000 != 0 {
            return Err(format!(
                "gpu for [<task id>] must be a whole number, got: {} instead",
                e.value
            ));
        }
        out.push((name, q));
    }
    Ok(out)
}

/// The notes of flyteadmin's `setCompiledTaskDefaults` on `template`, without changing it: what
/// `pod` reports.
pub fn flyteadmin_resource_notes(
    template: &TaskTemplate,
    platform: &TaskResources,
) -> Vec<ResourceNote> {
    set_compiled_task_defaults(&mut template.clone(), platform)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::core::Container;

    fn entry(name: ResourceName, value: &str) -> ResourceEntry {
        ResourceEntry {
            name: name as i32,
            value: value.to_string(),
        }
    }

    fn task(requests: Vec<ResourceEntry>, limits: Vec<ResourceEntry>) -> TaskTemplate {
        TaskTemplate {
            target: Some(Target::Container(Container {
                resources: (!requests.is_empty() || !limits.is_empty())
                    .then_some(Resources { requests, limits }),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    /// The resources as `NAME=value` lists, in order.
    fn launched(mut t: TaskTemplate, platform: &TaskResources) -> (String, String) {
        super::set_compiled_task_defaults(&mut t, platform);
        let Some(Target::Container(c)) = t.target else {
            panic!("a container")
        };
        let r = c.resources.unwrap();
        let list = |e: &[ResourceEntry]| {
            e.iter()
                .map(|e| {
                    let name = ResourceName::try_from(e.name).unwrap().as_str_name();
                    format!("{name}={}", e.value)
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        (list(&r.requests), list(&r.limits))
    }

    fn pair(requests: &str, limits: &str) -> (String, String) {
        (requests.to_string(), limits.to_string())
    }

    /// `setCompiledTaskDefaults` (with `getTaskResourcesAsSet`) on flyte-binary's compiled-in
    /// `task_resources` and on others: the spec's cases.
    #[test]
    fn set_compiled_task_defaults() {
        use ResourceName::{Cpu, EphemeralStorage, Gpu, Memory, Storage};
        let binary = TaskResources::default();
        // Nothing asked: admin's defaults, the limit the request (not the platform limit).
        assert_eq!(
            launched(task(vec![], vec![]), &binary),
            pair("CPU=2,MEMORY=200Mi", "CPU=2,MEMORY=200Mi")
        );
        // 2Gi of memory asked: clamped to the 1Gi ceiling, request and limit.
        let t = task(vec![entry(Memory, "2Gi")], vec![]);
        assert_eq!(
            launched(t.clone(), &binary),
            pair("CPU=2,MEMORY=1Gi", "CPU=2,MEMORY=1Gi")
        );
        let notes: Vec<String> = flyteadmin_resource_notes(&t, &binary)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            notes[2],
            "memory request: 2Gi → 1Gi (clamped to task_resources.limits.memory)"
        );
        assert_eq!(
            notes[3],
            "memory limit: unset → 1Gi (defaulted to the request, clamped to task_resources.limits.memory)"
        );
        // A limit only: the request is the limit; written canonically (`1000m` → `1`,
        // `512Mi` stays); other entries (`STORAGE`) dropped, the order fixed.
        assert_eq!(
            launched(
                task(
                    vec![entry(Storage, "1Gi")],
                    vec![entry(Memory, "512Mi"), entry(Cpu, "1000m")]
                ),
                &binary
            ),
            pair("CPU=1,MEMORY=512Mi", "CPU=1,MEMORY=512Mi")
        );
        // Ephemeral storage and GPU only when asked or defaulted by the platform: a GPU asked
        // (2, clamped to the compiled-in ceiling 1); a platform ceiling alone adds nothing.
        assert_eq!(
            launched(task(vec![entry(Gpu, "2")], vec![]), &binary),
            pair("CPU=2,MEMORY=200Mi,GPU=1", "CPU=2,MEMORY=200Mi,GPU=1")
        );
        let mut storage = binary.clone();
        storage.limits.ephemeral_storage = "2Gi".parse().unwrap();
        assert_eq!(
            launched(task(vec![], vec![]), &storage).0,
            "CPU=2,MEMORY=200Mi"
        );
        storage.defaults.ephemeral_storage = "500Mi".parse().unwrap();
        assert_eq!(
            launched(task(vec![], vec![entry(Gpu, "1")]), &storage),
            pair(
                "CPU=2,MEMORY=200Mi,EPHEMERAL_STORAGE=500Mi,GPU=1",
                "CPU=2,MEMORY=200Mi,EPHEMERAL_STORAGE=500Mi,GPU=1"
            )
        );
        // A request that is not a quantity reads as zero: the default.
        assert_eq!(
            launched(
                task(
                    vec![entry(Cpu, "lots"), entry(EphemeralStorage, "0")],
                    vec![]
                ),
                &binary
            )
            .0,
            "CPU=2,MEMORY=200Mi"
        );
        // No ceilings and no defaults (zero): a zero is written, propeller drops it.
        let none = TaskResources {
            defaults: TaskResourceSet::new("0", "0", "0", "0"),
            limits: TaskResourceSet::new("0", "0", "0", "0"),
        };
        assert_eq!(
            launched(task(vec![entry(Cpu, "8")], vec![]), &none),
            pair("CPU=8,MEMORY=0", "CPU=8,MEMORY=0")
        );
        // A k8s_pod target is left alone.
        let mut pod = TaskTemplate {
            target: Some(Target::K8sPod(Default::default())),
            ..Default::default()
        };
        assert!(super::set_compiled_task_defaults(&mut pod, &binary).is_empty());
        assert_eq!(pod.target, Some(Target::K8sPod(Default::default())));
    }

    /// `validateTaskResources`/`validateResource`: registration refuses a request above the
    /// platform's limit, not a limit alone; values compared rounded up to whole units.
    #[test]
    fn validate_resource() {
        use ResourceName::{Cpu, Gpu, Memory};
        let limits = TaskResources::default().limits;
        let check =
            |requests, limits_| super::validate_task_resources(&task(requests, limits_), &limits);
        assert_eq!(
            check(vec![entry(Memory, "2Gi")], vec![]).unwrap_err(),
            "Requested MEMORY default [2Gi] is greater than current limit set in the platform \
             configuration [1Gi]. Please contact Flyte Admins to change these limits or consult \
             the configuration"
        );
        assert!(
            check(vec![], vec![entry(Memory, "2Gi")]).is_ok(),
            "a limit alone: clamped at launch"
        );
        assert_eq!(
            check(vec![entry(Memory, "512Mi")], vec![entry(Memory, "2048Mi")]).unwrap_err(),
            "Requested MEMORY limit [2Gi] is greater than current limit set in the platform \
             configuration [1Gi]. Please contact Flyte Admins to change these limits or consult \
             the configuration"
        );
        assert_eq!(
            check(vec![entry(Cpu, "2")], vec![entry(Cpu, "1")]).unwrap_err(),
            "Requested CPU default [2] is greater than the limit [1]. Please fix your configuration"
        );
        assert!(
            check(vec![entry(Cpu, "600m")], vec![entry(Cpu, "500m")]).is_ok(),
            "1 vs 1"
        );
        assert!(check(vec![entry(Gpu, "1")], vec![entry(Gpu, "1")]).is_ok());
        assert!(check(vec![entry(Gpu, "0.5")], vec![])
            .unwrap_err()
            .contains("whole number"));
        assert!(check(vec![entry(Cpu, "1"), entry(Cpu, "1")], vec![])
            .unwrap_err()
            .contains("multiple times"));
        let open = TaskResourceSet::new("0", "0", "0", "0");
        assert!(
            super::validate_task_resources(&task(vec![entry(Memory, "64Gi")], vec![]), &open)
                .is_ok()
        );
    }
}
