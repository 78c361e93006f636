//! Pretty-printing JSON text exactly as received: key order, numbers (19-digit ids, `12.50`)
//! and escapes are kept; only whitespace changes.

use serde::de::IgnoredAny;

/// Re-indents valid JSON text with two spaces; `Err` when the text is not JSON.
///
/// ```text
/// {"b":1,"a":[12.50,{}]}  →  {
///                              "b": 1,
///                              "a": [
///                                12.50,
///                                {}
///                              ]
///                            }
/// ```
pub fn pretty(text: &str) -> Result<String, serde_json::Error> {
    serde_json::from_str::<IgnoredAny>(text)?;
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::pretty;

    #[test]
    fn keeps_order_numbers_and_strings() {
        let text =
            r#"{"b":3535260697417660107,"a":[12.50, {} ,[]],"s":"x, {\"y\": [1]}","u":"连衣裙"}"#;
        let expected = "{\n  \"b\": 3535260697417660107,\n  \"a\": [\n    12.50,\n    {},\n    []\n  ],\n  \"s\": \"x, {\\\"y\\\": [1]}\",\n  \"u\": \"连衣裙\"\n}";
        assert_eq!(pretty(text).unwrap(), expected);
        assert_eq!(pretty(" 1 ").unwrap(), "1");
        assert!(pretty("{\"a\":").is_err());
        assert!(pretty("<html>").is_err());
    }
}
