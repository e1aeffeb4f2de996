//! Decks in a real browser: headless Chromium (Debian's `chromium`, installed by
//! `tests/setup.sh`) opens the `deck.html` that `run` leaves and shows what a person would
//! see. The sqlite example's deck shows its result rows and the Timeline; a screenshot of it
//! is taken and is not blank; an input holding `<script>` or an `onerror` handler appears as
//! text and runs nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flyte_tests::pod::workspace_bin;

/// The browser, as Debian installs it.
const CHROMIUM: &str = "chromium";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A scratch folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flyte-rs-deck-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// `flyte-examples run ARGS…` in `dir`; returns the deck's path from its `deck:` line.
fn run_for_deck(dir: &Path, args: &[&str]) -> PathBuf {
    let out = Command::new(workspace_bin("flyte-examples"))
        .arg("run")
        .args(args)
        .args(["--dir", &dir.join("run").to_string_lossy()])
        .output()
        .expect("flyte-examples runs");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "run failed:\n{stdout}\n{stderr}");
    let line = stdout
        .lines()
        .chain(stderr.lines())
        .find_map(|l| l.trim().strip_prefix("deck: "))
        .unwrap_or_else(|| panic!("no `deck:` line in what run printed:\n{stdout}\n{stderr}"));
    let deck = PathBuf::from(line.trim());
    assert!(deck.is_file(), "{} is not a file", deck.display());
    deck
}

/// Headless Chromium with `args` on the deck at `page`, with no network at all: a deck must
/// not need one (a proxy that leads nowhere makes any attempt fail instead of waiting).
fn chromium(page: &Path, profile: &Path, args: &[&str]) -> Output {
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot start `{CHROMIUM}` ({e}): run `bash tests/setup.sh`, which installs it")
        });
    assert!(
        out.status.success(),
        "chromium {args:?} failed: {}",
        text(&out.stderr)
    );
    out
}

/// The DOM after the page's scripts ran, as Chromium serializes it.
fn dump_dom(page: &Path, profile: &Path) -> String {
    text(&chromium(page, profile, &["--dump-dom"]).stdout)
}

#[test]
fn the_sqlite_examples_deck_shows_its_rows_and_timeline_in_a_browser() {
    let dir = scratch("sqlite");
    let deck = run_for_deck(&dir, &["examples.sqlite_demo", "--input", "limit=5"]);
    let dom = dump_dom(&deck, &dir.join("profile"));
    // The tabs, the script having run (it marks the first tab and its body active).
    for tab in ["Timeline", "Configuration", "Input", "Output"] {
        assert!(
            dom.contains(&format!(">{tab}</li>")),
            "no tab `{tab}` in:\n{dom}"
        );
    }
    assert!(
        dom.contains("class=\"active\""),
        "the tabs' script did not run:\n{dom}"
    );
    // The Timeline's steps, with their durations.
    for step in ["Read the inputs", "Run the executor", "Write the outputs"] {
        assert!(
            dom.contains(&format!("<td>{step}")),
            "no `{step}` on the Timeline:\n{dom}"
        );
    }
    // The result rows: the author's Query tab previews the result table.
    assert!(dom.contains(">Query</li>"), "no Query tab:\n{dom}");
    // The demo database's first and fifth tracks (examples/src/sqlite/demo.rs).
    for row in [
        "<td>1</td><td>Ownership</td>",
        "<td>5</td><td>Mutex Blues</td>",
    ] {
        assert!(dom.contains(row), "no row `{row}` in the deck:\n{dom}");
    }

    // A screenshot, and it is not blank: many pixels differ from the page's background.
    let shot = dir.join("deck.png");
    chromium(
        &deck,
        &dir.join("profile"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
            "--hide-scrollbars",
        ],
    );
    let (width, height, inked) = ink(&shot);
    assert_eq!((width, height), (1280, 900));
    let share = inked as f64 / (width * height) as f64;
    assert!(
        share > 0.01,
        "the screenshot {} is blank: {inked} of {} pixels differ from the background",
        shot.display(),
        width * height
    );
    println!(
        "screenshot {} ({width}x{height}, {:.1} % inked); deck {}",
        shot.display(),
        share * 100.0,
        deck.display()
    );
    // Kept for a person to look at when FLYTE_RS_KEEP_SCREENSHOT names a file.
    if let Ok(keep) = std::env::var("FLYTE_RS_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).expect("keep the screenshot");
    }
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
}

#[test]
fn an_input_with_markup_is_text_in_the_browser_and_runs_nothing() {
    let dir = scratch("escape");
    let script = "<script>document.title='pwned-by-script'</script>";
    let handler = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
    let label = format!("{script}{handler}");
    let deck = run_for_deck(
        &dir,
        &[
            "examples.add",
            "--input",
            "a=40",
            "--input",
            "b=2",
            "--input",
            &format!("label={label}"),
        ],
    );
    let dom = dump_dom(&deck, &dir.join("profile"));
    // Chromium serializes a text node's `<` and `>` as entities: the label is text.
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned-by-script'&lt;/script&gt;"),
        "the <script> input is not shown as text:\n{dom}"
    );
    assert!(
        dom.contains("&lt;img src=x onerror="),
        "the <img> input is not text:\n{dom}"
    );
    // Nothing ran: no element made of the input, the title and the body untouched.
    assert!(
        dom.contains("<title>Flyte deck</title>"),
        "the input's script ran"
    );
    assert!(
        !dom.contains("data-pwned=\"1\""),
        "the input's onerror handler ran"
    );
    assert!(
        !dom.contains("<img src=\"x\""),
        "the input became an element"
    );
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
}

/// A PNG's size and how many of its pixels differ from its top-left pixel (the page's
/// background).
fn ink(png_file: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).expect("the screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let background = pixels[0];
    let inked = pixels.iter().filter(|p| *p != &background).count();
    (info.width, info.height, inked)
}
