//! Markdown laid out to a width for print: paragraphs, list items and quotes rewrapped, code
//! lines broken under their last column, wide tables split into narrower ones. Only layout
//! changes: every word, value and byte of the input is in the output.
//!
//! Widths count characters: everything wslab prints (`·`, `→`, `█`, `✓`) is one column wide.

/// `markdown` with no line wider than `width` where it can be helped: a single word or token
/// wider than the page is left whole rather than cut.
pub fn reflow(markdown: &str, width: usize) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    let mut item: Option<Item> = None;
    let mut table: Vec<&str> = Vec::new();
    for line in markdown.lines() {
        if let Some(marker) = &fence {
            if line.trim().starts_with(marker.as_str())
                && line.trim().chars().all(|c| c == '`' || c == '~')
            {
                fence = None;
                push_line(&mut out, line);
            } else {
                out.push_str(&code_line(line, width));
            }
            continue;
        }
        if !line.starts_with('|') && !table.is_empty() {
            out.push_str(&fit_table(&table, width));
            table.clear();
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut out, &mut item, width);
            let c = trimmed.chars().next().unwrap_or('`');
            fence = Some(trimmed.chars().take_while(|x| *x == c).collect());
            push_line(&mut out, line);
            continue;
        }
        if line.starts_with('|') {
            flush(&mut out, &mut item, width);
            table.push(line);
            continue;
        }
        if trimmed.is_empty() || line.starts_with('#') {
            flush(&mut out, &mut item, width);
            push_line(&mut out, line);
            continue;
        }
        match item.as_mut() {
            Some(open) if open.goes_on(line) => open.add(line),
            _ => {
                flush(&mut out, &mut item, width);
                item = Some(Item::start(line));
            }
        }
        // A line ending in two spaces is a hard break: the item ends with it.
        if line.ends_with("  ") {
            if let Some(open) = item.as_mut() {
                open.hard = true;
            }
            flush(&mut out, &mut item, width);
        }
    }
    flush(&mut out, &mut item, width);
    if !table.is_empty() {
        out.push_str(&fit_table(&table, width));
    }
    out
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// A paragraph, list item or quote being gathered: its first line's lead, the lead of the
/// lines after, and its words.
struct Item {
    first: String,
    rest: String,
    text: String,
    hard: bool,
}

impl Item {
    fn start(line: &str) -> Self {
        let indent = line.len() - line.trim_start().len();
        let body = &line[indent..];
        let lead = &line[..indent];
        let (marker, text) = if let Some(text) = body.strip_prefix("> ") {
            ("> ".to_owned(), text)
        } else if let Some(text) = body.strip_prefix("- ").or_else(|| body.strip_prefix("* ")) {
            ("- ".to_owned(), text)
        } else if let Some((marker, text)) = numbered(body) {
            (marker, text)
        } else {
            (String::new(), body)
        };
        let rest = if marker == "> " {
            format!("{lead}> ")
        } else {
            format!("{lead}{}", " ".repeat(marker.chars().count()))
        };
        Self {
            first: format!("{lead}{marker}"),
            rest,
            text: text.trim().to_owned(),
            hard: false,
        }
    }

    /// Whether `line` continues this item rather than starting another.
    fn goes_on(&self, line: &str) -> bool {
        if self.rest.ends_with("> ") {
            return line.starts_with(self.rest.as_str()) && !line[self.rest.len()..].is_empty();
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let starts_own = body.starts_with("> ")
            || body.starts_with("- ")
            || body.starts_with("* ")
            || numbered(body).is_some();
        !starts_own && indent == self.rest.len()
    }

    fn add(&mut self, line: &str) {
        let text = if self.rest.ends_with("> ") {
            &line[self.rest.len()..]
        } else {
            line
        };
        self.text.push(' ');
        self.text.push_str(text.trim());
    }
}

/// `12. text` or `a) text`: the marker with its space, and the text.
fn numbered(body: &str) -> Option<(String, &str)> {
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(text) = body[digits..].strip_prefix(". ")
    {
        return Some((format!("{}. ", &body[..digits]), text));
    }
    let mut chars = body.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), Some(')'), Some(' ')) if c.is_ascii_lowercase() => {
            Some((format!("{c}) "), &body[3..]))
        }
        _ => None,
    }
}

fn flush(out: &mut String, item: &mut Option<Item>, width: usize) {
    let Some(item) = item.take() else {
        return;
    };
    let words: Vec<&str> = item.text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut lines = fill(&words, " ", &item.first, &item.rest, width);
    if item.hard
        && let Some(last) = lines.last_mut()
    {
        last.push_str("  ");
    }
    for line in lines {
        push_line(out, &line);
    }
}

/// Greedy fill: `tokens` joined by `sep`, the first line led by `first`, the others by `rest`.
fn fill(tokens: &[&str], sep: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for (i, token) in tokens.iter().enumerate() {
        let wanted = line.chars().count() + sep.chars().count() + token.chars().count();
        if !empty && wanted > width {
            // A line that began with `-`, `1.`, `#` or `>` would start a list, a heading or a
            // quote: the word before goes down with it.
            let carried = (sep == " " && i > 0 && starts_block(token))
                .then(|| line.rsplit_once(' '))
                .flatten()
                .filter(|(kept, _)| kept.len() > rest.len() && kept.trim() != first.trim())
                .map(|(kept, word)| (kept.to_owned(), word.to_owned()));
            if let Some((kept, word)) = carried {
                lines.push(kept.trim_end().to_owned());
                line = format!("{rest}{word}");
            } else {
                lines.push(line.trim_end().to_owned());
                rest.clone_into(&mut line);
                empty = true;
            }
        }
        if !empty {
            line.push_str(sep);
        }
        line.push_str(token);
        empty = false;
    }
    lines.push(line.trim_end().to_owned());
    lines
}

/// Whether a line starting with `token` would start a Markdown list item, heading or quote.
fn starts_block(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    matches!(token, "-" | "+" | "*" | ">")
        || (!token.is_empty() && token.chars().all(|c| c == '#'))
        || (digits > 0 && matches!(&token[digits..], "." | ")"))
}

/// A line of a code block, broken under its last column when it is too wide: the columns
/// before stay as they are, and the continuation lines start where the last column does.
fn code_line(line: &str, width: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width {
        return format!("{line}\n");
    }
    let lead = chars.iter().take_while(|c| **c == ' ').count();
    // Where each column after a gap of two or more spaces starts.
    let mut starts = (lead + 2..chars.len())
        .filter(|&i| chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ');
    // The continuation keeps at least a quarter of the page, or starts near the left.
    let hang = starts
        .rfind(|&i| i + width / 4 <= width)
        .unwrap_or(lead + 4);
    let head: String = chars[..hang.min(chars.len())].iter().collect();
    let tail: String = chars[hang.min(chars.len())..].iter().collect();
    // A line of `a · b · c` parts breaks between parts where it can.
    let (tokens, sep): (Vec<&str>, &str) = if tail.contains(" · ") {
        (tail.split(" · ").collect(), " · ")
    } else {
        // A token wider than the column (a hex run, base64, a long string) is broken into
        // pieces that fit: in a code block, nothing else would keep it on the page.
        let room = width.saturating_sub(hang).max(8);
        (
            tail.split(' ')
                .filter(|w| !w.is_empty())
                .flat_map(|w| pieces(w, room))
                .collect(),
            " ",
        )
    };
    let indent = " ".repeat(hang);
    let mut out = String::new();
    for (i, row) in fill(&tokens, sep, &head, &indent, width)
        .into_iter()
        .enumerate()
    {
        // A part still too wide breaks between its words.
        if row.chars().count() > width && sep == " · " {
            let lead_with = if i == 0 {
                head.as_str()
            } else {
                indent.as_str()
            };
            let body = &row[lead_with.len().min(row.len())..];
            let words: Vec<&str> = body.split(' ').filter(|w| !w.is_empty()).collect();
            for piece in fill(&words, " ", lead_with, &indent, width) {
                push_line(&mut out, &piece);
            }
        } else {
            push_line(&mut out, &row);
        }
    }
    out
}

/// `word` in pieces of at most `room` characters.
fn pieces(word: &str, room: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while rest.chars().count() > room {
        let cut = rest.char_indices().nth(room).map_or(rest.len(), |(i, _)| i);
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// A pipe table, padded, and split into tables of fewer columns (each repeating the first)
/// when it is wider than `width`.
fn fit_table(rows: &[&str], width: usize) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let is_rule = |c: &str| !c.is_empty() && c.chars().all(|x| x == '-' || x == ':');
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|c| !is_rule(c))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max(3)
        })
        .collect();
    // Each column costs its width and " | ".
    let cost = |i: usize| widths[i] + 3;
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part = vec![0];
    let mut used = 1 + cost(0);
    for i in 1..columns {
        if part.len() > 1 && used + cost(i) > width {
            parts.push(std::mem::replace(&mut part, vec![0]));
            used = 1 + cost(0);
        }
        part.push(i);
        used += cost(i);
    }
    parts.push(part);
    let mut out = String::new();
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        for row in &cells {
            let mut line = String::from("|");
            for &i in part {
                let cell = row.get(i).map_or("", String::as_str);
                let w = widths[i];
                let shown = if is_rule(cell) {
                    let right = cell.ends_with(':');
                    let dashes = "-".repeat(if right { w - 1 } else { w });
                    if right { format!("{dashes}:") } else { dashes }
                } else if i > 0 && row.iter().all(|c| !is_rule(c)) {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                };
                line.push(' ');
                line.push_str(&shown);
                line.push_str(" |");
            }
            push_line(&mut out, &line);
        }
    }
    out
}

#[cfg(test)]
#[path = "wrap_tests.rs"]
mod tests;
