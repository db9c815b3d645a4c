//! podmortem as a shell tool: completion scripts that shells accept and that
//! complete, a man page that renders, `--help` with examples, `--version`
//! with the git revision, colour only where it belongs, a table that fits
//! the terminal, the `kubectl-podmortem` plugin binary, and Ctrl-C.
//!
//! Shells, `groff` and util-linux `script` (for a pseudo-terminal) are used
//! when the machine has them; without them the test checks what it can
//! without and says so on stderr.

use assert_cmd::cargo::cargo_bin;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const SEED: &str = "fixtures/seed-article";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin(name: &str) -> Command {
    let mut c = Command::cargo_bin(name).unwrap();
    c.current_dir(root()).env_remove("NO_COLOR").env_remove("COLUMNS").env_remove("TERM");
    c
}

/// stdout of a successful `podmortem ARGS`.
fn run(args: &[&str]) -> String {
    let out = bin("podmortem").args(args).output().unwrap();
    assert!(out.status.success(), "podmortem {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// True when `program` can be run (`program --version` or similar succeeds).
fn have(program: &str, arg: &str) -> bool {
    std::process::Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn skip(what: &str) {
    eprintln!("skipped: {what}");
}

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn has_ansi(s: &str) -> bool {
    s.contains('\u{1b}')
}

/// Widest line, in terminal columns (the table uses single-width characters).
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.trim_end_matches('\r').chars().count()).max().unwrap_or(0)
}

/// The table's lines (without the summary and hint lines below it).
fn table_lines(text: &str) -> String {
    text.lines().filter(|l| l.starts_with(['┌', '│', '╞', '├', '└'])).collect::<Vec<_>>().join("\n")
}

// ------------------------------------------------------------------ completions

#[test]
fn bash_script_parses() {
    let script = run(&["completions", "bash"]);
    assert!(script.contains("complete -F _podmortem_paths") && script.contains("kubectl-podmortem"));
    if !have("bash", "--version") {
        return skip("bash not installed");
    }
    let d = tempfile::tempdir().unwrap();
    let f = write_temp(d.path(), "podmortem.bash", &script);
    let st = std::process::Command::new("bash").arg("-n").arg(&f).status().unwrap();
    assert!(st.success(), "bash -n rejects the completion script");
}

#[test]
fn zsh_script_parses() {
    let script = run(&["completions", "zsh"]);
    assert!(script.starts_with("#compdef podmortem kubectl-podmortem\n"), "{}", &script[..60]);
    assert!(script.contains("_podmortem()") && script.contains("'--output=[Output format]"));
    // The implied `analyze`: a PATH may come first, and PATHs follow PATHs.
    assert!(
        script.contains("\":: : _alternative 'commands:command:_podmortem_commands' 'files:path:_files'\""),
        "first word: command or path"
    );
    assert!(script.contains("            (*)\n_files\n;;\n"), "words after a PATH are PATHs");
    assert!(script.contains("compdef _podmortem podmortem kubectl-podmortem"));
    if !have("zsh", "--version") {
        return skip("zsh not installed: structure checked only");
    }
    let d = tempfile::tempdir().unwrap();
    let f = write_temp(d.path(), "_podmortem", &script);
    let st = std::process::Command::new("zsh").arg("-n").arg(&f).status().unwrap();
    assert!(st.success(), "zsh -n rejects the completion script");
}

#[test]
fn fish_script_parses() {
    let script = run(&["completions", "fish"]);
    assert!(script.contains("complete -c podmortem") && script.contains("complete -c kubectl-podmortem --wraps podmortem"));
    assert!(script.contains("2>/dev/null\n    or return 0\n"), "top-level option values complete");
    if !have("fish", "--version") {
        return skip("fish not installed: structure checked only");
    }
    let d = tempfile::tempdir().unwrap();
    let f = write_temp(d.path(), "podmortem.fish", &script);
    let st = std::process::Command::new("fish").arg("--no-execute").arg(&f).status().unwrap();
    assert!(st.success(), "fish --no-execute rejects the completion script");
}

/// What bash offers for the words of a command line (the last one being
/// completed), as the completion function leaves it in COMPREPLY; `<files>`
/// when it hands over to bash's file name completion.
fn bash_complete(script: &Path, words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let driver = format!(
        r#"source '{script}'
compopt() {{ :; }}
COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=()
f=$(complete -p "${{COMP_WORDS[0]}}" | sed -E 's/.*-F ([^ ]+).*/\1/')
"$f" "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
if [ ${{#COMPREPLY[@]}} -eq 0 ]; then echo '<files>'; else echo "${{COMPREPLY[*]}}"; fi
"#,
        script = script.display(),
        words = quoted.join(" ")
    );
    let out = std::process::Command::new("bash").arg("-c").arg(driver).current_dir(root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn bash_completes_subcommands_options_values_and_files() {
    if !have("bash", "--version") {
        return skip("bash not installed");
    }
    let d = tempfile::tempdir().unwrap();
    let f = write_temp(d.path(), "podmortem.bash", &run(&["completions", "bash"]));
    let cases: [(&[&str], &str); 11] = [
        (&["podmortem", ""], "analyze audit merge check completions man help"),
        (&["podmortem", "a"], "analyze audit"),
        (&["podmortem", "fix"], "<files>"),
        (&["podmortem", "-o", ""], "table wide json jsonl markdown html"),
        (&["podmortem", "--col"], "--color"),
        (&["podmortem", "--color", ""], "auto always never"),
        (&["podmortem", "analyze", ""], "<files>"),
        (&["podmortem", "check", "--fail-on", "sig"], "sigkill signal_exit"),
        (&["podmortem", "completions", "z"], "zsh"),
        (&["kubectl-podmortem", "-o", "js"], "json jsonl"),
        (&["podmortem", SEED, "--pod", ""], ""),
    ];
    for (words, want) in cases {
        assert_eq!(bash_complete(&f, words), want, "completing {words:?}");
    }
    let opts = bash_complete(&f, &["podmortem", "audit", "--"]);
    for o in ["--output", "--jobs", "--shard", "--top", "--color"] {
        assert!(opts.split(' ').any(|w| w == o), "audit -- offers {o}: {opts}");
    }
}

// ------------------------------------------------------------------ man page

#[test]
fn man_page_is_roff_with_every_section() {
    let page = run(&["man"]);
    assert!(page.lines().any(|l| l.starts_with(".TH PODMORTEM 1 ")), "{}", &page[..200]);
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "\"COMMON OPTIONS\"", "ENVIRONMENT", "\"EXIT STATUS\"", "EXAMPLES"] {
        assert!(page.contains(&format!(".SH {section}\n")), "section {section}");
    }
    for sub in ["analyze", "audit", "merge", "check", "completions", "man"] {
        assert!(page.contains(&format!(".SS {sub}\n")), "subcommand {sub}");
    }
    assert!(page.is_ascii(), "non-ASCII characters are roff escapes");
}

#[test]
fn man_page_renders() {
    let page = run(&["man"]);
    if !have("groff", "--version") {
        return skip("groff not installed: structure checked only");
    }
    // Plain text: no bold, underline or overstriking (-P-cbou), 100 columns.
    let mut child = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-P-cbou", "-rLL=100n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), page.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "groff: {stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "PODMORTEM(1)",
        "SYNOPSIS",
        "podmortem [analyze] [OPTIONS] [PATHS]...",
        "--fail-on",
        "NO_COLOR",
        "EXIT STATUS",
        "kubectl podmortem",
    ] {
        assert!(text.contains(want), "rendered page has {want}:\n{text}");
    }
    assert!(!text.contains("\\-") && !text.contains(".SH"), "no roff source leaks into the page");
}

// ------------------------------------------------------------------ help and version

#[test]
fn help_shows_examples_for_every_log_reading_subcommand() {
    assert!(run(&["--help"]).contains("Examples:"));
    for sub in ["analyze", "audit", "merge", "check"] {
        let help = run(&[sub, "--help"]);
        assert!(help.contains("Example"), "podmortem {sub} --help has no examples:\n{help}");
        assert!(help.contains(&format!("podmortem {sub}")), "{sub} examples run {sub}");
    }
}

#[test]
fn help_shows_examples_for_completions_and_man() {
    for sub in ["completions", "man"] {
        assert!(run(&[sub, "--help"]).contains("Example"), "podmortem {sub} --help has no examples");
    }
}

#[test]
fn version_names_the_git_revision() {
    let version = run(&["--version"]);
    let rev = version.split("(git ").nth(1).and_then(|r| r.split(')').next()).expect("(git REV) in --version");
    assert!(version.starts_with(&format!("podmortem {} ", env!("CARGO_PKG_VERSION"))), "{version}");
    let head = std::process::Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).current_dir(root()).output();
    match head {
        Ok(o) if o.status.success() => assert_eq!(rev, String::from_utf8_lossy(&o.stdout).trim(), "{version}"),
        _ => assert!(rev == "unknown" || rev.chars().all(|c| c.is_ascii_hexdigit()), "{version}"),
    }
}

// ------------------------------------------------------------------ colour

#[test]
fn no_colour_unless_asked_when_not_a_terminal() {
    for args in [&[SEED][..], &["-o", "wide", SEED], &["--pod", "default/term-demo", SEED], &["-o", "json", SEED]] {
        assert!(!has_ansi(&run(args)), "{args:?} piped");
    }
    let out = bin("podmortem").env("NO_COLOR", "1").arg(SEED).output().unwrap();
    assert!(!has_ansi(&String::from_utf8_lossy(&out.stdout)));
    let never = run(&["--color", "never", SEED]);
    assert!(!has_ansi(&never));
}

#[test]
fn colour_always_colours_the_table() {
    let table = run(&["--color", "always", SEED]);
    assert!(table.contains("\u{1b}["), "{table}");
    let wide = run(&["--color", "always", "-o", "wide", SEED]);
    assert!(wide.contains("\u{1b}["));
    assert!(!has_ansi(&run(&["--color", "always", "-o", "json", SEED])), "JSON is never coloured");
}

/// `podmortem ARGS` on a pseudo-terminal `cols` wide (util-linux `script`),
/// with `env` set; `None` when no such `script` is available.
fn on_terminal(args: &str, cols: u16, env: &[(&str, &str)]) -> Option<String> {
    let util_linux = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("util-linux"));
    if !util_linux {
        return None;
    }
    let cmd = format!("stty cols {cols} rows 50; exec '{}' {args}", cargo_bin("podmortem").display());
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"]).current_dir(root()).stdin(Stdio::null());
    c.env_remove("NO_COLOR").env_remove("COLUMNS").env("TERM", "xterm-256color").envs(env.iter().copied());
    let out = c.output().unwrap();
    if !out.status.success() && out.stdout.is_empty() {
        eprintln!("script could not run a pseudo-terminal: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    assert!(out.status.success(), "script: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn on_a_terminal_colour_is_auto_and_no_color_turns_it_off() {
    let Some(coloured) = on_terminal(SEED, 200, &[]) else {
        return skip("no util-linux script: no pseudo-terminal");
    };
    assert!(has_ansi(&coloured), "colour on a terminal by default:\n{coloured}");
    for (args, env) in [(SEED, &[("NO_COLOR", "1")][..]), ("--color never fixtures/seed-article", &[]), (SEED, &[("TERM", "dumb")])] {
        let text = on_terminal(args, 200, env).unwrap();
        assert!(!has_ansi(&text), "{args} {env:?}:\n{text}");
        assert!(text.contains("term-demo-ignore"));
    }
    let pod = on_terminal("--pod default/term-demo fixtures/seed-article", 200, &[("NO_COLOR", "1")]).unwrap();
    assert!(!has_ansi(&pod), "per-Pod view honours NO_COLOR:\n{pod}");
}

// ------------------------------------------------------------------ width

#[test]
fn table_fits_columns_and_wide_ignores_it() {
    for cols in ["60", "80", "100"] {
        let out = bin("podmortem").env("COLUMNS", cols).args(["fixtures/real"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let table = table_lines(&text);
        assert!(widest(&table) <= cols.parse().unwrap(), "COLUMNS={cols}:\n{text}");
        assert!(table.contains("OUTCOME") && table.contains("FINDINGS"), "{text}");
        assert!(text.contains("hidden to fit"), "says what it hid:\n{text}");
    }
    let out = bin("podmortem").env("COLUMNS", "60").args(["-o", "wide", SEED]).output().unwrap();
    let wide = String::from_utf8(out.stdout).unwrap();
    assert!(widest(&table_lines(&wide)) > 60 && wide.contains("CONTAINERS") && !wide.contains("hidden"), "{wide}");
}

#[test]
fn table_is_not_fitted_when_piped_without_columns() {
    let text = run(&["fixtures/real"]);
    assert!(text.contains("NODE") && !text.contains("hidden"), "{text}");
}

#[test]
fn table_fits_the_terminal_it_is_shown_on() {
    let Some(text) = on_terminal(SEED, 70, &[("NO_COLOR", "1")]) else {
        return skip("no util-linux script: no pseudo-terminal");
    };
    assert!(widest(&table_lines(&text)) <= 70, "{text}");
    let wide = on_terminal("-o wide fixtures/seed-article", 70, &[("NO_COLOR", "1")]).unwrap();
    assert!(widest(&table_lines(&wide)) > 70, "{wide}");
}

// ------------------------------------------------------------------ kubectl plugin

#[test]
fn kubectl_plugin_binary_behaves_like_podmortem() {
    for args in [&["-o", "json", SEED][..], &["--version"], &[SEED], &["check", "-o", "jsonl", SEED]] {
        let a = bin("podmortem").args(args).output().unwrap();
        let b = bin("kubectl-podmortem").args(args).output().unwrap();
        assert_eq!(a.status.code(), b.status.code(), "{args:?}");
        assert_eq!(a.stdout, b.stdout, "{args:?}");
    }
    bin("kubectl-podmortem").arg("no/such/file.log").assert().code(2);
    let name = cargo_bin("kubectl-podmortem");
    assert_eq!(name.file_stem().unwrap(), "kubectl-podmortem", "kubectl finds plugins by this name");
}

#[test]
fn kubectl_runs_the_plugin_when_installed() {
    if !have("kubectl", "version") && !have("kubectl", "help") {
        return skip("kubectl not installed");
    }
    let dir = cargo_bin("kubectl-podmortem").parent().unwrap().to_path_buf();
    let path =
        std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()))).unwrap();
    let out = std::process::Command::new("kubectl")
        .args(["podmortem", "-o", "json", SEED])
        .env("PATH", path)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "kubectl podmortem: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, run(&["-o", "json", SEED]).into_bytes());
}

// ------------------------------------------------------------------ Ctrl-C and pipes

#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_half_written_out_file() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let d = tempfile::tempdir().unwrap();
    let out = write_temp(d.path(), "report.json", "previous report\n");
    // Reading stdin that never ends: interrupted before anything is written.
    let mut child = std::process::Command::new(cargo_bin("podmortem"))
        .args(["-o", "json", "--out", out.to_str().unwrap(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&std::fs::read(root().join("fixtures/real/04-aks-nginx-delete-sigquit.log")).unwrap()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    // Waited for with a deadline: where SIGINT is ignored (a background job
    // of a non-interactive shell inherits it ignored), the child would read
    // on for ever and the test would hang instead of failing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("podmortem did not end within 10 s of SIGINT (is SIGINT ignored where the tests run?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(stdin);
    assert_eq!(status.signal(), Some(2), "ended by SIGINT, like any CLI: {status:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous report\n");
    let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["report.json"], "no temporary file left");
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    // `podmortem -o json … | true`: the reader is gone before the write; no error, exit 0.
    let d = tempfile::tempdir().unwrap();
    let (err, status) = (d.path().join("err"), d.path().join("status"));
    let line = format!(
        "{{ '{}' -o json '{}' 2>'{}'; echo $? >'{}'; }} | true",
        cargo_bin("podmortem").display(),
        root().join("fixtures/real").display(),
        err.display(),
        status.display()
    );
    assert!(std::process::Command::new("sh").arg("-c").arg(&line).status().unwrap().success());
    let err = std::fs::read_to_string(err).unwrap();
    assert!(err.lines().all(|l| l.starts_with("podmortem: warning:")), "stderr: {err}");
    assert_eq!(std::fs::read_to_string(status).unwrap().trim(), "0");
}

// ------------------------------------------------------------------ krew manifest

/// The value of `key: value` on a line (quotes removed).
fn yaml_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.trim_start().trim_start_matches("- ").strip_prefix(key)?.strip_prefix(':')?;
    Some(rest.trim().trim_matches('"'))
}

#[test]
fn krew_manifest_passes_krews_own_checks() {
    // krew's ValidatePlugin (internal/index/validation): apiVersion, kind, the
    // name equal to the file name, a one-line short description, a `v` semver
    // version, and per platform an uri, a lowercase hex sha256, a bin, files
    // with from and to, and a selector on os/arch only.
    let path = root().join("docs/plugins/podmortem.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
    let find = |key: &str| lines.iter().find_map(|l| yaml_value(l, key));
    assert_eq!(find("apiVersion"), Some("krew.googlecontainertools.github.com/v1alpha2"));
    assert_eq!(find("kind"), Some("Plugin"));
    assert_eq!(find("name"), path.file_stem().and_then(|s| s.to_str()), "metadata.name is the file name");
    assert_eq!(find("version").map(str::to_string), Some(format!("v{}", env!("CARGO_PKG_VERSION"))), "spec.version follows Cargo.toml");
    let short = find("shortDescription").unwrap();
    assert!(!short.is_empty() && !short.starts_with('|') && !short.starts_with('>'), "one-line shortDescription");
    assert!(find("homepage").is_some_and(|h| h.starts_with("https://")) && find("description") == Some("|"));
    let platforms: Vec<&str> = text.split("\n  - selector:").skip(1).collect();
    assert!(platforms.len() >= 2, "platforms listed");
    let mut seen = Vec::new();
    for p in platforms {
        let get = |key: &str| p.lines().find_map(|l| yaml_value(l, key)).unwrap_or_else(|| panic!("{key} in platform:\n{p}"));
        let (os, arch) = (get("os"), get("arch"));
        assert!(["linux", "darwin", "windows"].contains(&os) && ["amd64", "arm64", "arm", "386"].contains(&arch), "{os}/{arch}");
        seen.push(format!("{os}/{arch}"));
        let uri = get("uri");
        assert!(
            uri.starts_with("https://") && uri.contains(&format!("/v{}/", env!("CARGO_PKG_VERSION"))) && uri.ends_with(".tar.gz"),
            "{uri}"
        );
        let sha = get("sha256");
        assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "sha256 {sha}");
        assert_eq!(get("bin"), "kubectl-podmortem");
        let froms = p.lines().filter_map(|l| yaml_value(l, "from")).count();
        let tos = p.lines().filter_map(|l| yaml_value(l, "to")).count();
        assert!(froms > 0 && froms == tos, "files: every from has a to");
        let keys: Vec<&str> = p.lines().take_while(|l| !l.contains("uri:")).filter_map(|l| l.trim().split(':').next()).collect();
        assert!(keys.iter().all(|k| ["matchLabels", "os", "arch", ""].contains(k)), "selector keys are os/arch only: {keys:?}");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "one entry per platform");
}
