//! The command line, as clap derive types: every command and flag wslab has, with its help.

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

/// Learn the WebSocket protocol from real bytes.
#[derive(Debug, Parser)]
#[command(
    name = "wslab",
    version,
    about = "Learn the WebSocket protocol (RFC 6455) from real bytes, every one explained.",
    long_about = "Learn the WebSocket protocol (RFC 6455) from real bytes, every one explained.\n\n\
        wslab runs a real lab server on loopback, connects to it (or to your own ws:// \
        server) and shows every byte that crossed the socket: the handshake with each header \
        explained, Sec-WebSocket-Accept derived step by step, and every frame field by field, \
        with the rule each byte follows or breaks. Nineteen lessons run it all for real: \
        run `wslab` for the menu, or `wslab lesson 1 --plain` for text.",
    after_help = "Examples:\n  \
        wslab lesson 1 --plain                        # the first lesson, run for real\n  \
        wslab serve --port 9001                       # terminal 1: the lab server\n  \
        wslab connect ws://127.0.0.1:9001/echo --send hello   # terminal 2\n  \
        wslab accept dGhlIHNhbXBsZSBub25jZQ==\n  \
        wslab decode 81 85 37 fa 21 3d 7f 9f 4d 51 58\n  \
        xxd capture.bin | wslab decode --from server -"
)]
pub struct Cli {
    /// When to colour output: auto colours a terminal unless NO_COLOR is set.
    // Backticks would show in --help; these docs are the help text.
    #[allow(clippy::doc_markdown)]
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// With no command: the lesson menu, self-paced, with progress saved.
    #[command(flatten)]
    pub learn: LearnArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The terminal UI's options, for `wslab` alone and for `wslab present`.
#[derive(Debug, Clone, Args)]
pub struct LearnArgs {
    /// Colours of the terminal UI; NO_COLOR and --color never turn colour off whatever this says.
    #[allow(clippy::doc_markdown)]
    #[arg(long, value_enum, default_value_t = ThemeChoice::Dark, global = true)]
    pub theme: ThemeChoice,
    /// Forget the saved progress and start over.
    #[arg(long)]
    pub reset_progress: bool,
    /// A folder of lessons laid over the built-in ones (see docs/lessons.md).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<std::path::PathBuf>,
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeChoice {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background.
    Light,
    /// White, black and yellow, for projectors and weak eyes.
    HighContrast,
}

/// `wslab inspect`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Keys: type a message and Enter sends it; ↑↓ choose what to send (text, binary as hex, ping, pong, close as 'code reason', fragments as a|b|c, or raw: a frame typed as hex or as fields such as 'opcode=0xb mask=none payload=hi', shown taken apart as you type and sent as it is, past the WebSocket library); Tab to the frames: ↑↓ a frame, ←→ a byte, [ ] pane, f follow, R reconnect, ? keys, q quit."
)]
pub struct InspectArgs {
    /// The server: ws://host:port/path or wss://host:port/path.
    pub url: String,
    /// A subprotocol to offer; repeat for more, in order of preference.
    #[arg(long = "protocol", value_name = "NAME")]
    pub protocols: Vec<String>,
    /// An extra request header, "Name: value"; repeat for more.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Offer permessage-deflate (RFC 7692), as `wslab connect --deflate` does: plain
    /// `--deflate` offers `permessage-deflate; client_max_window_bits`, and
    /// `--deflate="server_no_context_takeover"` offers those parameters. When the server
    /// accepts, what you send goes compressed and what comes back is inflated.
    #[arg(long, value_name = "PARAMS", num_args = 0..=1, require_equals = true, default_missing_value = "client_max_window_bits")]
    pub deflate: Option<String>,
    /// Seconds to wait for the connection and the handshake.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// For wss:// URLs.
    #[command(flatten)]
    pub tls: TlsArgs,
}

/// Options for wss:// URLs, shared by `connect` and `inspect`.
#[derive(Debug, Clone, Default, Args)]
pub struct TlsArgs {
    /// For wss://: trust the CA certificates in this PEM file instead of the system's, such as
    /// the lab's (`wslab serve --tls` prints its path).
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub ca: Option<std::path::PathBuf>,
    /// For wss://: accept any certificate. The traffic is still encrypted, but anyone on the
    /// path could pose as the server; wslab warns every time.
    #[arg(long)]
    pub insecure: bool,
    /// For wss://: append the TLS session secrets to FILE in the SSLKEYLOGFILE format, so that
    /// Wireshark or tshark can decrypt a saved pcap (`-o tls.keylog_file:FILE`).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<std::path::PathBuf>,
}

/// `wslab present`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Keys: → next step · ← back · Enter reveal the answer · . blank the screen · s speaker notes · J K scroll them · t clock · Tab the pane's keys · [ ] pane · R roster (--class) · ? all keys · q quit\n\nWith --class, students run `wslab join URL --code CODE`; quitting ends the class for everyone (close 1001). The class channel's protocol is in docs/classroom.md.\n\n--notes-for URL prints the speaker notes in a second terminal as the presenter moves.\n\nNot yet available: --tls (wss:// for the class channel) and join --remote-lab."
)]
pub struct PresentArgs {
    /// The lesson: its id or number. Without one, the menu opens first. A lesson left
    /// mid-way reopens at the step it was on.
    pub lesson: Option<String>,
    /// Start at this step of the lesson, from 1: `wslab present 6 --step 4`.
    #[arg(long, value_name = "N", requires = "lesson", value_parser = clap::value_parser!(u16).range(1..))]
    pub step: Option<u16>,
    /// A folder of lessons laid over the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<std::path::PathBuf>,
    /// Run a class hub beside the screen: students join with `wslab join` (the projector
    /// shows the line to type), follow every step, and answer; the room's count and, on
    /// reveal, its answers show on this screen. R opens the roster.
    #[arg(long)]
    pub class: bool,
    /// With --class: listen on this address instead of loopback (127.0.0.1), such as
    /// 0.0.0.0 for a room's network. Anyone who can reach it can try the join code.
    #[arg(long, value_name = "ADDR", requires = "class")]
    pub bind: Option<std::net::IpAddr>,
    /// With --class: the port to listen on; without it, a free one.
    #[arg(long, value_name = "PORT", requires = "class")]
    pub port: Option<u16>,
    /// With --class: the join code, for a scripted class (6 to 32 characters of
    /// ABCDEFGHJKMNPQRSTUVWXYZ23456789); without it, a random one.
    #[arg(long, value_name = "CODE", requires = "class")]
    pub code: Option<String>,
    /// With --class: how many students may be connected at once.
    #[arg(long, value_name = "N", default_value_t = 200, requires = "class", value_parser = clap::value_parser!(u16).range(1..=5000))]
    pub max_students: u16,
    /// With --class: the roster (R) lists the students' names. Without it, names never
    /// reach the projected screen.
    #[arg(long, requires = "class")]
    pub show_names: bool,
    /// Speaker notes on a second terminal: attach to the presenter's class hub at URL on
    /// this machine and print, at every step change, the step's notes, the answer, the time
    /// on the step and the room's counts and names. Plain text, not yet a full screen.
    #[arg(long, value_name = "URL", conflicts_with_all = ["class", "lesson"])]
    pub notes_for: Option<String>,
}

/// `wslab join`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Keys: as in a lesson, plus f to follow the presenter again after looking around. Your answers go to the class; each step runs on your own machine against your own lab, so the bytes you see are yours.\n\nNot yet available: --remote-lab (running the steps against the presenter's lab) and wss:// for the class channel (present --tls).\n\nExample:\n  wslab join ws://192.168.1.20:41234 --code K7M2PQ --name Ada"
)]
pub struct JoinArgs {
    /// The class hub, as the projector shows it: ws://host:port.
    pub url: String,
    /// The join code on the projector.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// Your name in the roster (at most 64 bytes; control characters and escape sequences
    /// are removed).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub name: String,
    /// A folder of lessons laid over the built-in ones (the presenter's, if they use one).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<std::path::PathBuf>,
}

/// When to colour.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Derive Sec-WebSocket-Accept from a Sec-WebSocket-Key, step by step.
    Accept(AcceptArgs),
    /// Decode WebSocket frames from hex and explain every field.
    Decode(DecodeArgs),
    /// Run the lab server: WebSocket and HTTP endpoints on one port, every byte shown.
    Serve(Box<ServeArgs>),
    /// Run a scripted WebSocket exchange against a ws:// server and explain every byte.
    Connect(Box<ConnectArgs>),
    /// Run a lesson for real: in the terminal UI, or printed from start to finish with --plain.
    Lesson(LessonArgs),
    /// Print lessons as a Markdown handout, run for real and laid out to a page width.
    Handout(HandoutArgs),
    /// Present lessons to a class: large prose, one live pane, speaker notes on a key.
    Present(PresentArgs),
    /// Join a class that `wslab present --class` runs: follow the presenter, answer, run
    /// every step on your own machine.
    Join(JoinArgs),
    /// An interactive WebSocket client console: send anything, see every frame explained.
    Inspect(InspectArgs),
    /// List the lessons, or check lesson files for errors.
    Lessons(LessonsArgs),
    /// Stand between a client and a ws:// or wss:// server: relay every byte unchanged, show every frame.
    Proxy(ProxyArgs),
    /// Grade a server (or, with --client, a client) against RFC 6455 and 7692, rule by rule.
    Grade(GradeArgs),
    /// Print a shell completion script for wslab to standard output.
    Completions(CompletionsArgs),
    /// Print wslab's man page (roff) to standard output, or write one page per command.
    Man(ManArgs),
}

/// How long `connect` waits for replies after its sends, unless `--linger` says otherwise.
pub const DEFAULT_LINGER_MS: u64 = 500;

/// `wslab completions`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
    wslab completions bash > ~/.local/share/bash-completion/completions/wslab\n  \
    wslab completions zsh > ~/.zfunc/_wslab      # with fpath+=(~/.zfunc) before compinit\n  \
    wslab completions fish > ~/.config/fish/completions/wslab.fish")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `wslab completions` writes for.
#[allow(clippy::doc_markdown)] // The docs are the help text, where backticks would show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU Bash.
    Bash,
    /// Z shell.
    Zsh,
    /// The friendly interactive shell.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// `wslab man`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
    wslab man | man -l -                          # read it now\n  \
    wslab man --dir ~/.local/share/man/man1       # wslab.1, wslab-connect.1, …")]
pub struct ManArgs {
    /// Write wslab.1 and one page per command (wslab-connect.1, …) into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

/// `wslab grade`.
#[allow(clippy::struct_excessive_bools)] // Each is its own switch on the command line.
#[derive(Debug, Args)]
#[command(
    after_help = "Each case opens its own connection, sends what it names (lawful or broken on \
    purpose), reads the server's answer from the capture and judges it by the RFC sentence it \
    quotes: pass, non-strict (a SHOULD missed, or an allowed choice other than the usual one), \
    FAIL (a MUST broken, with the bytes that prove it), info (the RFC leaves it to the server) \
    or skipped. The URL must be an echo endpoint: text and binary messages come back as sent.\n\n\
    Examples:\n  \
    wslab serve --port 9001 &   wslab grade ws://127.0.0.1:9001/echo\n  \
    wslab grade ws://127.0.0.1:8080/ws --cases 5.*,7.1.* --verbose\n  \
    wslab grade ws://127.0.0.1:8080/ws --save report.html --save report.md --json > card.json\n  \
    wslab grade --list\n  \
    wslab grade --client --port 9001   # then run your Autobahn client driver against ws://127.0.0.1:9001\n\n\
    With --client, wslab is the server: it speaks the driver protocol of the Autobahn|Testsuite's \
    fuzzing server (/getCaseCount, /runCase?case=N&agent=A, /getCaseInfo?case=N, \
    /updateReports?agent=A), the client under test echoes what it is sent, and the card is \
    printed when the driver asks for the report.\n\n\
    Exit status: 0 when no MUST is broken, 1 when one is, 2 when the server cannot be reached \
    or the arguments are wrong."
)]
pub struct GradeArgs {
    /// The echo endpoint, as `ws://HOST[:PORT]/PATH` or `wss://HOST[:PORT]/PATH`.
    #[arg(required_unless_present_any = ["list", "client"], conflicts_with = "client")]
    pub url: Option<String>,
    /// Grade a client instead: serve the cases on the Autobahn driver protocol and wait for
    /// the client under test.
    #[arg(long)]
    pub client: bool,
    /// With --client, the port to listen on; Autobahn's drivers use 9001.
    #[arg(long, value_name = "N", default_value_t = 9001, requires = "client")]
    pub port: u16,
    /// With --client, the address to listen on. Anything but a loopback address lets other
    /// machines connect.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1",
        requires = "client",
        value_parser = crate::net::listen::parse_host
    )]
    pub bind: std::net::IpAddr,
    /// Which cases to run: ids with `*` wildcards, section numbers or group names, separated
    /// by commas, e.g. `5.*,7.1.*` or `utf-8,close-codes`.
    #[arg(long, value_name = "LIST")]
    pub cases: Option<String>,
    /// Also send an 8 MiB message among the framing cases.
    #[arg(long)]
    pub large: bool,
    /// List the cases and the rules they check, and run nothing.
    #[arg(long)]
    pub list: bool,
    /// Print the card as JSON (stable field names) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write the card to FILE: `.md` for Markdown, `.html` for one self-contained page,
    /// `.json` for JSON. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub save: Vec<std::path::PathBuf>,
    /// Show the rule and the frames of every case, not only of those that did not pass.
    #[arg(long, short)]
    pub verbose: bool,
    /// The longest a case waits for the server, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3.0)]
    pub timeout: f64,
    /// For wss:// URLs.
    #[command(flatten)]
    pub tls: TlsArgs,
}

/// `wslab proxy`.
#[derive(Debug, Args)]
#[command(
    after_help = "The proxy relays the WebSocket bytes both ways exactly as they come, broken \
    frames included, so the client's request line and Host header reach the upstream untouched. \
    Every connection, handshake, frame, HTTP exchange and close is written to standard output \
    as one JSON line (field names in the README).\n\n\
    With TLS (--tls toward clients, a wss:// upstream toward the server), each side has its own \
    TLS session: the proxy ends the client's session and opens another to the upstream, so the \
    two sides' records differ (other keys, other record boundaries) while the WebSocket bytes inside are \
    relayed unchanged and shown once. Each side's records are shown as that side's \
    eavesdropper sees them: the TLS pane and the tls-record lines (\"side\": \"client\" or \
    \"upstream\"). A --save'd .pcap holds both TCP connections (the client's and, for a wss:// \
    upstream, the proxy's own to it), .jsonl both sides' records, .har no TLS records.\n\n\
    Examples:\n  \
    wslab serve --port 9001 &\n  \
    wslab proxy --listen 127.0.0.1:9002 --upstream ws://127.0.0.1:9001 --no-tui\n  \
    # then point a client at ws://127.0.0.1:9002/echo\n  \
    wslab proxy --tls --upstream wss://localhost:9001 --ca ~/.local/share/wslab/lab-ca.pem --keylog keys.txt\n  \
    # wss:// on both sides; clients trust the CA whose path the proxy prints"
)]
pub struct ProxyArgs {
    /// Where clients connect: PORT or :PORT (on 127.0.0.1), or HOST:PORT; port 0 lets the OS
    /// choose (the address is printed). Anything other than loopback exposes the proxy to the
    /// network, and wslab warns when it does.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0", value_parser = crate::net::listen::parse)]
    pub listen: std::net::SocketAddr,
    /// The server to relay to, as ws://HOST:PORT[/PATH] or wss://HOST:PORT[/PATH]; only the
    /// scheme, host and port are used. A wss:// upstream is reached over TLS, its certificate
    /// checked against the system's CAs, or --ca's, for HOST.
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Serve wss:// to clients (and still ws:// on the same port, told apart by the first
    /// byte, as `serve --tls` does), with a certificate made now for localhost, 127.0.0.1 and
    /// `::1`, signed by a CA made now; the CA's path and SHA-256 fingerprint are printed.
    #[arg(long)]
    pub tls: bool,
    /// For a wss:// upstream (with --tls, --keylog takes the client side's secrets too).
    #[command(flatten)]
    pub upstream_tls: TlsArgs,
    /// Write JSON Lines to standard output instead of showing the terminal view (they are
    /// also what happens when there is no terminal).
    #[arg(long)]
    pub no_tui: bool,
    /// Frames the capture keeps at once; later ones are counted as dropped.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_frames: u64,
    /// Connections relayed at once; past it, a new client is answered 503 and closed (and
    /// not recorded) until one of them ends.
    #[arg(long, value_name = "N", default_value_t = crate::net::proxy::MAX_CONNECTIONS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_connections: usize,
    /// Payload bytes each frame event shows, as hex and text; the true length is always
    /// given, and `preview_truncated` says when it was cut.
    #[arg(long, value_name = "BYTES", default_value_t = crate::proto::limits::SHOWN_PAYLOAD)]
    pub max_payload: usize,
    /// When the proxy stops, write what it captured to FILE: .pcap (Wireshark), .har or
    /// .jsonl, by the extension.
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
}

/// `wslab lesson`.
// Each flag is a separate switch on the command line; clap reads them as bools.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
        wslab lesson 7 --plain                  # lesson 7, every action run for real\n  \
        wslab lesson --all --plain > handout.md  # the whole course as one Markdown handout\n  \
        wslab lesson my-lesson --plain --lessons ./my-lessons\n\n\
        Exit status: 0 when every action ran, 1 when an action or a computed answer failed, \
        2 on a usage error or a lesson file with errors, 128+N when signal N stopped it (the \
        capture so far still saved).")]
pub struct LessonArgs {
    /// The lesson: its id (07-masking) or its number (7).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<String>,
    /// Every lesson, in order.
    #[arg(long)]
    pub all: bool,
    /// Print the lesson as text (Markdown) instead of opening the terminal UI; the default
    /// without a terminal, and with --all or --save.
    #[arg(long)]
    pub plain: bool,
    /// Also write each lesson's capture to FILE: .pcap, .har or .jsonl/.ndjson, by the
    /// extension. With --all, one file per lesson, its id before the extension
    /// (out-07-masking.pcap).
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
    /// Shorten the measured experiments (for tests; the figures are still measured).
    #[arg(long)]
    pub quick: bool,
    /// Include the speaker notes.
    #[arg(long)]
    pub notes: bool,
    /// Your own value for the steps that let you type one: a Sec-WebSocket-Key, a message, or
    /// the ws:// URL of your server for a step that grades it.
    #[arg(long, value_name = "VALUE")]
    pub input: Option<String>,
    /// A folder of lessons laid over the built-in ones (see docs/lessons.md).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<std::path::PathBuf>,
    /// Append the TLS secrets of the lesson's wss:// actions to FILE (SSLKEYLOGFILE format),
    /// so that a --save'd pcap opens decrypted in Wireshark (`-o tls.keylog_file:FILE`).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<std::path::PathBuf>,
}

/// `wslab handout`.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
#[command(
    after_help = "Every lesson chosen is run for real, as `lesson --plain` runs it: the \
        bytes are those this run captured.\n\n\
        Examples:\n  \
        wslab handout --all > course.md                   # the whole course, answers inline\n  \
        wslab handout 1-3,6 --no-answers > class.md       # lessons 1 to 3 and 6, a key at the end\n  \
        wslab handout 7 8 --brief --width 72 > masks.md\n  \
        pandoc course.md -o course.pdf                    # to print (see the README)\n\n\
        Exit status: 0 when every action ran, 1 when an action or a computed answer failed, \
        2 on a usage error or a lesson file with errors, 128+N when signal N stopped it."
)]
pub struct HandoutArgs {
    /// The lessons: numbers, ids, ranges and lists (1-3,6 or 1 2 or 07-masking).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub lessons_chosen: Vec<String>,
    /// Every lesson, in order.
    #[arg(long)]
    pub all: bool,
    /// Keep the questions, and put their answers in a key at the end.
    #[arg(long)]
    pub no_answers: bool,
    /// A shorter copy: measured experiments keep their tables but not their charts and notes,
    /// and long lists of HTTP exchanges keep their first few. Every frame and byte stays.
    #[arg(long)]
    pub brief: bool,
    /// The page width in columns, 60 to 200: prose wraps to it, and code lines and tables are
    /// laid out to fit it (a row of 16 hex bytes takes 55).
    #[arg(long, value_name = "N", default_value_t = 80)]
    pub width: usize,
    /// Include the speaker notes, for a presenter's copy.
    #[arg(long)]
    pub notes: bool,
    /// Shorten the measured experiments (the figures are still measured).
    #[arg(long)]
    pub quick: bool,
    /// A folder of lessons laid over the built-in ones (see docs/lessons.md).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<std::path::PathBuf>,
}

/// `wslab lessons`.
#[derive(Debug, Args)]
pub struct LessonsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LessonsCommand,
}

/// `wslab lessons list | check`.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// List the lessons in order, with their minutes.
    List {
        /// A folder of lessons laid over the built-in ones.
        #[arg(long, value_name = "DIR")]
        lessons: Option<std::path::PathBuf>,
    },
    /// Check lesson files: every problem as `file:line:column`; exit 1 on any error.
    #[command(
        after_help = "Without DIR, the built-in lessons are checked. With DIR, its files are \
        checked as --lessons DIR would load them, over the built-in ones.\n\n\
        Exit status: 0 when there is no error (warnings allowed), 1 on any error, 2 when DIR \
        cannot be read."
    )]
    Check {
        /// The folder to check.
        dir: Option<std::path::PathBuf>,
    },
}

/// `wslab accept`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when the key is valid (and matches --compare), \
    1 when the key is invalid or the comparison fails, 2 on a usage error."
)]
pub struct AcceptArgs {
    /// The Sec-WebSocket-Key, as a client sends it. Without one, a fresh random key is used.
    pub key: Option<String>,
    /// A Sec-WebSocket-Accept a server sent, to check against the derived one.
    #[arg(long, value_name = "ACCEPT")]
    pub compare: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Who sent the bytes given to `decode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum From {
    /// Guess from the first frame's MASK bit: set means a client sent it.
    Auto,
    /// A client sent them: every frame must be masked.
    Client,
    /// A server sent them: no frame may be masked.
    Server,
}

/// `wslab decode`.
#[derive(Debug, Args)]
#[command(
    after_help = "Hex may be spaced or not, with 0x prefixes, colons, commas, \\x escapes, \
    or pasted from xxd, hexdump -C, od or Wireshark (their offset and ASCII columns are skipped). \
    Text after # or // is ignored. A whole captured stream that starts with its HTTP handshake \
    works too: the head is shown line by line, a request's handshake rules are checked, and the \
    frames that follow are decoded.\n\n\
    Exit status: 0 when every frame follows the rules, 1 when a rule is broken or the last \
    frame is incomplete, 2 when the input is not hex."
)]
pub struct DecodeArgs {
    /// Hex bytes. A lone dash, or no hex at all, reads standard input.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    /// Who sent the bytes, which decides the masking rules.
    #[arg(long, value_enum, default_value_t = From::Auto)]
    pub from: From,
    /// Read raw bytes from standard input instead of hex, e.g. a payload saved from a capture.
    #[arg(long, conflicts_with = "hex")]
    pub raw: bool,
    /// Treat RSV1 as permessage-deflate's "compressed" bit, as if that extension was negotiated,
    /// and inflate compressed messages for display (with context takeover, unless a leading
    /// 101 says otherwise).
    #[arg(long)]
    pub deflate: bool,
    /// Payload bytes to show per frame in the hex dump.
    #[arg(long, value_name = "BYTES", default_value_t = crate::proto::limits::SHOWN_PAYLOAD)]
    pub max_payload: usize,
    /// Print JSON Lines (one object per frame and per message) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `wslab serve`.
#[derive(Debug, Args)]
#[command(after_help = "Endpoints (all on one port):\n  \
    ws  /echo /chat /ticker       echo, broadcast to every client, pushed updates\n  \
    GET /hello  POST /message     plain HTTP: a greeting, an echo\n  \
    GET /poll?since=N             updates since N (add &wait=MS to long-poll)\n  \
    GET /events                   the same updates as Server-Sent Events (Last-Event-ID resumes)\n  \
    GET /                         a page whose JavaScript opens a WebSocket to /echo\n  \
    ws  /fault/...                misbehaving servers, listed on start\n\n\
    Exit status: 128+N after signal N (130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP), 1 when the address cannot be bound, 2 on a usage error.")]
pub struct ServeArgs {
    /// The port; 0 lets the OS choose a free one.
    #[arg(long, short, default_value_t = 0)]
    pub port: u16,
    /// The address to bind. Anything other than loopback exposes the lab to the network, and
    /// wslab warns when it does.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1", value_parser = crate::net::listen::parse_host)]
    pub bind: std::net::IpAddr,
    /// Milliseconds between the ticker's updates (/ticker, /poll and /events).
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub tick_ms: u64,
    /// Show full field tables and hex for every frame, not one line each.
    #[arg(long, short)]
    pub verbose: bool,
    /// Payload bytes to show per frame in the hex dump, with -v.
    #[arg(long, value_name = "BYTES", default_value_t = crate::proto::limits::SHOWN_PAYLOAD)]
    pub max_payload: usize,
    /// Also serve wss:// and https:// on the same port, with a certificate made now for
    /// localhost, 127.0.0.1 and `::1`, signed by a CA made now. Its PEM is saved in the data
    /// directory, for `--ca` and for a browser.
    #[arg(long)]
    pub tls: bool,
    /// Decline permessage-deflate (RFC 7692): every WebSocket endpoint then answers an offer
    /// without the extension, and every message crosses uncompressed. Without this flag the
    /// lab accepts a client's first valid offer and compresses what it sends.
    #[arg(long)]
    pub no_deflate: bool,
    /// Bytes of the buffer each WebSocket connection is read into. It is allocated when a
    /// connection opens, so it is most of what an idle connection costs; tungstenite's own
    /// default is 131072. A message larger than the buffer still arrives whole.
    #[arg(long, value_name = "BYTES", default_value_t = crate::proto::limits::LAB_READ_BUFFER, value_parser = read_buffer)]
    pub read_buffer: usize,
}

// `--read-buffer`, within the range the lab takes.
fn read_buffer(text: &str) -> Result<usize, String> {
    let range = crate::proto::limits::LAB_READ_BUFFER_RANGE;
    text.parse::<usize>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            format!(
                "{text:?} is not a number of bytes from {} to {}",
                range.start(),
                range.end()
            )
        })
}

/// `wslab connect`.
#[derive(Debug, Args)]
#[command(
    after_help = "The sends run in the order given; then wslab waits for the replies (up to \
    --linger ms, 500 unless set, or until each message sent has had one and the last ping its \
    pong; or for --expect N \
    messages), closes the connection (with --close, or 1000 Normal Closure), and reads until \
    the server's close arrives, so that every reply is shown. A server that breaks a rule \
    meanwhile is answered with the close code RFC 6455 §7.4.1 gives it (1002, 1007, 1009).\n\n\
    Examples:\n  \
    wslab connect ws://127.0.0.1:9001/echo --send hello --ping hb\n  \
    wslab connect ws://127.0.0.1:9001/echo --key dGhlIHNhbXBsZSBub25jZQ== --mask 37fa213d --send Hello\n  \
    wslab connect ws://127.0.0.1:9001/ticker --expect 3\n  \
    wslab connect ws://127.0.0.1:9001/echo --send-raw 'opcode=0xb payload=hi'   # a reserved opcode: the lab closes with 1002\n  \
    wslab connect ws://127.0.0.1:9001/echo --send-raw '81 85 37 fa 21 3d 7f 9f 4d 51 58'   # RFC 6455's masked \"Hello\", as hex\n  \
    wslab connect wss://localhost:9001/echo --ca ~/.local/share/wslab/lab-ca.pem --send hi --keylog keys.txt --save hi.pcap\n\n\
    Exit status: 0 when the exchange followed the rules, 1 when it failed or a peer broke a \
    rule, 2 on a usage error, 128+N when signal N interrupted it (closed with 1001, saved)."
)]
pub struct ConnectArgs {
    /// The server, as `ws://HOST[:PORT]/PATH` or `wss://HOST[:PORT]/PATH`.
    pub url: String,
    /// For wss:// URLs.
    #[command(flatten)]
    pub tls: TlsArgs,
    /// Pin the Sec-WebSocket-Key (base64 of 16 bytes), so the Accept is predictable.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Add a request header, as 'Name: value'. Repeatable.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Offer a subprotocol. Repeatable, in order of preference.
    #[arg(long = "protocol", value_name = "NAME")]
    pub protocols: Vec<String>,
    /// Send a text message. Repeatable; sends keep their order on the command line.
    #[arg(long, value_name = "TEXT")]
    pub send: Vec<String>,
    /// Send a binary message given as hex. Repeatable.
    #[arg(long, value_name = "HEX")]
    pub send_hex: Vec<String>,
    /// Send a ping with this payload and time its pong. Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub ping: Vec<String>,
    /// Send an unsolicited pong with this payload. Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub pong: Vec<String>,
    /// Send bytes crafted by hand, written on the socket as they are, bypassing the WebSocket
    /// library, to see how the server reacts. Hex in any shape `decode` reads goes out exactly
    /// as typed (any frame, several, or half of one). Fields describe a frame, and `;`
    /// separates frames: fin=0|1 rsv1= rsv2= rsv3= opcode=0-15|text|binary|close|ping|pong|cont
    /// mask=HEX8|none len=N (a length that may lie) encoding=7|16|64 (or len16=N, len64=N)
    /// payload=TEXT (quoted for spaces: payload="a b") payload-hex=HEX. Unset fields are FIN,
    /// RSV clear, text, the payload's length in its shortest form, and a fresh masking key
    /// (--mask and --unmasked set that default). Repeatable.
    #[arg(long, value_name = "HEX|FIELDS")]
    pub send_raw: Vec<String>,
    /// Send each text and binary message as this many frames: one first frame and
    /// continuations (RFC 6455 §5.4). Splits fall on bytes, even inside a UTF-8 character.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub fragments: u16,
    /// Close with this code and reason, e.g. 1000 or 4000:done.
    #[arg(long, value_name = "CODE[:REASON]")]
    pub close: Option<String>,
    /// Wait for this many data messages from the server before closing (e.g. a ticker's),
    /// each up to --timeout; instead of --linger's wait.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub expect: usize,
    /// Without --expect: after the sends, wait up to this many milliseconds for the server's
    /// replies (or its reaction to a broken rule) before closing; the wait ends early once
    /// each text or binary message sent has had a reply, as from an echo endpoint, and the
    /// last ping its pong. 0 closes right after the sends.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_LINGER_MS, conflicts_with = "expect",
        value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub linger: u64,
    /// Offer permessage-deflate (RFC 7692); when the server accepts, what is sent goes
    /// compressed and what comes back is inflated, every byte still shown as it crossed.
    /// PARAMS are the offer's parameters, such as
    /// `--deflate="server_no_context_takeover; client_max_window_bits=10"`; plain `--deflate`
    /// offers `permessage-deflate; client_max_window_bits`, as browsers do.
    #[arg(long, value_name = "PARAMS", num_args = 0..=1, require_equals = true, default_missing_value = "client_max_window_bits")]
    pub deflate: Option<String>,
    /// Pin the masking key, as 8 hex digits, of every frame the sends write (data, ping,
    /// pong), so their bytes repeat run after run. Those frames are encoded by wslab and
    /// written as they are; the close frame and automatic pongs come from tokio-tungstenite,
    /// which picks a fresh key for each.
    #[arg(long, value_name = "HEX8", conflicts_with = "unmasked")]
    pub mask: Option<String>,
    /// Send frames unmasked, breaking RFC 6455 §5.1, to see how the server reacts.
    #[arg(long)]
    pub unmasked: bool,
    /// Seconds to wait for the connection, the handshake and each reply.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Compact: the handshake in a few lines and one line per frame, instead of every header
    /// explained and every frame's field table and hex.
    #[arg(long)]
    pub brief: bool,
    /// Payload bytes to show per frame in the hex dump.
    #[arg(long, value_name = "BYTES", default_value_t = crate::proto::limits::SHOWN_PAYLOAD)]
    pub max_payload: usize,
    /// Print one JSON object with the whole transcript instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write the capture to FILE: .pcap (Wireshark, tshark), .har (browser devtools) or
    /// .jsonl/.ndjson (one JSON event a line), by the extension.
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
}

// How a `connect` option's value becomes a send.
type MakeSend = fn(String) -> Send;

/// One thing `connect` sends, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Send {
    /// `--send`.
    Text(String),
    /// `--send-hex`, still as typed.
    Hex(String),
    /// `--ping`.
    Ping(String),
    /// `--pong`.
    Pong(String),
    /// `--send-raw`, still as typed.
    Raw(String),
}

/// `connect`'s sends in the order they were typed. clap keeps each option's values apart, so
/// the order across options comes from the positions clap recorded.
pub fn connect_sends(matches: &ArgMatches) -> Vec<Send> {
    let Some(("connect", sub)) = matches.subcommand() else {
        return Vec::new();
    };
    let mut sends: Vec<(usize, Send)> = Vec::new();
    let kinds: [(&str, MakeSend); 5] = [
        ("send", Send::Text),
        ("send_hex", Send::Hex),
        ("ping", Send::Ping),
        ("pong", Send::Pong),
        ("send_raw", Send::Raw),
    ];
    for (id, make) in kinds {
        let (Some(values), Some(indices)) = (sub.get_many::<String>(id), sub.indices_of(id)) else {
            continue;
        };
        sends.extend(indices.zip(values).map(|(i, v)| (i, make(v.clone()))));
    }
    sends.sort_by_key(|(i, _)| *i);
    sends.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn connect_sends_keep_their_command_line_order_across_options() {
        let matches = Cli::command()
            .try_get_matches_from([
                "wslab",
                "connect",
                "ws://x/",
                "--send-raw",
                "payload=a",
                "--send",
                "b",
                "--send-raw",
                "81 00",
                "--ping",
                "c",
                "--send-hex",
                "01",
            ])
            .expect("valid arguments");
        assert_eq!(
            connect_sends(&matches),
            [
                Send::Raw("payload=a".into()),
                Send::Text("b".into()),
                Send::Raw("81 00".into()),
                Send::Ping("c".into()),
                Send::Hex("01".into()),
            ]
        );
    }
}
