//! Hex dumps whose bytes are marked by the field they belong to. The rows are laid out first,
//! then painted, as hexyl does: the same layout serves colour and no-colour output.

use std::fmt::Write as _;

use super::style::{Palette, Role};

/// Bytes shown per row.
pub const ROW: usize = 16;

/// The least width of the offset column.
const OFFSET: usize = 4;

/// What a dump's numbers are, for its legend: the one place a reader learns the bases.
pub const BASES: &str = "offsets dec, bytes hex";

/// One byte of a dump with the role that colours it and the lane mark that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// The byte.
    pub byte: u8,
    /// Its colour.
    pub role: Role,
    /// Two characters naming its field in the lane under the row, for output without colour.
    pub mark: &'static str,
}

/// Renders cells as rows of 16, each row headed by the offset of its first byte from `start`,
/// in decimal as every offset wslab shows is (the legend says so; the bytes are hex).
/// Without colour, a lane under each row marks every byte with its field; cells with empty
/// marks (a dump of one field only) get no lane.
pub fn render(start: u64, cells: &[Cell], palette: Palette, indent: &str) -> String {
    let mut out = String::new();
    let last = start + cells.len().saturating_sub(1) as u64;
    let width = last
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1)
        .max(OFFSET);
    for (row_index, row) in cells.chunks(ROW).enumerate() {
        let offset = start + (row_index * ROW) as u64;
        let _ = write!(
            out,
            "{indent}{}  ",
            palette.paint(Role::Dim, &format!("{offset:>width$}"))
        );
        let mut lane = String::new();
        for (i, cell) in row.iter().enumerate() {
            let gap = if i == ROW / 2 {
                "  "
            } else if i > 0 {
                " "
            } else {
                ""
            };
            out.push_str(gap);
            lane.push_str(gap);
            out.push_str(&palette.paint(cell.role, &format!("{:02x}", cell.byte)));
            lane.push_str(cell.mark);
        }
        out.push('\n');
        if !palette.enabled() && !lane.trim().is_empty() {
            let _ = writeln!(out, "{indent}{}  {}", " ".repeat(width), lane.trim_end());
        }
    }
    out
}

/// A legend naming the colours (or lane marks) used.
pub fn legend(palette: Palette, parts: &[(Role, &str, &str)]) -> String {
    parts
        .iter()
        .map(|(role, mark, name)| {
            if palette.enabled() {
                palette.paint(*role, name)
            } else {
                format!("{mark} {name}")
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(n: u8) -> Vec<Cell> {
        (0..n)
            .map(|byte| Cell {
                byte,
                role: Role::Payload,
                mark: "pp",
            })
            .collect()
    }

    #[test]
    fn rows_of_sixteen_with_lanes() {
        let text = render(16, &cells(18), Palette::plain(), "");
        assert_eq!(
            text,
            "  16  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n      pp pp pp pp pp pp pp pp  pp pp pp pp pp pp pp pp\n  32  10 11\n      pp pp\n"
        );
    }

    #[test]
    fn colour_replaces_the_lane() {
        let text = render(0, &cells(1), Palette::new(true), "");
        assert_eq!(text, "\x1b[2m   0\x1b[0m  \x1b[32m00\x1b[0m\n");
    }
}
