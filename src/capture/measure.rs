//! The results of a measured experiment as a plain table: what was compared (rows), what was
//! measured (columns), and the figures. Plain mode prints it as a Markdown table and a text
//! chart; the TUI draws bar charts from the same data.

/// One measured figure, with its unit, so every view formats it the same way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A count: requests, handshakes, messages.
    Count(u64),
    /// Bytes on the wire.
    Bytes(u64),
    /// A duration in µs.
    Micros(u64),
    /// A ratio or an average that is not a whole number.
    Ratio(f64),
    /// Nothing to report, said as such rather than as 0: a push channel sends no requests
    /// per update, but "no delivery" has no delay.
    None,
}

impl Figure {
    /// The figure as a number for charts, `None` when there is none.
    pub fn value(self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)] // Chart bars do not need 53 bits.
            Figure::Count(n) | Figure::Bytes(n) | Figure::Micros(n) => Some(n as f64),
            Figure::Ratio(x) => Some(x),
            Figure::None => None,
        }
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Figure::Count(n) => write!(f, "{}", group(n)),
            // Exact below 100 KiB, where a learner counts bytes; scaled above, where the
            // magnitude is the point.
            #[allow(clippy::cast_precision_loss)]
            Figure::Bytes(n) if n >= 1024 * 1024 => write!(f, "{:.2} MiB", n as f64 / 1_048_576.0),
            #[allow(clippy::cast_precision_loss)]
            Figure::Bytes(n) if n >= 100 * 1024 => write!(f, "{:.1} KiB", n as f64 / 1024.0),
            Figure::Bytes(n) => write!(f, "{} B", group(n)),
            #[allow(clippy::cast_precision_loss)] // µs to ms for display only.
            Figure::Micros(us) => {
                if us < 10_000 {
                    write!(f, "{:.2} ms", us as f64 / 1000.0)
                } else {
                    write!(f, "{:.0} ms", us as f64 / 1000.0)
                }
            }
            Figure::Ratio(x) => {
                if x.abs() >= 100.0 {
                    write!(f, "{x:.0}")
                } else {
                    write!(f, "{x:.2}")
                }
            }
            Figure::None => f.write_str("–"),
        }
    }
}

/// 1234567 as "1,234,567", which a class reads at a glance.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One thing compared: "polling every 500 ms", "WebSocket".
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What this row is.
    pub label: String,
    /// One figure per column.
    pub figures: Vec<Figure>,
}

/// A measured comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// What was measured, in one line.
    pub title: String,
    /// The column headings: "bytes on the wire", "requests".
    pub columns: Vec<String>,
    /// The things compared.
    pub rows: Vec<Row>,
    /// The columns worth a chart, by index.
    pub charts: Vec<usize>,
    /// How it was measured, and what to keep in mind reading it.
    pub notes: Vec<String>,
}

impl Measured {
    /// The figure at `row`, `column`, if both exist.
    pub fn figure(&self, row: usize, column: usize) -> Option<Figure> {
        self.rows.get(row)?.figures.get(column).copied()
    }

    /// The index of the column whose heading is `name`, ignoring case.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_a_person_writes_them() {
        assert_eq!(Figure::Count(1_234_567).to_string(), "1,234,567");
        assert_eq!(Figure::Bytes(999).to_string(), "999 B");
        assert_eq!(Figure::Bytes(40_200).to_string(), "40,200 B");
        assert_eq!(Figure::Bytes(145_899).to_string(), "142.5 KiB");
        assert_eq!(Figure::Bytes(28_139_520).to_string(), "26.84 MiB");
        assert_eq!(Figure::Micros(1_234).to_string(), "1.23 ms");
        assert_eq!(Figure::Micros(250_400).to_string(), "250 ms");
        assert_eq!(Figure::Ratio(1.23456).to_string(), "1.23");
        assert_eq!(Figure::None.to_string(), "–");
        assert_eq!(Figure::None.value(), None);
    }

    #[test]
    fn columns_are_found_by_name() {
        let m = Measured {
            title: "t".into(),
            columns: vec!["Requests".into(), "bytes".into()],
            rows: vec![Row {
                label: "a".into(),
                figures: vec![Figure::Count(3), Figure::Bytes(10)],
            }],
            charts: vec![1],
            notes: vec![],
        };
        assert_eq!(m.column("requests"), Some(0));
        assert_eq!(m.figure(0, 1), Some(Figure::Bytes(10)));
        assert_eq!(m.figure(1, 0), None);
    }
}
