//! `podmortem completions SHELL` and `podmortem man`, generated from the clap
//! definitions so they never drift from the parser.
//!
//! Completion scripts know that `analyze` is implied (its options and PATHs
//! complete at the top level), that PATHs and `--out` are files while `--pod`
//! or `--since` are not, and they also serve the `kubectl-podmortem` binary.
//! The man page is one page: every subcommand with its own options and
//! examples, the common options once, environment and exit status.

use crate::cli::{Cli, CommonArgs};
use crate::model::FindingKind;
use clap::builder::PossibleValuesParser;
use clap::{Arg, Args, Command, CommandFactory, ValueHint};
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use std::io::Write;

/// The name completions and the man page are written for.
const BIN: &str = "podmortem";

/// The kubectl plugin binary, completed like [`BIN`].
const PLUGIN_BIN: &str = "kubectl-podmortem";

/// Options whose value is a file to write or read.
const FILE_OPTIONS: [&str; 4] = ["out", "junit", "allow_file", "baseline"];

/// Options whose values are finding kinds.
const KIND_OPTIONS: [&str; 2] = ["fail_on", "warn_on"];

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: Shell) -> Result<u8, Box<dyn std::error::Error>> {
    write_stdout(&completion_script(shell))
}

/// Writes the man page (roff) to stdout.
pub fn man() -> Result<u8, Box<dyn std::error::Error>> {
    write_stdout(&man_page())
}

/// The completion script for `shell`, registered for `podmortem` and `kubectl-podmortem`.
pub fn completion_script(shell: Shell) -> String {
    let mut cmd = completion_command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    let script = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => script + &bash_paths(&cmd),
        Shell::Zsh => zsh_for_plugin(&script),
        Shell::Fish => fish_root_values(&script) + &format!("complete -c {PLUGIN_BIN} --wraps {BIN}\n"),
        _ => script,
    }
}

/// The clap command as completion should see it: `analyze`'s options also
/// at the top level, and value hints that tell files from other values.
pub fn completion_command() -> Command {
    let cmd = Cli::command();
    // Options only: a top-level positional would make zsh read `check` as a PATH.
    let implied: Vec<Arg> =
        cmd.find_subcommand("analyze").map(|a| a.get_arguments().filter(|a| !a.is_positional()).cloned().collect()).unwrap_or_default();
    cmd.args(implied).mut_args(with_value_hint).mut_subcommands(|sub| sub.mut_args(with_value_hint))
}

/// Gives an argument the value hint (or the possible values) its meaning calls for.
fn with_value_hint(arg: Arg) -> Arg {
    let (is_file, is_kind) = (FILE_OPTIONS.contains(&arg.get_id().as_str()), KIND_OPTIONS.contains(&arg.get_id().as_str()));
    if !arg.get_action().takes_values() || !arg.get_possible_values().is_empty() {
        arg
    } else if arg.is_positional() {
        arg.value_hint(ValueHint::AnyPath)
    } else if is_file {
        arg.value_hint(ValueHint::FilePath)
    } else if is_kind {
        arg.value_parser(PossibleValuesParser::new(FindingKind::ALL.map(FindingKind::name))).value_name("KIND")
    } else {
        arg.value_hint(ValueHint::Other)
    }
}

/// Bash: a word that is neither an option nor an option's value is a PATH,
/// completed as a file name (bash's default completion), and the function
/// also serves `kubectl-podmortem`.
fn bash_paths(cmd: &Command) -> String {
    let values = value_options(cmd).join("|");
    let subcommands: Vec<&str> = cmd.get_subcommands().map(Command::get_name).collect();
    let subcommands = subcommands.join(" ");
    format!(
        r#"
# podmortem: outside an option, a word is a PATH (at the top level `analyze`
# is implied), so bash's file name completion takes over there.
_podmortem_paths() {{
    _podmortem "$@"
    local cur="$2" prev="$3"
    [[ "$cur" == -* ]] && return 0
    case "$prev" in
        {values}) return 0 ;;
    esac
    case "${{COMP_WORDS[1]}}" in
        completions|man|help) return 0 ;;
    esac
    if [[ ${{COMP_CWORD}} -eq 1 ]]; then
        COMPREPLY=( $(compgen -W "{subcommands}" -- "$cur") )
        [[ ${{#COMPREPLY[@]}} -gt 0 ]] && return 0
    fi
    COMPREPLY=()
}}

if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _podmortem_paths -o nosort -o bashdefault -o default {BIN} {PLUGIN_BIN}
else
    complete -F _podmortem_paths -o bashdefault -o default {BIN} {PLUGIN_BIN}
fi
"#
    )
}

/// Every `-x`/`--long` spelling of an option that takes a value, anywhere in `cmd`.
fn value_options(cmd: &Command) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let commands = std::iter::once(cmd).chain(cmd.get_subcommands());
    for arg in commands.flat_map(Command::get_arguments) {
        if arg.is_positional() || !arg.get_action().takes_values() {
            continue;
        }
        out.extend(arg.get_long().map(|l| format!("--{l}")));
        out.extend(arg.get_short().map(|s| format!("-{s}")));
    }
    out.sort();
    out.dedup();
    out
}

/// Fish: while the value of a top-level option is being typed (`podmortem
/// -o <TAB>`), argparse fails on the missing value; that still means "no
/// subcommand yet", so the top-level completions (the formats) apply.
fn fish_root_values(script: &str) -> String {
    script.replacen("-- $cmd 2>/dev/null\n    or return\n", "-- $cmd 2>/dev/null\n    or return 0\n", 1)
}

/// Zsh: the same function also completes `kubectl-podmortem`; the first
/// word may be a PATH as well as a subcommand (`analyze` is implied), and
/// words after a PATH are PATHs.
fn zsh_for_plugin(script: &str) -> String {
    script
        .replacen(&format!("#compdef {BIN}\n"), &format!("#compdef {BIN} {PLUGIN_BIN}\n"), 1)
        .replacen(&format!("compdef _{BIN} {BIN}\n"), &format!("compdef _{BIN} {BIN} {PLUGIN_BIN}\n"), 1)
        .replacen(
            &format!("\":: :_{BIN}_commands\" \\\n"),
            &format!("\":: : _alternative 'commands:command:_{BIN}_commands' 'files:path:_files'\" \\\n"),
            1,
        )
        .replacen(
            &format!("        esac\n    ;;\nesac\n}}\n\n(( $+functions[_{BIN}_commands] ))"),
            &format!("            (*)\n_files\n;;\n        esac\n    ;;\nesac\n}}\n\n(( $+functions[_{BIN}_commands] ))"),
            1,
        )
}

/// The whole man page, `podmortem(1)`, in roff.
pub fn man_page() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let common = common_option_ids();
    let mut page = title(&cmd);
    // Ragged right: no justification, so no gaps and no "cannot adjust" warnings on narrow terminals.
    page.push_str(&roff_control("ad", &["l"]));
    let mut roff = Roff::new();
    name_and_synopsis(&mut roff, &mut cmd);
    description(&mut roff);
    page.push_str(&render(&roff));
    page.push_str(&roff_control("SH", &["COMMANDS"]));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        page.push_str(&command_section(sub, &common));
    }
    page.push_str(&roff_control("SH", &["COMMON OPTIONS"]));
    page.push_str(&render(&Roff::from(roman("Taken by analyze, audit and check."))));
    page.push_str(&option_items(CommonArgs::augment_args(Command::new(BIN)).get_arguments().cloned().collect()));
    let mut tail = Roff::new();
    environment(&mut tail);
    exit_status(&mut tail);
    examples(&mut tail, &cmd);
    see_also(&mut tail);
    page.push_str(&render(&tail));
    ascii_roff(&page)
}

/// Non-ASCII characters as roff `\[uXXXX]` escapes (`…` in help texts), so
/// every formatter renders them without a preprocessor; and a break point
/// (`\:`) after each comma of a comma-joined list such as `--fail-on`'s
/// default, which would otherwise overflow narrow terminals.
fn ascii_roff(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut chars = page.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii() {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
            continue;
        }
        out.push(c);
        if c == ',' && chars.peek().is_some_and(|n| n.is_ascii_lowercase()) {
            out.push_str("\\:");
        }
    }
    out
}

/// `.TH` and the roff preamble, from clap_mangen.
fn title(cmd: &Command) -> String {
    let man =
        clap_mangen::Man::new(cmd.clone()).title(BIN.to_uppercase()).source(format!("{BIN} {}", crate::VERSION)).manual("User Commands");
    let mut out = Vec::new();
    let _ = man.render_title(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// NAME and SYNOPSIS: one usage line per subcommand, and the kubectl plugin form.
fn name_and_synopsis(roff: &mut Roff, cmd: &mut Command) {
    roff.control("SH", ["NAME"]);
    roff.text([roman(format!("{BIN} - reconstruct Kubernetes Pod stops from the logs nodes leave behind"))]);
    roff.control("SH", ["SYNOPSIS"]);
    for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        let usage = if sub.get_name() == "analyze" { usage.replacen("analyze", "[analyze]", 1) } else { usage.to_string() };
        roff.text([bold(usage)]);
        roff.control("br", []);
    }
    roff.text([bold("kubectl podmortem"), roman(" ... (the same program, as a kubectl plugin)")]);
}

/// DESCRIPTION: what goes in and what comes out.
fn description(roff: &mut Roff) {
    roff.control("SH", ["DESCRIPTION"]);
    for para in DESCRIPTION {
        roff.control("PP", []);
        roff.text([roman(para)]);
    }
}

/// The DESCRIPTION paragraphs.
const DESCRIPTION: [&str; 4] = [
    "podmortem reads what a Kubernetes node left behind (kubelet, containerd, CRI-O, kernel and the apps' own CRI logs; kubectl JSON, events, EndpointSlices and the API audit log) and lays out, for every Pod that was stopped, each step of the stop in order: delete, endpoint removal, preStop, stop signal, SIGKILL, exit, sandbox and network teardown, volume unmount, removal. Every step carries its time and the file:line that proves it.",
    "It names what went wrong: SIGKILL after the grace period, grace-period overrun, OOM kill, preStop failure or timeout, stuck termination, failed volume unmount, traffic after SIGTERM; and the look-alikes that are not those, such as a Kill container sent to a process that had already exited.",
    "Inputs are files, directories (searched recursively, such as a kind export logs directory), .gz files, .tar/.tar.gz archives, or - for standard input; the format of every line is recognised from its content. With no subcommand, podmortem runs analyze; with no PATH it reads standard input.",
    "The table fits the terminal (hiding the least telling columns first; -o wide shows all). -o json writes one document of schema podmortem/v1 (a JSON Schema ships as docs/schema/podmortem-v1.json), -o jsonl one Pod object a line.",
];

/// One subcommand: what it does, its own options (the common ones are listed
/// once, in COMMON OPTIONS), its examples.
fn command_section(sub: &Command, common: &[String]) -> String {
    let mut roff = Roff::new();
    roff.control("SS", [sub.get_name()]);
    if let Some(about) = sub.get_about() {
        roff.text([roman(about.to_string())]);
    }
    let ids: Vec<String> = sub.get_arguments().map(|a| a.get_id().to_string()).collect();
    let takes_common = common.iter().all(|c| ids.contains(c));
    let own: Vec<Arg> = sub.get_arguments().filter(|a| !(takes_common && common.contains(&a.get_id().to_string()))).cloned().collect();
    let mut out = render(&roff);
    out.push_str(&option_items(own));
    if takes_common {
        let mut note = Roff::new();
        note.control("PP", []).text([roman("And the "), bold("COMMON OPTIONS"), roman(" below.")]);
        out.push_str(&render(&note));
    }
    out.push_str(&example_block(sub.get_after_help().map(|h| h.to_string()).as_deref()));
    out
}

/// The `.TP` items clap_mangen renders for `args`, without its section heading.
fn option_items(args: Vec<Arg>) -> String {
    let args = args.into_iter().filter(|a| a.get_id() != "help" && a.get_id() != "version");
    let cmd = Command::new(BIN).disable_help_flag(true).disable_version_flag(true).args(args);
    let mut out = Vec::new();
    let _ = clap_mangen::Man::new(cmd).render_options_section(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    text.lines().filter(|l| !l.starts_with(".SH") && !is_preamble(l)).map(|l| format!("{l}\n")).collect()
}

/// The two lines every roff render starts with (an apostrophe string definition).
fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// A clap `after_help` ("Examples:" and indented command lines) as a verbatim block.
fn example_block(after_help: Option<&str>) -> String {
    let Some(text) = after_help else { return String::new() };
    let mut lines = text.lines();
    let heading = lines.next().unwrap_or("Examples:").trim_end_matches(':');
    let mut roff = Roff::new();
    roff.control("PP", []);
    roff.text([italic(heading)]);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in lines {
        roff.text([roman(line.trim_start())]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
    render(&roff)
}

/// ENVIRONMENT: what changes colour and width.
fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    let items = [
        ("NO_COLOR", "When set to a non-empty value, no colour (unless --color always)."),
        ("COLUMNS", "Width the table must fit, instead of the terminal's own width. -o wide ignores it."),
        ("TERM", "dumb turns colour off under --color auto."),
    ];
    for (name, text) in items {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(text)]);
    }
    roff.control("PP", []);
    roff.text([roman("Colour and progress bars appear only on a terminal; Ctrl-C never leaves a half-written --out file.")]);
}

/// EXIT STATUS, as the contract states it.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    let items = [
        ("0", "Ran (and for check: no failing finding)."),
        ("1", "check only: a failing finding was found."),
        ("2", "Usage error, or an unreadable or unrecognisable input (one line on standard error names the file)."),
    ];
    for (code, text) in items {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(text)]);
    }
}

/// EXAMPLES: the top-level examples.
fn examples(roff: &mut Roff, cmd: &Command) {
    roff.control("SH", ["EXAMPLES"]);
    let text = cmd.get_after_help().map(|h| h.to_string()).unwrap_or_default();
    roff.control("nf", []);
    for line in text.lines().skip(1) {
        roff.text([roman(line.trim_start())]);
    }
    roff.control("fi", []);
}

/// SEE ALSO.
fn see_also(roff: &mut Roff) {
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman("kubectl(1), journalctl(1), jq(1), kind(1)")]);
}

/// The ids of the options every log-reading subcommand shares.
fn common_option_ids() -> Vec<String> {
    CommonArgs::augment_args(Command::new(BIN)).get_arguments().map(|a| a.get_id().to_string()).collect()
}

/// Roff text without the apostrophe preamble (the page has it once, from `.TH`).
fn render(roff: &Roff) -> String {
    roff.render().lines().filter(|l| !is_preamble(l)).map(|l| format!("{l}\n")).collect()
}

/// One control line.
fn roff_control(name: &str, args: &[&str]) -> String {
    let mut roff = Roff::new();
    roff.control(name, args.iter().copied());
    render(&roff)
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<u8, Box<dyn std::error::Error>> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: cannot write: {e}").into()),
        _ => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_command_is_valid() {
        completion_command().debug_assert();
    }

    #[test]
    fn man_page_has_every_subcommand_and_option() {
        let page = man_page();
        for name in ["analyze", "audit", "merge", "check", "completions", "man"] {
            assert!(page.contains(&format!(".SS {name}\n")), "{name} missing");
        }
        for opt in ["\\-\\-since", "\\-\\-fail\\-on", "\\-\\-junit", "\\-\\-shard", "\\-\\-color"] {
            assert!(page.contains(opt), "{opt} missing");
        }
        assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble");
    }

    #[test]
    fn value_options_are_listed() {
        let opts = value_options(&completion_command());
        assert!(opts.contains(&"-o".to_string()) && opts.contains(&"--fail-on".to_string()));
        assert!(!opts.contains(&"--quiet".to_string()));
    }
}
