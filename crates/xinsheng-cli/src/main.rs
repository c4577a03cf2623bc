//! `xinsheng`: batch emotion, sentiment and escalation tagging of Chinese
//! customer-service transcripts. See `xinsheng --help` and the README.
#![forbid(unsafe_code)]

/// Records are allocated on the reader thread and freed on the scoring and writer
/// threads; mimalloc's thread-free lists make that cheap where glibc's malloc takes a
/// lock per free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Without it, an interrupted `-o` run would leave its temporary file behind.
    if let Err(e) = xinsheng_cli::output::cleanup_on_signals() {
        eprintln!("xinsheng: warning: cannot watch for signals: {e}");
    }
    std::process::exit(xinsheng_cli::app::main_with_args(std::env::args_os()));
}
