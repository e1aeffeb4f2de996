//! What becomes of a `run`'s folder when the run has ended (the single run's and the map's):
//! kept or removed, and said so with the folder's path.

use std::path::Path;

use super::run_args::RunArgs;
use crate::proto::core::LiteralMap;

/// What becomes of a run's folder when the run has ended, said on stdout: kept when the user
/// named it (`--dir`) or asked (`--keep`), when the run failed (`outputs` is then why: what
/// it left is what a user looks at), or when its outputs are files in it; else removed, so
/// that runs do not pile up under the temporary directory.
pub(super) fn tidy_run_folder(args: &RunArgs, dir: &Path, outputs: Result<&LiteralMap, &str>) {
    let why_kept = if args.dir.is_some() {
        "given with --dir"
    } else if args.keep {
        "--keep"
    } else {
        match outputs {
            Err(why) => why,
            Ok(outputs) if names_files_in(outputs, dir) => "its outputs are files in it",
            Ok(_) => match std::fs::remove_dir_all(dir) {
                Ok(()) => {
                    println!(
                        "  removed the run folder {} (keep it with --keep)",
                        dir.display()
                    );
                    return;
                }
                Err(e) => {
                    eprintln!(
                        "warning: cannot remove the run folder {}: {e}",
                        dir.display()
                    );
                    return;
                }
            },
        }
    };
    println!(
        "  the run's files are in {} (kept: {why_kept})",
        dir.display()
    );
}

/// Whether a file, directory or table of `outputs` lives under the local folder `dir`.
fn names_files_in(outputs: &LiteralMap, dir: &Path) -> bool {
    let mut inside = false;
    for lit in outputs.literals.values() {
        super::inputs::for_each_location(&mut lit.clone(), &mut |uri| {
            let path = uri.strip_prefix("file://").unwrap_or(uri);
            inside |= Path::new(path).starts_with(dir);
        });
    }
    inside
}
