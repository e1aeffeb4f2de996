//! `pod TASK`: prints the Kubernetes Pod that flytepropeller 1.16 would create for a
//! registered task (YAML), for an operator to read, diff or `kubectl apply`, under a comment
//! that says which resources flyteadmin filled in or clamped, and by which setting. The
//! same model drives `run --container`.

use crate::contract::PodEnv;
use std::process::ExitCode;

use clap::Args;

use super::inputs::InputArgs;
use super::platform_args::PlatformArgs;
use crate::pod::{
    build_pod, flyteadmin_resource_notes, to_yaml, validate_task_resources, NodeLayout, PodRun,
};
use crate::proto::core::{task_template::Target, TaskTemplate};
use crate::task::registry;
use crate::task::SerializationSettings;

/// Arguments of `pod`.
#[derive(Debug, Clone, Args)]
#[command(after_help = format!("{}\n{}", super::inputs::INPUT_SYNTAX, super::inputs::TASK_HELP_HINT))]
pub struct PodArgs {
    /// The registered task's name (see `list`).
    pub task: String,
    /// The inputs (needed only for `{{.inputs.NAME}}` placeholders).
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The node's metadata prefix: inputs at `<prefix>/inputs.pb`, the template at
    /// `<prefix>/task.pb`, outputs at `<prefix>/<attempt>`.
    #[arg(
        long,
        default_value = "s3://my-s3-bucket/metadata/propeller/run/n0/data"
    )]
    pub prefix: String,
    /// The attempt number.
    #[arg(long, default_value_t = 0)]
    pub attempt: u32,
    /// The execution's name. The pod is named as propeller names it: `<execution>-n0-<attempt>`,
    /// hashed to `f` and 7 characters when over 50 characters, and made a valid Kubernetes
    /// name only when it is not one (`Foo_1` gives `foo1-n0-0`). The task runs as a task
    /// launched on its own, in the workflow flyteadmin generates, `.flytegen.<task>`.
    #[arg(long, default_value = "local")]
    pub execution: String,
    /// Replace the task type's image.
    #[arg(long)]
    pub image: Option<String>,
    /// The task's registered version (registration fills in the id's version; the
    /// project and domain are the execution's).
    #[arg(long, default_value = "local")]
    pub version: String,
    /// The cluster's settings.
    #[command(flatten)]
    pub platform: PlatformArgs,
}

pub(crate) fn pod(args: PodArgs, env: &PodEnv) -> ExitCode {
    match try_pod(&args, env) {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn try_pod(args: &PodArgs, env: &PodEnv) -> Result<String, String> {
    let instance = registry::instance(&args.task)
        .map_err(|e| e.to_string())?
        .instance;
    let run = PodRun::new(
        NodeLayout::under(&args.prefix, args.attempt),
        args.execution.clone(),
        "n0",
        args.attempt,
    );
    let settings = SerializationSettings {
        image: args.image.clone(),
        project: run.project.clone(),
        domain: run.domain.clone(),
        version: args.version.clone(),
        ..SerializationSettings::default()
    };
    let template = instance.template(&settings).map_err(|e| e.to_string())?;
    let vars = template
        .interface
        .as_ref()
        .and_then(|i| i.inputs.clone())
        .unwrap_or_default();
    let inputs = if args.inputs.is_empty() {
        Default::default()
    } else {
        args.inputs
            .literal_map(&args.task, &vars)
            .map_err(|e| e.to_string())?
    };
    let run = run.with_inputs(inputs);
    let platform = args.platform.platform(env)?;
    let pod = build_pod(&template, &run, &platform)
        .map_err(|e| format!("propeller would not create the pod: {e}"))?;
    let yaml = to_yaml(&pod).map_err(|e| format!("cannot write the pod as YAML: {e}"))?;
    Ok(format!(
        "{}{yaml}",
        resources_comment(&template, &platform, &args.platform.source())
    ))
}

/// The YAML comment that says what flyteadmin did to the task's resources at launch
/// (`setCompiledTaskDefaults`) on the platform from `source`.
fn resources_comment(
    template: &TaskTemplate,
    platform: &crate::pod::Platform,
    source: &str,
) -> String {
    let mut out = format!(
        "# Resources: flyteadmin's task_resources ({source}), at launch:
"
    );
    if !matches!(template.target, Some(Target::Container(_))) {
        out.push_str(
            "#   not a container task: left to propeller, which defaults and clamps its\n\
             #   primary and init containers to the same task_resources\n",
        );
        return out;
    }
    // Registration (`CreateTask`) checks the requests against the same limits: a refusal is
    // said, and the pod launch would make of the task is still printed.
    if let Err(e) = validate_task_resources(template, &platform.task_resources.limits) {
        eprintln!("warning: flyteadmin would refuse to register this task: {e}");
        out.push_str(&format!(
            "#   flyteadmin would refuse to register this task: {e}\n"
        ));
    }
    let notes = flyteadmin_resource_notes(template, &platform.task_resources);
    if notes.is_empty() {
        out.push_str(
            "#   as the task set them
",
        );
    }
    for n in notes {
        out.push_str(&format!(
            "#   {n}
"
        ));
    }
    out
}
