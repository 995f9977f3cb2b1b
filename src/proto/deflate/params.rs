//! The text of a `Sec-WebSocket-Extensions` header split into extensions and their parameters
//! (RFC 6455 §9.1), quoted values unquoted (RFC 7692 §7.1: a value may be a token or a
//! quoted-string, judged after unescaping).

/// One extension of the header: its name and its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The extension's name, as sent.
    pub name: String,
    /// Each parameter's name and value; `None` when it has no `=`.
    pub params: Vec<(String, Option<String>)>,
}

/// The most extensions read from one header, so that a long header costs bounded work.
pub const MAX_ELEMENTS: usize = 32;

/// The extensions of one or more `Sec-WebSocket-Extensions` values, in order. Empty elements
/// are skipped; past [`MAX_ELEMENTS`] the rest are ignored.
pub fn elements<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Element> {
    let mut out = Vec::new();
    for value in values {
        for element in split_outside_quotes(value, ',') {
            let mut parts = split_outside_quotes(&element, ';').into_iter();
            let name = parts.next().unwrap_or_default();
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let params = parts
                .map(|part| match part.split_once('=') {
                    Some((key, value)) => (key.trim().to_owned(), Some(unquote(value.trim()))),
                    None => (part.trim().to_owned(), None),
                })
                .collect();
            out.push(Element {
                name: name.to_owned(),
                params,
            });
            if out.len() == MAX_ELEMENTS {
                return out;
            }
        }
    }
    out
}

// Splits at `at`, except inside a quoted-string, where a backslash escapes the next character.
fn split_outside_quotes(text: &str, at: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        let part = parts.last_mut().expect("never empty");
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == at && !quoted {
            parts.push(String::new());
            continue;
        }
        part.push(c);
    }
    parts
}

// A quoted-string's content with its escapes undone; a token as it is.
fn unquote(value: &str) -> String {
    let Some(inner) = value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_and_parameters_in_order() {
        let found = elements([
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate",
            "x-other",
        ]);
        let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["permessage-deflate", "permessage-deflate", "x-other"]
        );
        assert_eq!(
            found[0].params,
            [
                ("client_max_window_bits".to_owned(), None),
                ("server_max_window_bits".to_owned(), Some("10".to_owned())),
            ]
        );
    }

    #[test]
    fn quoted_values_are_unquoted_and_may_hold_separators() {
        let found = elements([r#"permessage-deflate; server_max_window_bits="1\0", x; a="b,c;d""#]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].params[0].1.as_deref(), Some("10"));
        assert_eq!(found[1].params[0].1.as_deref(), Some("b,c;d"));
    }

    #[test]
    fn a_long_header_is_bounded() {
        let long = vec!["a"; 1000].join(",");
        assert_eq!(elements([long.as_str()]).len(), MAX_ELEMENTS);
    }
}
