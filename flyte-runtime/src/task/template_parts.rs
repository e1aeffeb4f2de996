//! The parts every template of ours shares, whatever made it (a task type's instance, an echo
//! task, a reference): the id, the base metadata, the interface's variables and the spec.

use std::collections::{BTreeMap, BTreeSet};

use super::definition_error::DefinitionError;
use super::settings::{runtime_version, SerializationSettings, RUNTIME_FLAVOR};
use crate::proto::admin::{description, Description, DescriptionEntity, TaskSpec};
use crate::proto::core::{
    runtime_metadata::RuntimeType, Identifier, K8sObjectMetadata, LiteralType, ResourceType,
    RetryStrategy, RuntimeMetadata, TaskMetadata, TaskTemplate, Variable, VariableMap,
};

/// The id of task `name` under `settings` (project, domain and version as registration sets them).
pub(crate) fn task_id(name: &str, settings: &SerializationSettings) -> Identifier {
    Identifier {
        resource_type: ResourceType::Task as i32,
        project: settings.project.clone(),
        domain: settings.domain.clone(),
        name: name.to_string(),
        version: settings.version.clone(),
        org: String::new(),
    }
}

/// The metadata every template of ours carries: the runtime, no retries, no deck (a task
/// instance's template turns its deck on, see `TaskInstance::enable_deck`).
pub(crate) fn base_metadata() -> TaskMetadata {
    TaskMetadata {
        runtime: Some(RuntimeMetadata {
            r#type: RuntimeType::FlyteSdk as i32,
            version: runtime_version(),
            flavor: RUNTIME_FLAVOR.to_string(),
        }),
        retries: Some(RetryStrategy::default()),
        generates_deck: Some(false),
        metadata: Some(K8sObjectMetadata::default()),
        ..Default::default()
    }
}

/// Checks that no name is declared twice on one side of an interface.
pub(crate) fn check_unique(
    task: &str,
    which: &str,
    vars: &[(String, LiteralType)],
) -> Result<(), DefinitionError> {
    let mut seen = BTreeSet::new();
    for (name, _) in vars {
        if !seen.insert(name.as_str()) {
            return Err(DefinitionError::Interface {
                task: task.to_string(),
                message: format!("{which} `{name}` is declared twice"),
            });
        }
    }
    Ok(())
}

/// The admin description of an entity documented by `docs`: its first line short, all of
/// it long.
pub(crate) fn description_entity(docs: Option<&str>) -> Option<DescriptionEntity> {
    docs.map(|text| DescriptionEntity {
        short_description: text.lines().next().unwrap_or_default().to_string(),
        long_description: Some(Description {
            content: Some(description::Content::Value(text.to_string())),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The admin `TaskSpec` of a template, with `docs` as its description.
pub(crate) fn spec_with_docs(template: TaskTemplate, docs: Option<&str>) -> TaskSpec {
    TaskSpec {
        template: Some(template),
        description: description_entity(docs),
    }
}

/// `vars` as a VariableMap, each variable described by its name.
pub(crate) fn variable_map(vars: &[(String, LiteralType)]) -> VariableMap {
    described_variable_map(vars, &BTreeMap::new())
}

/// `vars` (names and types) as a VariableMap: the crate's unit tests' shorthand.
#[cfg(test)]
pub(crate) fn variables(vars: &[(&str, LiteralType)]) -> VariableMap {
    let owned: Vec<(String, LiteralType)> = vars
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    variable_map(&owned)
}

/// `vars` as a VariableMap, each variable described by its entry in `descriptions` or, when
/// it has none, by its name: flytekit's `descriptions.get(name, name)`.
pub(crate) fn described_variable_map(
    vars: &[(String, LiteralType)],
    descriptions: &BTreeMap<&str, &str>,
) -> VariableMap {
    VariableMap {
        variables: vars
            .iter()
            .map(|(name, t)| {
                let description = descriptions.get(name.as_str()).copied().unwrap_or(name);
                (
                    name.clone(),
                    Variable {
                        r#type: Some(t.clone()),
                        description: description.to_string(),
                    },
                )
            })
            .collect(),
    }
}

/// The task's name from its template id (empty if it has none).
pub fn task_name(template: &TaskTemplate) -> &str {
    template.id.as_ref().map_or("", |i| i.name.as_str())
}
