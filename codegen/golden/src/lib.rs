//! The generator's golden output: the fixture specs in `codegen/tests/fixtures/specs/`,
//! generated into `src/generated/` by `cargo xtask gen` and committed, so every generator
//! change shows up as a reviewable diff. Compiling this crate (with `-D warnings`, for all
//! features, each feature alone and none) is the compile test of that output.

use std::ops::Deref;

/// A stand-in for the SDK's client: the core client plus the generated namespace accessors.
#[derive(Clone, Debug)]
pub struct Client(open1688_core::Client);

impl From<open1688_core::Client> for Client {
    fn from(client: open1688_core::Client) -> Self {
        Client(client)
    }
}

impl Deref for Client {
    type Target = open1688_core::Client;
    fn deref(&self) -> &open1688_core::Client {
        &self.0
    }
}

#[rustfmt::skip]
mod generated;

pub use generated::*;
