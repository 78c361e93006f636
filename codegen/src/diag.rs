//! Diagnostics: one line each, naming the file and the JSON pointer of what is wrong.

use std::fmt;

/// One problem in one spec file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file, relative to the workspace root where possible.
    pub file: String,
    /// A JSON pointer into the file (`/params/0/type`); `/` for the whole document.
    pub pointer: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{}: {}: {}", self.file, pointer, self.message)
    }
}

/// Every problem found; generation writes nothing while there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, file: &str, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic {
            file: file.to_owned(),
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    /// Adds what `other` found after what is here.
    pub fn append(&mut self, mut other: Diagnostics) {
        self.0.append(&mut other.0);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sorted = self.0.clone();
        sorted.sort();
        for d in &sorted {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "{} error{} in the specs; nothing was written",
            sorted.len(),
            if sorted.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Appends a key to a JSON pointer, escaping `~` and `/` as RFC 6901 says.
pub fn child(pointer: &str, key: impl fmt::Display) -> String {
    use fmt::Write as _;
    // One allocation in the usual case: every field of every spec gets a pointer, used or not.
    let mut out = String::with_capacity(pointer.len() + 24);
    out.push_str(pointer);
    out.push('/');
    let start = out.len();
    let _ = write!(out, "{key}"); // writing to a String cannot fail
    if out[start..].contains(['~', '/']) {
        let key = out.split_off(start).replace('~', "~0").replace('/', "~1");
        out.push_str(&key);
    }
    out
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}
