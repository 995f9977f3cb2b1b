//! The join code: random, from an alphabet a person cannot misread, and compared in constant
//! time so the time a refusal takes says nothing about how much of a guess was right.

use super::limits::CODE_LEN;

/// Capital letters and digits without the ones read as each other: no 0 or O, no 1, I or L.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A code of [`CODE_LEN`] characters made from `random` bytes, unbiased: a byte past the
/// largest multiple of the alphabet's size is skipped rather than folded. `None` when the
/// bytes run out first (the caller gives 64; the chance 64 do not suffice is below 2^-300).
pub fn from_random(random: &[u8]) -> Option<String> {
    let n = ALPHABET.len();
    let fair = (256 / n * n) as u8;
    let code: String = random
        .iter()
        .filter(|b| **b < fair)
        .take(CODE_LEN)
        .map(|b| char::from(ALPHABET[usize::from(*b) % n]))
        .collect();
    (code.len() == CODE_LEN).then_some(code)
}

/// A code given with `--code`: the same alphabet, at least [`CODE_LEN`] characters, at most
/// 32.
///
/// # Errors
/// The sentence saying why not.
pub fn check_chosen(code: &str) -> Result<String, String> {
    let upper = code.trim().to_ascii_uppercase();
    if upper.len() < CODE_LEN || upper.len() > 32 {
        return Err(format!(
            "--code must be {CODE_LEN} to 32 characters long; '{}' is {}",
            code.trim(),
            upper.len()
        ));
    }
    if let Some(bad) = upper
        .chars()
        .find(|c| !ALPHABET.contains(&(*c as u8)) || !c.is_ascii())
    {
        return Err(format!(
            "--code may use only {}, so that no character is misread ('{bad}' is not one)",
            std::str::from_utf8(ALPHABET).unwrap_or_default()
        ));
    }
    Ok(upper)
}

/// Whether `given` is `expected`, letters in either case, in time that depends only on the
/// lengths: every byte is compared, none returns early.
pub fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        diff |= x ^ b.get(i).copied().unwrap_or(0).to_ascii_uppercase();
    }
    std::hint::black_box(diff) == 0
}

/// Whether `given` is `expected`, byte for byte, in time that depends only on the lengths: for
/// resume tokens.
pub fn equal(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        diff |= x ^ b.get(i).copied().unwrap_or(0);
    }
    std::hint::black_box(diff) == 0
}
