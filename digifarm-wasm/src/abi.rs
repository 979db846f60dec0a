//! The module's exported functions: a byte-buffer interface the page's script drives with
//! `WebAssembly.instantiate` and no imports (no wasm-bindgen glue to ship or pin).
//!
//! 1. `digifarm_input(len)` returns the address of a buffer of `len` bytes in the module's
//!    memory; the script writes UTF-8 JSON there.
//! 2. `digifarm_init()` or `digifarm_check()` reads that buffer, and returns 0 on success or
//!    1 on failure.
//! 3. `digifarm_output()` / `digifarm_output_len()` give the address and length of the UTF-8
//!    JSON answer, valid until the next call.
//!
//! The only unsafe code of the crate is the `#[unsafe(no_mangle)]` attribute that gives these
//! functions their export names (the compiler cannot check that no other symbol has the same
//! name; these names are unique to the crate). The buffers are ordinary `Vec`s behind a
//! mutex: Rust reads and writes them only through safe code, and the script touches them only
//! between calls, when no Rust reference to them is alive.
#![allow(unsafe_code)]

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::Form;

#[derive(Default)]
struct State {
    input: Vec<u8>,
    output: Vec<u8>,
    form: Option<Form>,
}

static STATE: Mutex<State> = Mutex::new(State {
    input: Vec::new(),
    output: Vec::new(),
    form: None,
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes room for `len` bytes of input and returns their address.
#[unsafe(no_mangle)]
pub extern "C" fn digifarm_input(len: usize) -> usize {
    let mut s = state();
    s.input.clear();
    s.input.resize(len, 0);
    s.input.as_mut_ptr().expose_provenance()
}

/// Sets up the checker from the input (`{"config": …, "ids": […]}`); 0 on success, else 1
/// with the reason as the output.
#[unsafe(no_mangle)]
pub extern "C" fn digifarm_init() -> u32 {
    let mut s = state();
    let result = std::str::from_utf8(&s.input)
        .map_err(|e| format!("the settings are not UTF-8: {e}"))
        .and_then(Form::new);
    match result {
        Ok(form) => {
            s.form = Some(form);
            s.output = b"{}".to_vec();
            0
        }
        Err(message) => {
            s.output = serde_json::json!({ "error": message })
                .to_string()
                .into_bytes();
            1
        }
    }
}

/// Checks the input (`{"answers": …, "today": "YYYY-MM-DD"}`); 0 with the result as the
/// output, 1 when `digifarm_init` has not succeeded or the input is not UTF-8.
#[unsafe(no_mangle)]
pub extern "C" fn digifarm_check() -> u32 {
    let mut guard = state();
    let s = &mut *guard;
    let answer = match (std::str::from_utf8(&s.input), s.form.as_mut()) {
        (Ok(text), Some(form)) => Ok(form.check(text)),
        (Err(e), _) => Err(format!("the request is not UTF-8: {e}")),
        (_, None) => Err("digifarm_init has not succeeded".to_owned()),
    };
    match answer {
        Ok(json) => {
            s.output = json.into_bytes();
            0
        }
        Err(message) => {
            s.output = serde_json::json!({ "error": message })
                .to_string()
                .into_bytes();
            1
        }
    }
}

/// The address of the last answer.
#[unsafe(no_mangle)]
pub extern "C" fn digifarm_output() -> usize {
    state().output.as_ptr().expose_provenance()
}

/// The length in bytes of the last answer.
#[unsafe(no_mangle)]
pub extern "C" fn digifarm_output_len() -> usize {
    state().output.len()
}

/// The random bytes `getrandom` asks for, selected by `--cfg getrandom_backend="custom"`
/// (`.cargo/config.toml`). Its only caller is ahash seeding the hash maps of the JSON Schema
/// validator; in a page that checks its own visitor's form, hash flooding is no threat, and a
/// browser module without imports has no entropy source, so the seed is a constant.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    // SAFETY: getrandom's contract for a custom backend: `dest` points to `len` writable
    // bytes, which must be fully initialised when `Ok` is returned.
    unsafe { std::ptr::write_bytes(dest, 0x5a, len) };
    Ok(())
}
