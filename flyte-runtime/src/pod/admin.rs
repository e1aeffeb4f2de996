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
}
