//! The card pane's lines: the learner's last saved grade of the step, when it is not the run
//! on screen, then the grader's card. The pane draws them and the extent counts them, so the
//! scroll stops at the last.

use super::progress::GradeRecord;
use super::{App, Live, Mode};
use crate::lesson::graded::Graded;
use crate::lesson::model::Pane;
use crate::render::lesson::card::{self, Tone};

/// The saved grade of the open step, if the learner has one. Only self-paced: in class the
/// screen is the room's, and a presenter's own grade is not what it is about.
pub fn saved(app: &App) -> Option<&GradeRecord> {
    if app.mode != Mode::Learn {
        return None;
    }
    let (lesson, view) = app.current()?;
    app.progress.lessons.get(&lesson.id)?.grades.get(&view.step)
}

/// The saved grade as lines, then `graded`'s card. The saved grade is left out when it is the
/// card on screen, which says all it says and more.
pub fn lines(graded: Option<&Graded>, saved: Option<&GradeRecord>) -> Vec<(String, Tone)> {
    let mut out = Vec::new();
    let shown = |s: &GradeRecord| {
        graded.is_some_and(|g| g.typed && g.url == s.url && g.at_unix == s.at_unix)
    };
    if let Some(s) = saved.filter(|s| !shown(s)) {
        out.push((
            format!("Your last grade, saved {}:", card::utc(s.at_unix)),
            Tone::Heading,
        ));
        out.push((format!("  {}", s.url), Tone::Heading));
        let (verdict, tone) = match &s.first_fix {
            Some(f) => (format!("  Fix first: {} {}", f.id, f.title), Tone::Bad),
            None => ("  No MUST broken.".to_owned(), Tone::Good),
        };
        out.push((format!("  {}", s.counts.line()), Tone::Text));
        out.push((verdict, tone));
        out.push((
            "  i grades it again, with its URL filled in.".to_owned(),
            Tone::Dim,
        ));
        if graded.is_some() {
            out.push((String::new(), Tone::Text));
        }
    }
    if let Some(g) = graded {
        out.extend(card::lines(g));
    }
    out
}

/// How many lines the card pane of the open step holds, once its step has run; `None` when
/// the pane shown is not a card, or its step has not run.
pub(super) fn extent(app: &App) -> Option<usize> {
    let view = app.lesson.as_ref()?;
    let (action, pane) = *super::panes(app).get(view.pane)?;
    if pane != Pane::Card {
        return None;
    }
    // Before the step has run the pane also says what the step is doing, in the screen's
    // words; the drawing keeps a line in sight whatever the scroll.
    let Some(Live::Done(runs)) = view.live.get(view.step) else {
        return None;
    };
    let graded = runs.get(action).and_then(|r| r.graded.as_ref());
    Some(lines(graded, saved(app)).len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::progress::FirstFix;
    use crate::lesson::graded::Tally;

    fn record() -> GradeRecord {
        GradeRecord {
            url: "ws://127.0.0.1:8080/".into(),
            at_unix: 1_748_786_580,
            counts: Tally {
                pass: 5,
                fail: 1,
                ..Tally::default()
            },
            first_fix: Some(FirstFix {
                id: "4.2".into(),
                title: "no Sec-WebSocket-Key".into(),
            }),
        }
    }

    #[test]
    fn the_saved_grade_leads_unless_it_is_the_card_shown() {
        let saved = record();
        let alone = lines(None, Some(&saved));
        let text: Vec<&str> = alone.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            text,
            [
                "Your last grade, saved 2025-06-01 14:03 UTC:",
                "  ws://127.0.0.1:8080/",
                "  5 pass · 1 FAIL",
                "  Fix first: 4.2 no Sec-WebSocket-Key",
                "  i grades it again, with its URL filled in.",
            ]
        );
        let lab = Graded {
            url: "ws://127.0.0.1:1/echo".into(),
            ..Graded::default()
        };
        let both = lines(Some(&lab), Some(&saved));
        assert_eq!(both[0].0, alone[0].0);
        assert!(
            both.iter()
                .any(|(t, _)| t == "Graded the lab's own /echo, ws://127.0.0.1:1/echo")
        );
        let same = Graded {
            url: saved.url.clone(),
            at_unix: saved.at_unix,
            typed: true,
            ..Graded::default()
        };
        assert_eq!(
            lines(Some(&same), Some(&saved))[0].0,
            "Graded ws://127.0.0.1:8080/"
        );
    }
}
