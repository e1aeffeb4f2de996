//! The container a task instance's template runs: image, environment, resources, and the
//! args that start our `execute` entrypoint with the task type's resolver and the loader
//! args that find this task again.

use super::container_task::{ContainerTask, RegisteredExecutor};
use super::definition_error::DefinitionError;
use super::instance::TaskInstance;
use super::registry;
use super::settings::SerializationSettings;
use crate::contract::{EntrypointArgs, LoaderArgs, Resolver};
use crate::proto::core::{Container, KeyValuePair, Resources};

/// The default container args: pyflyte-execute's flags, the resolver, and its loader args
/// (for the task-template resolver: the template path and the executor's path).
///
/// ```
/// let args = flyte_runtime::task::default_args(
///     "my-binary",
///     flyte_runtime::contract::Resolver::Template.name(),
///     &["{{.taskTemplatePath}}".to_string(), "my_crate::MyExecutor".to_string()],
/// );
/// assert_eq!(args[..2], ["my-binary", "execute"]);
/// assert_eq!(args[args.len() - 3..], ["--", "{{.taskTemplatePath}}", "my_crate::MyExecutor"]);
/// ```
pub fn default_args(entrypoint: &str, resolver: &str, loader_args: &[String]) -> Vec<String> {
    let flags = EntrypointArgs::placeholders(resolver, loader_args.to_vec());
    [entrypoint.to_string(), "execute".to_string()]
        .into_iter()
        .chain(flags.to_argv())
        .collect()
}

impl<T: ContainerTask> TaskInstance<T> {
    /// The loader args with which `T::RESOLVER` finds this task at run time (the protocol
    /// module spells them, and `execute` reads them back with it).
    fn loader_args(&self) -> Result<LoaderArgs, DefinitionError> {
        let refused = |message: String| DefinitionError::Resolver {
            task: self.name.clone(),
            resolver: T::RESOLVER,
            message,
        };
        let resolver: Resolver = T::RESOLVER.parse().map_err(|e| refused(format!("{e}")))?;
        match resolver {
            Resolver::Template => Ok(LoaderArgs::Template {
                template: LoaderArgs::TEMPLATE_PATH.to_string(),
                executor: <T::Executor as RegisteredExecutor>::PATH.to_string(),
            }),
            Resolver::Default => Ok(LoaderArgs::TaskName(self.name.clone())),
            Resolver::ClassStorage => {
                let all = registry::instances().map_err(|e| refused(e.to_string()))?;
                all.iter()
                    .position(|i| i.instance.name() == self.name)
                    .map(LoaderArgs::Index)
                    .ok_or_else(|| {
                        refused(
                            "the class-storage resolver finds tasks by their index among the \
                             registered ones, and this task is not registered (register_task!)"
                                .to_string(),
                        )
                    })
            }
            Resolver::Serialized => Err(refused(
                "a serialized task is named by the URI of its file, which a template cannot \
                 know; write one with `execute::serialize_task` and pass its URI as the loader \
                 arg"
                .to_string(),
            )),
            Resolver::Map => Err(refused(
                "the map resolver runs one element of a map over another task; a task type's \
                 own resolver is one of the others, and a map's template is made from the \
                 mapped task's (`task::map_template`)"
                    .to_string(),
            )),
        }
    }

    pub(super) fn container(
        &self,
        settings: &SerializationSettings,
    ) -> Result<Container, DefinitionError> {
        let args = match &self.command {
            Some(args) => args.clone(),
            None => default_args(T::ENTRYPOINT, T::RESOLVER, &self.loader_args()?.to_args()),
        };
        Ok(Container {
            image: settings.image.clone().unwrap_or_else(T::image),
            command: Vec::new(),
            args,
            resources: Some(Resources {
                requests: self.requests.entries(),
                limits: self.limits.entries(),
            }),
            env: self
                .env
                .iter()
                .chain(settings.env.iter())
                .map(|(key, value)| KeyValuePair {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
            ..Default::default()
        })
    }
}
