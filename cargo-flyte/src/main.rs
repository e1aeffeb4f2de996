//! `cargo flyte`: tools for the crates that hold flyte-rs task types.
//!
//! `cargo flyte image` builds the image a Flyte pod runs for a task-type binary: the binary
//! linked statically (`-C target-feature=+crt-static` on the gnu target, TLS by rustls),
//! copied `FROM scratch` with the CA certificates and a `/tmp`. It works for any binary crate
//! that depends on flyte-runtime, wherever it lives:
//!
//! ```sh
//! cargo install --path cargo-flyte        # or: cargo run -p cargo-flyte -- image …
//! cargo flyte image --manifest-path ../greetings/Cargo.toml
//! # -> image greetings:0.1.0
//! ```
//!
//! The build uses the workspace's target directory as cargo reports it (so
//! `CARGO_TARGET_DIR` and `build.target-dir` are honoured) and stages the image's context
//! under `<target dir>/flyte-image/<binary>/`.

mod cargo;
mod dockerfile;
mod elf;
mod error;
mod image;
mod selection;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// `cargo flyte`: tools for flyte-rs task-type crates.
#[derive(Debug, Parser)]
#[command(name = "cargo flyte", bin_name = "cargo flyte", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the FROM-scratch image of a task-type binary (static release build, CA
    /// certificates, /tmp, non-root user).
    Image(ImageArgs),
}

/// The arguments of `cargo flyte image`.
#[derive(Debug, Clone, clap::Args)]
struct ImageArgs {
    /// The crate's (or workspace's) Cargo.toml; default: the one cargo finds from here.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// The package whose binary goes into the image; default: the package of
    /// `--manifest-path`, or the workspace's only binary package that depends on
    /// flyte-runtime.
    #[arg(short, long, value_name = "NAME")]
    package: Option<String>,
    /// The binary; default: the package's only binary.
    #[arg(long, value_name = "NAME")]
    bin: Option<String>,
    /// The image's tag; default: `<binary>:<package version>`.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// The cargo profile of the build.
    #[arg(long, default_value = "release", value_name = "NAME")]
    profile: String,
    /// The CA certificates the image trusts (for S3 or GCS over TLS).
    #[arg(
        long,
        default_value = "/etc/ssl/certs/ca-certificates.crt",
        value_name = "PATH"
    )]
    ca_certificates: PathBuf,
    /// Passed to cargo: require Cargo.lock to be up to date.
    #[arg(long)]
    locked: bool,
    /// Passed to cargo: do not touch the network.
    #[arg(long)]
    offline: bool,
}

fn main() -> ExitCode {
    // As a cargo subcommand (`cargo flyte image`), cargo passes `flyte` as the first
    // argument; run directly (`cargo-flyte image`, `cargo run -p cargo-flyte -- image`), not.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "flyte") {
        args.remove(1);
    }
    let cli = Cli::parse_from(args);
    let result = match cli.command {
        Command::Image(a) => image::build(&image::ImageRequest {
            manifest_path: a.manifest_path,
            package: a.package,
            bin: a.bin,
            tag: a.tag,
            profile: a.profile,
            ca_certificates: a.ca_certificates,
            cargo_flags: [("--locked", a.locked), ("--offline", a.offline)]
                .into_iter()
                .filter(|&(_, on)| on)
                .map(|(flag, _)| flag.to_string())
                .collect(),
        }),
    };
    match result {
        Ok(built) => {
            println!("image: {} ({} bytes)", built.tag, built.size);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cargo flyte image: {e}");
            ExitCode::FAILURE
        }
    }
}
