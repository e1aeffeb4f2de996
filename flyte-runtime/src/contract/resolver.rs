//! The resolvers: each one's name in `--resolver`, the loader args it takes after `--`
//! ([`LoaderArgs`], written into templates and parsed back by `execute`), and their usage text.
//!
//! | `--resolver` | loader args | loads |
//! |---|---|---|
//! | `flyte_rs.task_template_resolver` | `<template URI> <executor path>` | the template propeller wrote, and the registered executor; the task object is never rebuilt |
//! | `flyte_rs.default_task_resolver` | `task-name <name>` | a task instance registered in this binary, by name |
//! | `flyte_rs.class_storage_resolver` | `<index>` | a registered task instance by its index in the name-sorted registry |
//! | `flyte_rs.serialized_task_resolver` | `<URI of a serialized task>` | a task serialized by [`serialize_task`](crate::execute::serialize_task), only by the same runtime version |
//! | `flyte_rs.map_task_resolver` | `vars <bound inputs, comma-separated> resolver <resolver> <its loader args>` | one element of a map (an ArrayNode): the task another resolver finds, run on the element of each list input at the pod's index (flytekit's `ArrayNodeMapTaskResolver` args) |
//!
//! Finding the task itself (the registry, storage) is [`execute::resolve`](crate::execute::resolve)'s job.

use std::fmt;
use std::str::FromStr;

/// One of this runtime's resolvers.
///
/// ```
/// use flyte_runtime::contract::Resolver;
/// let r: Resolver = "flyte_rs.default_task_resolver".parse().unwrap();
/// assert_eq!(r, Resolver::Default);
/// assert_eq!(r.usage(), "task-name <name>");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolver {
    /// The task-template resolver (flytekit's `default_task_template_resolver`): the
    /// template propeller wrote, and the executor registered at a path.
    Template,
    /// A registered task instance by name (flytekit's `default_task_resolver`).
    Default,
    /// A registered task instance by its index (flytekit's `ClassStorageTaskResolver`).
    ClassStorage,
    /// A serialized task (where flytekit's notebook/pickle resolver stands).
    Serialized,
    /// One element of a map over lists (flytekit's `ArrayNodeMapTaskResolver`): the task
    /// another resolver finds, run on the elements at the pod's array index.
    Map,
}

impl Resolver {
    /// Every resolver this runtime has.
    pub const ALL: [Resolver; 5] = [
        Resolver::Template,
        Resolver::Default,
        Resolver::ClassStorage,
        Resolver::Serialized,
        Resolver::Map,
    ];

    /// Its name in `--resolver`.
    pub const fn name(self) -> &'static str {
        match self {
            Resolver::Template => "flyte_rs.task_template_resolver",
            Resolver::Default => "flyte_rs.default_task_resolver",
            Resolver::ClassStorage => "flyte_rs.class_storage_resolver",
            Resolver::Serialized => "flyte_rs.serialized_task_resolver",
            Resolver::Map => "flyte_rs.map_task_resolver",
        }
    }

    /// What it expects after `--`.
    pub const fn usage(self) -> &'static str {
        match self {
            Resolver::Template => "<template URI> <executor path>",
            Resolver::Default => "task-name <name>",
            Resolver::ClassStorage => "<index>",
            Resolver::Serialized => "<URI of a serialized task>",
            Resolver::Map => "vars <bound inputs> resolver <resolver> <its loader args>",
        }
    }
}

impl fmt::Display for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Resolver {
    type Err = LoaderArgsError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Resolver::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| LoaderArgsError::UnknownResolver {
                name: name.to_string(),
            })
    }
}

/// The loader args of one resolver, typed: what a template carries after `--`.
///
/// ```
/// use flyte_runtime::contract::{LoaderArgs, Resolver};
/// let args = LoaderArgs::TaskName("examples.add".into());
/// let argv = args.to_args();
/// assert_eq!(argv, ["task-name", "examples.add"]);
/// assert_eq!(LoaderArgs::parse(Resolver::Default.name(), &argv).unwrap(), args);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoaderArgs {
    /// [`Resolver::Template`]: the template's URI (in a template, propeller's
    /// `{{.taskTemplatePath}}`) and the registered executor's path.
    Template {
        /// Where the template is.
        template: String,
        /// The executor's registered path (`crate::module::Type`).
        executor: String,
    },
    /// [`Resolver::Default`]: a registered task's name.
    TaskName(String),
    /// [`Resolver::ClassStorage`]: a registered task's index among the registered ones,
    /// sorted by name.
    Index(usize),
    /// [`Resolver::Serialized`]: the URI of a serialized task.
    Serialized(String),
    /// [`Resolver::Map`]: one element of a map over the task `inner` finds.
    Map {
        /// The inputs every element gets whole (the rest are lists, indexed).
        bound: Vec<String>,
        /// How the mapped task is found (any resolver but another map).
        inner: Box<LoaderArgs>,
    },
}

impl LoaderArgs {
    /// The placeholder propeller fills with the template's path.
    pub const TEMPLATE_PATH: &'static str = super::placeholder::TASK_TEMPLATE_PATH;

    /// The resolver that reads these args.
    pub fn resolver(&self) -> Resolver {
        match self {
            LoaderArgs::Template { .. } => Resolver::Template,
            LoaderArgs::TaskName(_) => Resolver::Default,
            LoaderArgs::Index(_) => Resolver::ClassStorage,
            LoaderArgs::Serialized(_) => Resolver::Serialized,
            LoaderArgs::Map { .. } => Resolver::Map,
        }
    }

    /// The args as written after `--`.
    pub fn to_args(&self) -> Vec<String> {
        match self {
            LoaderArgs::Template { template, executor } => vec![template.clone(), executor.clone()],
            LoaderArgs::TaskName(name) => vec!["task-name".to_string(), name.clone()],
            LoaderArgs::Index(index) => vec![index.to_string()],
            LoaderArgs::Serialized(uri) => vec![uri.clone()],
            LoaderArgs::Map { bound, inner } => {
                let mut bound = bound.clone();
                bound.sort();
                let mut args = vec![
                    "vars".to_string(),
                    bound.join(","),
                    "resolver".to_string(),
                    inner.resolver().name().to_string(),
                ];
                args.extend(inner.to_args());
                args
            }
        }
    }

    /// Reads the args that follow `--` for the resolver named `resolver`.
    pub fn parse(resolver: &str, args: &[String]) -> Result<Self, LoaderArgsError> {
        let resolver: Resolver = resolver.parse()?;
        let wrong = || LoaderArgsError::Shape {
            resolver,
            got: args.to_vec(),
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match (resolver, args.as_slice()) {
            (Resolver::Template, [template, executor]) => Ok(LoaderArgs::Template {
                template: template.to_string(),
                executor: executor.to_string(),
            }),
            (Resolver::Default, ["task-name", name]) => Ok(LoaderArgs::TaskName(name.to_string())),
            (Resolver::ClassStorage, [index]) => {
                index.parse().map(LoaderArgs::Index).map_err(|_| wrong())
            }
            (Resolver::Serialized, [uri]) => Ok(LoaderArgs::Serialized(uri.to_string())),
            (Resolver::Map, ["vars", bound, "resolver", inner, rest @ ..]) => {
                if inner.parse::<Resolver>()? == Resolver::Map {
                    return Err(wrong());
                }
                let rest: Vec<String> = rest.iter().map(|a| a.to_string()).collect();
                Ok(LoaderArgs::Map {
                    bound: bound
                        .split(',')
                        .filter(|b| !b.is_empty())
                        .map(str::to_string)
                        .collect(),
                    inner: Box::new(LoaderArgs::parse(inner, &rest)?),
                })
            }
            _ => Err(wrong()),
        }
    }
}

/// Why `--resolver` and the args after `--` do not name a task.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoaderArgsError {
    /// No resolver has this name.
    #[error("unknown resolver `{name}`; this binary has: {}", known())]
    UnknownResolver {
        /// The name given.
        name: String,
    },
    /// The args do not fit the resolver.
    #[error("resolver `{resolver}` expects loader args `{}` after `--`, got {got:?}", .resolver.usage())]
    Shape {
        /// The resolver.
        resolver: Resolver,
        /// What was given.
        got: Vec<String>,
    },
}

fn known() -> String {
    Resolver::ALL.map(Resolver::name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resolver_reads_back_what_it_writes() {
        for args in [
            LoaderArgs::Template {
                template: LoaderArgs::TEMPLATE_PATH.into(),
                executor: "c::m::Exec".into(),
            },
            LoaderArgs::TaskName("t".into()),
            LoaderArgs::Index(7),
            LoaderArgs::Serialized("s3://b/t.pb".into()),
            LoaderArgs::Map {
                bound: vec!["b".into(), "c".into()],
                inner: Box::new(LoaderArgs::TaskName("t".into())),
            },
            LoaderArgs::Map {
                bound: vec![],
                inner: Box::new(LoaderArgs::Template {
                    template: LoaderArgs::TEMPLATE_PATH.into(),
                    executor: "c::m::Exec".into(),
                }),
            },
        ] {
            let name = args.resolver().name();
            assert_eq!(name.parse::<Resolver>(), Ok(args.resolver()));
            assert_eq!(LoaderArgs::parse(name, &args.to_args()), Ok(args));
        }
    }

    #[test]
    fn wrong_args_name_the_resolver_and_its_usage() {
        let e = LoaderArgs::parse("flyte_rs.class_storage_resolver", &["x".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "resolver `flyte_rs.class_storage_resolver` expects loader args `<index>` after `--`, got [\"x\"]"
        );
        // A map of a map is not a task any resolver finds.
        let nested = [
            "vars",
            "",
            "resolver",
            "flyte_rs.map_task_resolver",
            "vars",
            "",
            "resolver",
        ];
        let nested: Vec<String> = nested.iter().map(|s| s.to_string()).collect();
        assert!(LoaderArgs::parse("flyte_rs.map_task_resolver", &nested).is_err());
        let e = LoaderArgs::parse("nope", &[]).unwrap_err();
        assert!(
            e.to_string().contains("flyte_rs.serialized_task_resolver"),
            "{e}"
        );
    }
}
