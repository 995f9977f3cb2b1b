//! Keys as data: the terminal's key events become [`Key`]s (in `tui/mod.rs`), and each screen
//! resolves a key to a [`Command`] here, so `update` matches on meaning, not on keys.

/// A key, as the app sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Ctrl-C: quit from anywhere, as a terminal user expects.
    CtrlC,
}

/// What a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Leave wslab, saving progress.
    Quit,
    /// Back to the menu, or close an overlay.
    Back,
    /// Open or close the help overlay.
    Help,
    /// Move the selection or the scroll up.
    Up,
    /// Move the selection or the scroll down.
    Down,
    /// Scroll a page up.
    PageUp,
    /// Scroll a page down.
    PageDown,
    /// To the first item.
    First,
    /// To the last item.
    Last,
    /// Open, choose or submit.
    Enter,
    /// The next step.
    NextStep,
    /// The previous step.
    PrevStep,
    /// The next pane of the step.
    NextPane,
    /// The previous pane of the step.
    PrevPane,
    /// Move focus: prose, live pane, checks.
    NextFocus,
    /// Run the step's live actions again.
    Rerun,
    /// Type a value for the step's input (a key, a message).
    Input,
    /// Show the next hint of the current check.
    Hint,
    /// Classroom: show or hide the speaker notes.
    Notes,
    /// Classroom: scroll the speaker notes down.
    NotesDown,
    /// Classroom: scroll the speaker notes up.
    NotesUp,
    /// Classroom: show or hide the clock.
    Clock,
    /// Classroom: reveal the current check's answer.
    Reveal,
    /// Classroom: blank the screen, or bring it back.
    Blank,
    /// Select an option by its number or letter.
    Pick(u8),
    /// Move the byte cursor left within the selected frame.
    CursorLeft,
    /// Move the byte cursor right within the selected frame.
    CursorRight,
    /// Move the byte cursor to the next field of the selected frame.
    NextField,
    /// Move the byte cursor to the previous field of the selected frame.
    PrevField,
    /// The step's next check (self-paced, from the check panel).
    NextCheck,
    /// The step's previous check (self-paced, from the check panel).
    PrevCheck,
    /// The region with the keys takes the whole screen, or gives it back; from the prose,
    /// the live pane takes it (and the keys).
    Zoom,
    /// Shift the prose's wide code and diagram rows left, to see their start.
    ShiftLeft,
    /// Shift the prose's wide code and diagram rows right, to see their end.
    ShiftRight,
    /// A student in a class: follow the presenter again.
    Follow,
    /// The presenter in a class: open or close the roster.
    Roster,
}

/// Keys on the lesson menu.
pub fn menu(key: Key) -> Option<Command> {
    Some(match key {
        Key::Char('q') | Key::CtrlC | Key::Esc => Command::Quit,
        Key::Char('?') => Command::Help,
        Key::Up | Key::Char('k') => Command::Up,
        Key::Down | Key::Char('j') => Command::Down,
        Key::Home | Key::Char('g') => Command::First,
        Key::End | Key::Char('G') => Command::Last,
        Key::Enter | Key::Right | Key::Char('l') => Command::Enter,
        _ => return None,
    })
}

/// Keys on a lesson, self-paced. `in_check` is whether the check panel has focus, where
/// letters pick options and `h` asks for a hint; `in_pane` whether the live pane has, where
/// left and right move the byte cursor.
pub fn lesson(key: Key, in_check: bool, in_pane: bool) -> Option<Command> {
    if in_pane {
        match key {
            Key::Left | Key::Char('h') => return Some(Command::CursorLeft),
            Key::Right | Key::Char('l') => return Some(Command::CursorRight),
            Key::Char('w') => return Some(Command::NextField),
            Key::Char('b') => return Some(Command::PrevField),
            _ => {}
        }
    }
    if in_check {
        match key {
            Key::Char('h') => return Some(Command::Hint),
            Key::Char(c @ '1'..='9') => return Some(Command::Pick(c as u8 - b'0')),
            Key::Char(c @ 'a'..='f') => return Some(Command::Pick(c as u8 - b'a' + 1)),
            Key::PageDown => return Some(Command::NextCheck),
            Key::PageUp => return Some(Command::PrevCheck),
            _ => {}
        }
    }
    Some(match key {
        Key::Char('q') | Key::CtrlC => Command::Quit,
        Key::Esc => Command::Back,
        Key::Char('?') => Command::Help,
        Key::Up | Key::Char('k') => Command::Up,
        Key::Down | Key::Char('j') => Command::Down,
        Key::PageUp => Command::PageUp,
        Key::PageDown => Command::PageDown,
        Key::Home | Key::Char('g') => Command::First,
        Key::End | Key::Char('G') => Command::Last,
        Key::Enter => Command::Enter,
        Key::Right | Key::Char('l' | 'n' | ' ') => Command::NextStep,
        Key::Left | Key::Char('h' | 'p') => Command::PrevStep,
        Key::Char(']') => Command::NextPane,
        Key::Char('[') | Key::BackTab => Command::PrevPane,
        Key::Tab => Command::NextFocus,
        Key::Char('r') => Command::Rerun,
        Key::Char('i') => Command::Input,
        Key::Char('z') => Command::Zoom,
        Key::Char('<') => Command::ShiftLeft,
        Key::Char('>') => Command::ShiftRight,
        Key::Char('f') => Command::Follow,
        _ => return None,
    })
}

/// Keys in classroom mode: few, big, and safe to press by accident. No key is a letter that
/// names an option on screen (a–f), so the room never sees a key press pick an answer.
/// `in_pane` is whether Tab took the keys into the live pane, where the arrows choose a frame
/// and move the byte cursor instead of moving through the lesson.
pub fn present(key: Key, in_pane: bool) -> Option<Command> {
    if in_pane {
        match key {
            Key::Left | Key::Char('h') => return Some(Command::CursorLeft),
            Key::Right | Key::Char('l') => return Some(Command::CursorRight),
            Key::Char('w') => return Some(Command::NextField),
            Key::Char('W') => return Some(Command::PrevField),
            Key::Home => return Some(Command::First),
            Key::End => return Some(Command::Last),
            _ => {}
        }
    }
    Some(match key {
        Key::Char('q') | Key::CtrlC => Command::Quit,
        Key::Esc => Command::Back,
        Key::Char('?') => Command::Help,
        Key::Right | Key::Char('l' | 'n' | ' ') | Key::PageDown => Command::NextStep,
        Key::Left | Key::Char('h' | 'p') | Key::PageUp => Command::PrevStep,
        Key::Tab => Command::NextFocus,
        Key::Char(']') => Command::NextPane,
        Key::BackTab | Key::Char('[') => Command::PrevPane,
        Key::Up | Key::Char('k') => Command::Up,
        Key::Down | Key::Char('j') => Command::Down,
        Key::Char('s') => Command::Notes,
        Key::Char('J') => Command::NotesDown,
        Key::Char('K') => Command::NotesUp,
        Key::Char('t') => Command::Clock,
        Key::Enter => Command::Reveal,
        Key::Char('.') => Command::Blank,
        Key::Char('r') => Command::Rerun,
        Key::Char('i') => Command::Input,
        Key::Char('z') => Command::Zoom,
        Key::Char('<') => Command::ShiftLeft,
        Key::Char('>') => Command::ShiftRight,
        Key::Char('R') => Command::Roster,
        _ => return None,
    })
}

/// The keys, for the help overlay: (keys, what they do), per screen.
pub const HELP_LESSON: &[(&str, &str)] = &[
    ("→ l n Space", "next step"),
    ("← h p", "previous step"),
    ("Tab", "focus: prose, live pane, checks"),
    ("← → (pane)", "move the byte cursor in the selected frame"),
    ("w b (pane)", "next / previous field of the frame"),
    ("[ ]", "previous / next pane"),
    (
        "z",
        "the live pane (or the focused region) fills the screen",
    ),
    ("< >", "shift wide code and diagrams in the prose sideways"),
    ("↑ ↓ j k", "scroll, or select a header, frame or option"),
    (
        "Enter",
        "choose, answer, open; after a right answer, the next check",
    ),
    ("1-9 a-f", "pick an option (checks)"),
    ("PgDn PgUp", "next / previous check of the step (checks)"),
    ("h", "a hint (checks)"),
    ("i", "type your own value, where the step allows"),
    ("r", "run the live action again"),
    ("Esc", "out of z, then of a pane or check, then to the menu"),
    ("q Ctrl-C", "quit; progress is saved"),
    ("?", "this help"),
];

/// Classroom keys, for the help overlay.
pub const HELP_PRESENT: &[(&str, &str)] = &[
    ("→ Space n", "next check of the step, then the next step"),
    ("← p", "previous check, then the previous step"),
    ("[ ]", "previous / next live pane"),
    ("z", "the live pane fills the screen, or gives it back"),
    ("< >", "shift wide code and diagrams in the prose sideways"),
    ("↑ ↓ j k", "scroll the prose and the question"),
    ("Tab", "into the live pane, and back out (Esc too)"),
    ("↑ ↓ (pane)", "choose a frame or a header"),
    ("← → (pane)", "move the byte cursor in the selected frame"),
    ("w W (pane)", "next / previous field of the frame"),
    ("s", "speaker notes on / off"),
    ("J K", "scroll the speaker notes"),
    (
        "t",
        "clock on / off: time taken, against the minutes planned",
    ),
    ("Enter", "reveal the answer, or hide it"),
    (".", "blank the screen; any key brings it back"),
    ("r", "run the live action again"),
    ("i", "type the room's value, where the step allows"),
    ("R", "with --class: the roster of who is connected"),
    ("q", "quit; the lesson reopens at this step"),
    ("?", "this help"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_pick_options_only_in_the_check_panel() {
        assert_eq!(lesson(Key::Char('b'), true, false), Some(Command::Pick(2)));
        assert_eq!(lesson(Key::Char('3'), true, false), Some(Command::Pick(3)));
        assert_eq!(lesson(Key::Char('h'), true, false), Some(Command::Hint));
        assert_eq!(
            lesson(Key::Char('h'), false, false),
            Some(Command::PrevStep)
        );
        assert_eq!(
            lesson(Key::Char('h'), false, true),
            Some(Command::CursorLeft)
        );
        assert_eq!(lesson(Key::Char('b'), false, false), None);
    }

    #[test]
    fn no_classroom_key_is_an_option_letter() {
        for c in 'a'..='f' {
            for in_pane in [false, true] {
                assert_eq!(
                    present(Key::Char(c), in_pane),
                    None,
                    "{c} names an option on screen"
                );
            }
        }
        assert_eq!(present(Key::Enter, false), Some(Command::Reveal));
        assert_eq!(present(Key::Char('.'), false), Some(Command::Blank));
        assert_eq!(present(Key::Right, false), Some(Command::NextStep));
        assert_eq!(present(Key::Right, true), Some(Command::CursorRight));
    }

    #[test]
    fn quitting_works_everywhere() {
        for key in [Key::CtrlC, Key::Char('q')] {
            assert_eq!(menu(key), Some(Command::Quit));
            assert_eq!(lesson(key, false, false), Some(Command::Quit));
            assert_eq!(present(key, false), Some(Command::Quit));
            assert_eq!(present(key, true), Some(Command::Quit));
        }
    }
}
