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

/// A member name as errors show it: control characters escaped (`\u{a}`,
/// `\u{1b}`), so a message stays one line and cannot drive a terminal.
pub fn shown(name: &str) -> String {
    let mut shown = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() {
            let _ = core::fmt::Write::write_fmt(&mut shown, format_args!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    shown
}

/// A [`fmt::Write`] that passes text through with control characters
/// escaped as [`shown`] escapes them. The core's messages are written
/// through it ([`crate::Error`]'s `Display`), so no value reaches a
/// terminal, a log or a JavaScript `Error.message` raw.
pub struct Escaped<W>(pub W);

impl<W> fmt::Debug for Escaped<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Escaped")
    }
}

impl<W: fmt::Write> fmt::Write for Escaped<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(i) = rest.find(char::is_control) {
            self.0.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().unwrap_or_default();
            write!(self.0, "\\u{{{:x}}}", u32::from(c))?;
            rest = &rest[i + c.len_utf8()..];
        }
        self.0.write_str(rest)
    }
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
        assert_eq!(Quote("x\0.example\r\n").to_string(), "value `x\\u{0}.example\\u{d}\\u{a}`");
        assert_eq!(Quote("café ✓").to_string(), "value `café ✓`");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
