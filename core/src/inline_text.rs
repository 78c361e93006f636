//! Short ASCII texts held inline: a request's `_aop_timestamp` and `_aop_signature` cost no heap
//! allocation per call.

/// Up to `N` bytes of ASCII text.
#[derive(Clone, Copy)]
pub(crate) struct InlineText<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> InlineText<N> {
    /// The first `N` bytes of `text`; callers pass ASCII of at most `N` bytes.
    pub(crate) fn new(text: &str) -> Self {
        let len = text.len().min(N);
        let mut bytes = [0; N];
        bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
        InlineText { bytes, len }
    }

    /// All `N` bytes, ASCII.
    pub(crate) fn full(bytes: [u8; N]) -> Self {
        InlineText { bytes, len: N }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever written, so this never falls back.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}
