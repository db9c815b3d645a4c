//! What every log-reading subcommand does the same way: read and filter,
//! decide on colour, write the output, report warnings.

use crate::cli::{ColorChoice, CommonArgs};
use crate::input::{self, InputSpec};
use crate::model::{PodReport, Report, Summary};
use crate::pipeline::{self, Options};
use crate::report::{self, RenderOptions};
use crate::time::{parse_rfc3339_prefix, Instant, Zone};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Time-reading options from `--year` and `--tz`.
pub fn options(common: &CommonArgs) -> Result<Options, String> {
    let zone = Zone::parse(&common.tz).map_err(|e| format!("--tz: {e}"))?;
    Ok(Options { year: common.year, zone, fallback_span: None })
}

/// Reads the inputs and applies the Pod filters.
pub fn load(paths: &[String], common: &CommonArgs) -> Result<Report, Box<dyn std::error::Error>> {
    let opts = options(common)?;
    let (specs, warnings) = input::discover(paths)?;
    load_specs(&specs, warnings, common, &opts)
}

/// Like [`load`], for inputs already discovered.
pub fn load_specs(
    specs: &[InputSpec],
    mut warnings: Vec<String>,
    common: &CommonArgs,
    opts: &Options,
) -> Result<Report, Box<dyn std::error::Error>> {
    let since = parse_bound("--since", common.since.as_deref(), &opts.zone)?;
    let until = parse_bound("--until", common.until.as_deref(), &opts.zone)?;
    let mut report = pipeline::analyze(specs, opts)?;
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    filter(&mut report, common, since, until);
    if !common.pod.is_empty() && report.pods.is_empty() {
        report.warnings.push(format!("no Pod matches --pod {}", common.pod.join(", ")));
    }
    Ok(report)
}

/// Applies the Pod filters (`--pod`, `-n`, `--node`, `--since`, `--until`) to a report.
pub fn filter_report(mut report: Report, common: &CommonArgs) -> Result<Report, Box<dyn std::error::Error>> {
    report_filter(common)?(&mut report);
    Ok(report)
}

/// The `--pod`/`--namespace`/`--node`/`--since`/`--until` selection as a
/// function, for applying to each node's report as it is made (`audit`).
pub fn report_filter(common: &CommonArgs) -> Result<impl Fn(&mut Report) + Sync + '_, Box<dyn std::error::Error>> {
    let opts = options(common)?;
    let since = parse_bound("--since", common.since.as_deref(), &opts.zone)?;
    let until = parse_bound("--until", common.until.as_deref(), &opts.zone)?;
    Ok(move |report: &mut Report| filter(report, common, since, until))
}

/// True when output goes to a terminal (and not to `--out`).
pub fn to_terminal(common: &CommonArgs) -> bool {
    common.out.is_none() && std::io::stdout().is_terminal()
}

/// Colour and width for terminal renderers.
pub fn render_options(common: &CommonArgs) -> RenderOptions {
    let tty = to_terminal(common);
    RenderOptions { color: use_color(common.color, tty), width: table_width(common.out.is_none(), tty) }
}

/// Whether to colour output: `--color always`/`never` decide; `auto` colours
/// only a terminal, and not when `NO_COLOR` is set (non-empty) or `TERM=dumb`.
pub fn use_color(choice: ColorChoice, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !env_set("NO_COLOR") && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
    }
}

/// The width tables must fit: `COLUMNS` when set (for stdout), else the
/// terminal's width as comfy-table detects it, else none (no wrapping).
pub fn table_width(to_stdout: bool, tty: bool) -> Option<u16> {
    if !to_stdout {
        return None;
    }
    columns_env().or_else(|| if tty { comfy_table::Table::new().width() } else { None })
}

/// Writes the rendered output to `--out` (never leaving it half-written, see
/// [`write_file_atomically`]) or to stdout (a closed pipe, as with `| head`,
/// is not an error).
pub fn write_output(out: Option<&str>, text: &str) -> Result<(), String> {
    write_output_with(out, &|w| w.write_all(text.as_bytes()))
}

/// Output written by `write` (which may be called twice, see
/// [`write_file_atomically`]) to `--out FILE` or stdout, buffered.
pub fn write_output_with(out: Option<&str>, write: Writes) -> Result<(), String> {
    match out {
        Some(path) => {
            write_file_atomically_with(Path::new(path), write).map_err(|e| format!("{path}: cannot write: {}", input::io_reason(&e)))
        }
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut stdout).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: cannot write: {}", input::io_reason(&e))),
                _ => Ok(()),
            }
        }
    }
}

/// Writes a whole output to the writer it is given.
pub type Writes<'a> = &'a dyn Fn(&mut dyn Write) -> std::io::Result<()>;

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// renamed over `path` once complete, so an interrupted run (Ctrl-C, a full
/// disk) never leaves a truncated report. A symlink is followed; special
/// files (`/dev/stdout`, FIFOs) are written directly.
///
/// A read-only file stays untouched (permission denied), as with a plain
/// write; in a directory that allows no new file, the file is written in place.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file_atomically_with(path, &|w| w.write_all(bytes))
}

/// [`write_file_atomically`], the file's content written by `write`.
pub fn write_file_atomically_with(path: &Path, write: Writes) -> std::io::Result<()> {
    let target = resolve_symlink(path);
    let meta = std::fs::metadata(&target).ok();
    if meta.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(std::io::ErrorKind::PermissionDenied.into());
    }
    let special = meta.is_some_and(|m| !m.is_file() && !m.is_dir());
    let Some(tmp) = temp_path(&target).filter(|_| !special) else {
        return write_in_place(&target, write);
    };
    let result = write_new(&tmp, write, &target).and_then(|_| std::fs::rename(&tmp, &target));
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && !tmp.exists() => write_in_place(&target, write),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
        Ok(()) => Ok(()),
    }
}

/// The file a symlink points to (the link itself stays), or `path`.
fn resolve_symlink(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// `dir/.NAME.PID.tmp` next to `path`; `None` when `path` names no file.
fn temp_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(dir.join(format!(".{name}.{}.tmp", std::process::id())))
}

/// Creates or truncates `path` and writes it.
fn write_in_place(path: &Path, write: Writes) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
    write(&mut w)?;
    w.flush()
}

/// Creates `tmp` (it must not exist), writes and syncs it, with the
/// permissions of `like` when that file exists.
fn write_new(tmp: &Path, write: Writes, like: &Path) -> std::io::Result<()> {
    let f = std::fs::OpenOptions::new().write(true).create_new(true).open(tmp)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
    write(&mut w)?;
    let f = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    f.sync_all()?;
    if let Ok(meta) = std::fs::metadata(like) {
        std::fs::set_permissions(tmp, meta.permissions())?;
    }
    Ok(())
}

/// Prints warnings (and with `-v` per-input counts) on stderr.
pub fn print_warnings(report: &Report, common: &CommonArgs) {
    if common.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for w in &report.warnings {
        let _ = writeln!(err, "podmortem: warning: {}", report::sanitize(w));
    }
    if common.verbose {
        for i in &report.inputs {
            let _ = writeln!(
                err,
                "podmortem: {}: {} lines, {} recognized, {} skipped [{}]",
                report::sanitize(&i.path),
                i.lines,
                i.recognized,
                i.skipped,
                i.formats.join(", ")
            );
            // Lines that looked relevant but no parser understood: a parser gap made visible.
            for sample in &i.samples {
                let _ = writeln!(err, "podmortem:   not understood: {}", report::sanitize(sample));
            }
        }
    }
}

fn parse_bound(flag: &str, v: Option<&str>, zone: &Zone) -> Result<Option<Instant>, String> {
    let Some(v) = v else { return Ok(None) };
    let (st, used) =
        parse_rfc3339_prefix(v).ok_or_else(|| format!("{flag}: expected an RFC 3339 time such as 2026-04-16T11:53:40Z, got {v:?}"))?;
    if used != v.len() {
        return Err(format!("{flag}: unexpected text after the time in {v:?}"));
    }
    st.resolve(0, zone).map(Some).ok_or_else(|| format!("{flag}: {v:?} is not a valid time"))
}

/// True when `sel` (NS/NAME, NAME, UID or a container ID prefix) names the Pod.
pub fn matches_pod(p: &PodReport, sel: &str) -> bool {
    if p.uid.as_deref() == Some(sel) {
        return true;
    }
    match sel.split_once('/') {
        Some((ns, name)) => p.namespace.as_deref() == Some(ns) && p.name.as_deref() == Some(name),
        None => {
            p.name.as_deref() == Some(sel)
                || p.containers.iter().any(|c| c.id.as_deref().is_some_and(|id| id.starts_with(sel) && sel.len() >= 6))
        }
    }
}

fn filter(report: &mut Report, common: &CommonArgs, since: Option<Instant>, until: Option<Instant>) {
    // A node directory named otherwise than its host is found by either name.
    let on_node = |node: &str, p: &PodReport| {
        p.node.as_deref().is_some_and(|n| n == node || report.node_dirs.iter().any(|(dir, host)| dir == node && host == n))
    };
    report.pods.retain(|p| {
        let start = p.stages.first().map(|s| s.at);
        (common.pod.is_empty() || common.pod.iter().any(|s| matches_pod(p, s)))
            && common.namespace.as_ref().is_none_or(|n| p.namespace.as_ref() == Some(n))
            && common.node.as_deref().is_none_or(|n| on_node(n, p))
            && since.is_none_or(|s| start.is_some_and(|t| t >= s))
            && until.is_none_or(|u| start.is_some_and(|t| t <= u))
    });
    report.summary = Summary::of(&report.pods);
}

/// `COLUMNS` as a width, when set to a positive number.
fn columns_env() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()).filter(|&w| w > 0)
}

/// True when the variable is set to a non-empty value.
fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn out_file_is_replaced_whole_and_no_temp_is_left() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("report.json");
        write_file_atomically(&f, b"first, longer content\n").unwrap();
        write_file_atomically(&f, b"second\n").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"second\n");
        assert_eq!(names(d.path()), ["report.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_and_symlinks_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("out.txt");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = d.path().join("link.txt");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        write_file_atomically(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn a_directory_is_an_error_and_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(write_file_atomically(&sub, b"x").is_err());
        assert_eq!(names(d.path()), ["sub"]);
        assert!(write_output(Some(d.path().join("missing/dir/x.json").to_str().unwrap()), "x").unwrap_err().contains("cannot write"));
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_directly() {
        write_file_atomically(Path::new("/dev/null"), b"discarded").unwrap();
    }
}
