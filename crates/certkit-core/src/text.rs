//! Text from the input, as messages show it. Every value an error quotes
//! (a host, a name, a member, a label) comes from someone else's file, and
//! may hold a NUL, an escape sequence or a line break that would split a
//! one-line message or drive a terminal. [`shown`] and [`excerpt`] make a
//! value safe to quote; [`Escaped`] applies the same rule to a whole message
//! as it is written, so the core's `Display` impls cannot leak a raw byte
//! whichever value they quote.

use alloc::string::String;
use core::fmt;

/// Untrusted text as an error shows it: [`shown`], cut after `max`
/// characters with `…`, so a message stays one line of reasonable length.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => alloc::format!("{}…", shown(&text[..cut])),
        None => shown(text),
    }
}

/// Text as errors show it: control characters escaped (`\u{a}`,
/// `\u{1b}`), so a message stays one line and cannot drive a terminal.
pub fn shown(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = fmt::Write::write_str(&mut Escaped(&mut shown), text);
    shown
}

/// A [`fmt::Write`] that passes text through with control characters
/// escaped as [`shown`] escapes them. The core's messages are written
/// through it ([`crate::Error`]'s `Display`), so no value reaches a
/// terminal, a log or a JavaScript `Error.message` raw.
pub struct Escaped<'a>(pub &'a mut dyn fmt::Write);

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Escaped")
    }
}

impl fmt::Write for Escaped<'_> {
    /// Scans bytes, not chars: the C0 controls and DEL are one byte each,
    /// the C1 controls (U+0080–U+009F) the two bytes `C2 80`–`C2 9F`, the
    /// Arabic letter mark U+061C `D8 9C`, and the other bidirectional
    /// controls (U+200E/F, U+202A–202E, U+2066–2069) three bytes from
    /// `E2 80 8E`; each is written as `\u{HEX}`, as Rust's `escape_unicode`
    /// writes it. (A char search and `{:x}` formatting cost the page's wasm
    /// 0.2 KB.)
    fn write_str(&mut self, s: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            let (code, len) = match (bytes[i], bytes.get(i + 1).copied(), bytes.get(i + 2).copied()) {
                (c @ (0..=0x1f | 0x7f), ..) => (u32::from(c), 1),
                (0xc2, Some(c @ 0x80..=0x9f), _) => (u32::from(c), 2),
                (0xd8, Some(0x9c), _) => (0x61c, 2),
                (0xe2, Some(b @ 0x80), Some(c @ (0x8e | 0x8f | 0xaa..=0xae)))
                | (0xe2, Some(b @ 0x81), Some(c @ 0xa6..=0xa9)) => {
                    (0x2000 | u32::from(b & 1) << 6 | u32::from(c & 0x3f), 3)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.0.write_str(&s[start..i])?;
            self.0.write_str("\\u{")?;
            let mut shift = 12;
            while shift > 0 && code >> shift == 0 {
                shift -= 4;
            }
            loop {
                self.0.write_char(char::from(HEX[(code >> shift) as usize & 15]))?;
                if shift == 0 {
                    break;
                }
                shift -= 4;
            }
            self.0.write_char('}')?;
            i += len;
            start = i;
        }
        self.0.write_str(&s[start..])
    }
}

/// Whether `c` is a Unicode bidirectional control (UAX #9): the marks
/// U+061C, U+200E and U+200F, the embeddings and overrides U+202A–202E and
/// the isolates U+2066–2069. In a name they can make one text display as
/// another (`\u{202e}moc.knab-eruces` shows as `secure-bank.com`), so
/// [`Escaped`] escapes them and issuance refuses them in a subject.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `Display` for a type whose `fn write(&self, f: &mut impl fmt::Write)`
/// writes its message: the message goes through [`Escaped`], so the values
/// it quotes from untrusted input cannot carry a control character.
macro_rules! display_escaped {
    ($type:ty) => {
        impl core::fmt::Display for $type {
            /// Control characters escaped (`text::Escaped`).
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                self.write(&mut crate::text::Escaped(f))
            }
        }
    };
}
pub(crate) use display_escaped;

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    struct Quote<'a>(&'a str);
    impl fmt::Display for Quote<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Write::write_fmt(&mut Escaped(f), format_args!("value `{}`", self.0))
        }
    }

    #[test]
    fn control_characters_never_pass_raw() {
        assert_eq!(shown("a\0b\nc\u{1b}[31m"), "a\\u{0}b\\u{a}c\\u{1b}[31m");
        assert_eq!(shown("\u{202e}moc.knab-eruces"), "\\u{202e}moc.knab-eruces");
        assert_eq!(Quote("x\0.example\r\n").to_string(), "value `x\\u{0}.example\\u{d}\\u{a}`");
        assert_eq!(Quote("café ✓").to_string(), "value `café ✓`");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        // Every control character and bidirectional control, and nothing
        // else, as `escape_unicode` writes it.
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let text = alloc::format!("a{c}b");
            let escaped = c.is_control() || is_bidi_control(c);
            let want = if escaped { alloc::format!("a{}b", c.escape_unicode()) } else { text.clone() };
            assert_eq!(shown(&text), want, "U+{:04X}", u32::from(c));
        }
    }
}
