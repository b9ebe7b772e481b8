//! Lowercase filter: folds case so that sentence-initial and inner words match.

use super::tokenizer::Token;

/// Lowercases every token in place.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lowercase;

impl Lowercase {
    pub fn apply(&self, tokens: &mut [Token]) {
        for token in tokens {
            // ASCII fast path: most news tokens are ASCII and need no new String.
            if token.text.is_ascii() {
                token.text.make_ascii_lowercase();
            } else {
                token.text = token.text.to_lowercase();
            }
        }
    }
}
