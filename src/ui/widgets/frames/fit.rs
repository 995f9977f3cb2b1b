//! Fitting the detail's sections into the height there is. Each section has lines and a line
//! that matters most (the cursor's dump row, the highlighted field); a plan grows sections in
//! order of importance, and a section shown in part keeps its important line in sight.

use ratatui::text::Line;

/// One part of the detail.
#[derive(Debug, Default)]
pub(super) struct Section {
    /// All its lines.
    pub lines: Vec<Line<'static>>,
    /// The line to keep in sight when only some fit.
    pub focus: usize,
    shown: usize,
}

impl Section {
    pub fn new(lines: Vec<Line<'static>>, focus: usize) -> Self {
        Self {
            lines,
            focus,
            shown: 0,
        }
    }

    pub fn one(line: Line<'static>) -> Self {
        Self::new(vec![line], 0)
    }
}

/// How much of a section a plan step asks for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Grow {
    /// This many lines or none.
    Exactly(usize),
    /// All of it, or as many lines as are left.
    AsMuchAsFits,
}

/// Grows `sections` by `plan`, in order, within `height` lines.
pub(super) fn fit(sections: &mut [Section], height: usize, plan: &[(usize, Grow)]) {
    let mut room = height;
    for &(index, grow) in plan {
        let Some(s) = sections.get_mut(index) else {
            continue;
        };
        let all = s.lines.len();
        let target = match grow {
            Grow::Exactly(n) => n.min(all),
            Grow::AsMuchAsFits => (s.shown + room).min(all),
        };
        let need = target.saturating_sub(s.shown);
        if need <= room {
            s.shown += need;
            room -= need;
        }
    }
}

/// The shown lines of every section, in order.
pub(super) fn assemble(sections: Vec<Section>) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for s in sections {
        if s.shown == 0 {
            continue;
        }
        let len = s.lines.len();
        let start = s.focus.saturating_sub((s.shown - 1) / 2).min(len - s.shown);
        out.extend(s.lines.into_iter().skip(start).take(s.shown));
    }
    out
}
