//! The entrypoint's contract, spelled once: the flags of `execute` ([`EntrypointArgs`]) and
//! the resolvers with their loader args ([`Resolver`], [`LoaderArgs`]). Templates are written
//! with these and `execute` parses them back, so the two sides cannot drift apart.
//!
//! ```
//! use flyte_runtime::protocol::{EntrypointArgs, LoaderArgs};
//! let loader = LoaderArgs::Template {
//!     template: LoaderArgs::TEMPLATE_PATH.into(),
//!     executor: "my_crate::MyExecutor".into(),
//! };
//! let argv = EntrypointArgs::placeholders(loader.resolver().name(), loader.to_args()).to_argv();
//! assert_eq!(argv[..2], ["--inputs", "{{.input}}"]);
//! assert_eq!(argv[argv.len() - 2..], ["{{.taskTemplatePath}}", "my_crate::MyExecutor"]);
//! ```

mod args;
mod resolver;

pub use args::EntrypointArgs;
pub use resolver::{LoaderArgs, LoaderArgsError, Resolver};
