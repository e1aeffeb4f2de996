//! The contract with the platform, spelt once: every name that crosses the pod boundary. The
//! flags of `execute` ([`EntrypointArgs`]) and the resolvers with their loader args
//! ([`Resolver`], [`LoaderArgs`]); the files under a node's prefixes ([`OutputPrefix`],
//! [`INPUTS_PB`], …); the environment propeller sets and the entrypoint reads
//! ([`env`](mod@env), read once into a [`PodEnv`]); the keys of the pod's labels and
//! annotations (`metadata`). Templates and pods are written with these
//! and `execute` reads them back, so the two sides cannot drift apart.
//!
//! ```
//! use flyte_runtime::contract::{EntrypointArgs, LoaderArgs};
//! let loader = LoaderArgs::Template {
//!     template: LoaderArgs::TEMPLATE_PATH.into(),
//!     executor: "my_crate::MyExecutor".into(),
//! };
//! let argv = EntrypointArgs::placeholders(loader.resolver().name(), loader.to_args()).to_argv();
//! assert_eq!(argv[..2], ["--inputs", "{{.input}}"]);
//! assert_eq!(argv[argv.len() - 2..], ["{{.taskTemplatePath}}", "my_crate::MyExecutor"]);
//! ```

mod args;
pub mod env;
mod files;
pub(crate) mod metadata;
mod resolver;

pub use args::{given_prefix, placeholder, EntrypointArgs, CHECKPOINT_PATH_FLAG, RESOLVER_FLAG};
pub use env::{PodEnv, VarName};
pub use files::{
    is_offloaded_file, join, offloaded_file_name, OutputPrefix, DECK_HTML, ERROR_PB, INPUTS_PB,
    OFFLOADED_SUFFIX, OUTPUTS_PB, TASK_PB, TEMPLATE_PB,
};
pub use resolver::{LoaderArgs, LoaderArgsError, Resolver};
