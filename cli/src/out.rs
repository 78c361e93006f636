//! Writing to stdout without panicking when the reader goes away (`open1688 apis | head`).

use crate::exit::{CliError, CliResult, FAILURE};
use std::io::Write;

/// Writes `bytes` to stdout and flushes. A closed pipe is not an error: the reader has what it
/// wanted.
pub fn write(bytes: &[u8]) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(
            FAILURE,
            format!("cannot write the output: {e}"),
        )),
    }
}

/// Writes `text` and a newline to stdout.
pub fn line(text: impl AsRef<str>) -> CliResult {
    write(format!("{}\n", text.as_ref()).as_bytes())
}
