//! What happens on a panic (a bug in certkit): the message is kept for the
//! JavaScript side, which reports it as a readable `Error`.
//!
//! The npm package's modules are built without `std` (its panic machinery,
//! I/O errors and locks are a fifth of the lite module), so they carry their
//! own panic handler and allocator. With the `std` feature (the wasm-bindgen
//! tests, whose harness links `std`) a panic hook does the same job.

use alloc::string::String;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;

/// Room for the message of the last panic; longer ones are cut at a
/// character boundary. A fixed buffer: recording a panic allocates nothing.
const ROOM: usize = 1024;

/// The message's bytes and length. Atomics rather than a lock: the module
/// runs on one thread, and this needs no `unsafe` and no `std`.
static MESSAGE: [AtomicU8; ROOM] = [const { AtomicU8::new(0) }; ROOM];
static LEN: AtomicUsize = AtomicUsize::new(0);

struct Recorder {
    len: usize,
}

impl Write for Recorder {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            if self.len + bytes.len() > ROOM {
                return Err(fmt::Error);
            }
            for b in bytes {
                MESSAGE[self.len].store(*b, Ordering::Relaxed);
                self.len += 1;
            }
        }
        Ok(())
    }
}

fn record(message: &dyn fmt::Display) {
    let mut recorder = Recorder { len: 0 };
    // A message too long for ROOM is kept up to where it was cut.
    let _ = write!(recorder, "{message}");
    LEN.store(recorder.len, Ordering::Relaxed);
}

/// The message of the last panic inside certkit, or "" if there was none.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    let bytes: alloc::vec::Vec<u8> =
        MESSAGE[..LEN.load(Ordering::Relaxed)].iter().map(|b| b.load(Ordering::Relaxed)).collect();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(feature = "std")]
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(alloc::boxed::Box::new(|info| record(info)));
}

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod runtime {
    use core::sync::atomic::{AtomicBool, Ordering};

    #[global_allocator]
    static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

    /// Set while a panic is being recorded: a panic inside the handler (a
    /// `Display` in the message that panics) must not recurse.
    static PANICKING: AtomicBool = AtomicBool::new(false);

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        if !PANICKING.swap(true, Ordering::Relaxed) {
            super::record(info);
            PANICKING.store(false, Ordering::Relaxed);
        }
        core::arch::wasm32::unreachable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_message_is_kept_and_a_long_one_is_cut_at_a_character() {
        record(&"first");
        record(&"second");
        assert_eq!(last_panic(), "second");
        // 'é' is two bytes: ROOM - 1 ASCII bytes leave no room for it.
        let long = alloc::format!("{}é and more", "x".repeat(ROOM - 1));
        record(&long);
        assert_eq!(last_panic(), "x".repeat(ROOM - 1));
    }
}
