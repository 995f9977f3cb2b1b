//! The request headers a client sends on top of what the request itself needs.

use hyper::header::{HeaderName, HeaderValue};

use super::HttpError;

/// Headers the client writes itself, because they must agree with the body's framing or with
/// the keep-alive option; a `HeaderSet` that named them could make the request lie.
const CLIENT_OWNED: [&str; 3] = ["content-length", "transfer-encoding", "connection"];

/// An ordered list of request headers, validated as they are added. Order is kept because
/// lessons show the request as it went out, and a browser's order is part of what it looks
/// like.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderSet {
    entries: Vec<(HeaderName, HeaderValue)>,
}

impl HeaderSet {
    /// Nothing beyond what the request needs: the client still adds `Host`, and
    /// `Content-Length` and `Connection: close` when they apply.
    pub fn minimal() -> Self {
        Self::default()
    }

    /// What Chrome 131 on Linux sends with a `fetch()` to its own origin.
    ///
    /// It imitates a real browser rather than a tidy minimum because lessons weigh an HTTP
    /// request's headers against a WebSocket frame's 2 to 14 bytes, and the fair comparison is
    /// with what browsers actually send on every poll. The `wslab/<version>` suffix keeps
    /// server logs honest about who is asking. The cookie is fixed so that byte counts repeat
    /// run after run.
    pub fn browser() -> Self {
        let user_agent = concat!(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ",
            "Chrome/131.0.0.0 Safari/537.36 wslab/",
            env!("CARGO_PKG_VERSION")
        );
        let pairs: [(&'static str, &'static str); 13] = [
            (
                "sec-ch-ua",
                "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
            ),
            ("sec-ch-ua-mobile", "?0"),
            ("sec-ch-ua-platform", "\"Linux\""),
            ("user-agent", user_agent),
            ("accept", "*/*"),
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-dest", "empty"),
            ("accept-encoding", "gzip, deflate, br, zstd"),
            ("accept-language", "en-US,en;q=0.9"),
            ("cache-control", "no-cache"),
            ("pragma", "no-cache"),
            ("cookie", "session=5f2b9c0e8d1a4f6b3c7e9a0d2b4f6e81"),
        ];
        Self {
            entries: pairs
                .into_iter()
                .map(|(name, value)| {
                    (
                        HeaderName::from_static(name),
                        HeaderValue::from_static(value),
                    )
                })
                .collect(),
        }
    }

    /// Sets `name` to `value`: replaces the first header of that name in place (dropping any
    /// others of that name), or appends it.
    ///
    /// # Errors
    /// [`HttpError::InvalidHeader`] when the name is not a token, the value holds control
    /// characters, or the name is one the client writes itself (`Content-Length`,
    /// `Transfer-Encoding`, `Connection`).
    pub fn with(mut self, name: &str, value: &str) -> Result<Self, HttpError> {
        let invalid = |reason: &'static str| HttpError::InvalidHeader {
            name: name.to_owned(),
            reason,
        };
        let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            invalid("a header name is a token: letters, digits and !#$%&'*+-.^_`|~")
        })?;
        if CLIENT_OWNED.contains(&parsed.as_str()) {
            return Err(invalid(
                "the client writes it itself, to match the body and the keep-alive option",
            ));
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| invalid("a header value cannot hold control characters or line breaks"))?;
        match self.entries.iter().position(|(n, _)| *n == parsed) {
            Some(first) => {
                self.entries[first].1 = value;
                let mut index = 0;
                self.entries.retain(|(n, _)| {
                    let keep = index <= first || *n != parsed;
                    index += 1;
                    keep
                });
            }
            None => self.entries.push((parsed, value)),
        }
        Ok(self)
    }

    /// Removes every header called `name` (case-insensitively); an unknown name is no error.
    #[must_use]
    pub fn without(mut self, name: &str) -> Self {
        self.entries
            .retain(|(n, _)| !n.as_str().eq_ignore_ascii_case(name));
        self
    }

    /// The value of `name`, if set and readable as text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.to_str().ok())
    }

    /// Whether `name` is set.
    pub fn contains(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
    }

    /// The headers in order, names lower-cased (hyper writes them Title-Case on the wire).
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.entries.iter().map(|(n, v)| (n, v))
    }

    /// How many headers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_replaces_in_place_and_appends_new_names() {
        let set = HeaderSet::browser()
            .with("Accept", "text/plain")
            .unwrap()
            .with("X-Lesson", "3")
            .unwrap();
        assert_eq!(set.get("accept"), Some("text/plain"));
        let names: Vec<&str> = set.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.iter().position(|n| *n == "accept"), Some(4));
        assert_eq!(names.last(), Some(&"x-lesson"));
        assert_eq!(set.len(), HeaderSet::browser().len() + 1);
    }

    #[test]
    fn with_collapses_duplicates_and_without_removes_all() {
        let mut set = HeaderSet::minimal();
        set.entries.push((
            HeaderName::from_static("x-a"),
            HeaderValue::from_static("1"),
        ));
        set.entries.push((
            HeaderName::from_static("x-b"),
            HeaderValue::from_static("2"),
        ));
        set.entries.push((
            HeaderName::from_static("x-a"),
            HeaderValue::from_static("3"),
        ));
        let set = set.with("x-a", "4").unwrap();
        let pairs: Vec<(&str, &str)> = set
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("x-a", "4"), ("x-b", "2")]);
        assert!(set.without("X-A").without("nope").contains("x-b"));
    }

    #[test]
    fn bad_names_and_values_are_errors() {
        for (name, value) in [
            ("bad name", "v"),
            ("", "v"),
            ("X-Ok", "line\r\nbreak"),
            ("Content-Length", "5"),
            ("connection", "close"),
        ] {
            let error = HeaderSet::minimal().with(name, value).unwrap_err();
            assert!(
                matches!(error, HttpError::InvalidHeader { .. }),
                "{name}: {error}"
            );
        }
    }
}
