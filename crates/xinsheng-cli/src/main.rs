//! `xinsheng`: batch emotion, sentiment and escalation tagging of Chinese
//! customer-service transcripts. See `xinsheng --help` and the README.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(xinsheng_cli::app::main_with_args(std::env::args_os()));
}
