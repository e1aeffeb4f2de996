//! `package --image IMAGE --output FILE [--version V]`: the registration package of every
//! task and map this binary registers, as `pyflyte package` writes it (see
//! [`crate::package`]).

use crate::contract::env::{self, PodEnv};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::package::write_package;
use crate::task::registry;
use crate::task::SerializationSettings;
use crate::task::{AnyTaskInstance, MapTask};

/// Arguments of `package`.
#[derive(Debug, Clone, Args)]
pub struct PackageArgs {
    /// The image every task runs in (replaces each task type's default image).
    #[arg(long)]
    pub image: String,
    /// Where to write the package (a gzipped tar; `flyte-package.tgz` as pyflyte names it).
    #[arg(long, short, default_value = "flyte-package.tgz")]
    pub output: PathBuf,
    /// The version written into every task id (flytectl's `--version` fills it otherwise).
    #[arg(long)]
    pub version: Option<String>,
    /// Extra environment for every container, `KEY=VALUE` (as pyflyte's `--env`).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
}

/// Seconds since the epoch for the archive's entries: `SOURCE_DATE_EPOCH` when set (for
/// reproducible packages), else now.
fn mtime(env: &PodEnv) -> u64 {
    env.number(env::SOURCE_DATE_EPOCH).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    })
}

fn try_package(args: &PackageArgs, caller: &PodEnv) -> Result<(), String> {
    let env = args
        .env
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--env `{kv}` is not KEY=VALUE"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let settings = SerializationSettings {
        version: args.version.clone().unwrap_or_default(),
        image: Some(args.image.clone()),
        env,
        ..SerializationSettings::default()
    };
    let instances = registry::instances().map_err(|e| e.to_string())?;
    let tasks: Vec<&dyn AnyTaskInstance> = instances.iter().map(|i| i.instance.as_ref()).collect();
    let maps = registry::maps().map_err(|e| e.to_string())?;
    let maps: Vec<&MapTask> = maps.iter().map(|m| &m.map).collect();
    let mut bytes = Vec::new();
    let listing = write_package(&tasks, &maps, &settings, mtime(caller), &mut bytes)
        .map_err(|e| e.to_string())?;
    crate::storage::write_local_atomically(&args.output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    println!(
        "wrote {} ({} entities, {} bytes, image {}):",
        args.output.display(),
        listing.len(),
        bytes.len(),
        args.image
    );
    for p in &listing {
        let what = match p.task_type {
            Some(task_type) => format!("task {task_type}"),
            None => p.kind.as_str().to_string(),
        };
        println!("  {:<48} {:<15} {} bytes", p.file, what, p.bytes);
    }
    println!(
        "register with: flytectl register files --archive {} --project P --domain D --version V",
        args.output.display()
    );
    Ok(())
}

pub(crate) fn package(args: PackageArgs, env: &PodEnv) -> ExitCode {
    match try_package(&args, env) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
