//! End-to-end tests of the `xinsheng` binary (one integration-test binary).

mod cli;
mod gold;
