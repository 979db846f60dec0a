//! Cache of compiled plugins. Loading a compiled artefact runs native code, so the cache only
//! accepts artefacts this host wrote itself:
//! - the key is sha256 of the wasm bytes plus the engine's compatibility hash (wasmtime
//!   version, target, configuration), so a different engine never sees another's artefacts;
//! - the directory is created `0700`, artefacts are written `0600` atomically (temp file and
//!   rename) with a sidecar holding the artefact's sha256;
//! - before loading, the artefact must be a regular file that is not writable by group or
//!   others, in a directory that is not either, and its bytes must hash to the sidecar value.
//!   The verified bytes are the ones deserialized (read once into memory, no second read).
//!
//! Anything else is a miss: the host recompiles and rewrites the entry.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// How a plugin's compiled code was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// No cache configured: compiled.
    Disabled,
    /// Loaded from the cache.
    Hit,
    /// Compiled and stored in the cache.
    Stored,
    /// Compiled; the cache entry was refused or could not be written (the reason).
    Bypassed(String),
}

pub(crate) struct Cache {
    dir: PathBuf,
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Cache {
    pub(crate) fn open(dir: &Path) -> std::io::Result<Cache> {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Cache {
            dir: dir.to_owned(),
        })
    }

    pub(crate) fn key(engine: &Engine, wasm_sha256: &str) -> String {
        let mut h = ShaHasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
        h.0.update(wasm_sha256.as_bytes());
        hex(&h.0.finalize())
    }

    fn paths(&self, key: &str) -> (PathBuf, PathBuf) {
        (
            self.dir.join(format!("{key}.cwasm")),
            self.dir.join(format!("{key}.sha256")),
        )
    }

    /// The cached component for `key`, if a verified entry exists.
    pub(crate) fn load(&self, engine: &Engine, key: &str) -> Result<Option<Component>, String> {
        let (artefact, sidecar) = self.paths(key);
        if !artefact.exists() {
            return Ok(None);
        }
        check_private(&self.dir)?;
        check_private(&artefact)?;
        let expected = std::fs::read_to_string(&sidecar)
            .map_err(|e| format!("no readable checksum for {}: {e}", artefact.display()))?;
        let bytes = std::fs::read(&artefact)
            .map_err(|e| format!("cannot read {}: {e}", artefact.display()))?;
        if sha256_hex(&bytes) != expected.trim() {
            return Err(format!(
                "{} does not match its checksum; ignored",
                artefact.display()
            ));
        }
        deserialize(engine, &bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", artefact.display()))
    }

    /// Stores `component` under `key`.
    pub(crate) fn store(&self, key: &str, component: &Component) -> Result<(), String> {
        let bytes = component.serialize().map_err(|e| e.to_string())?;
        let (artefact, sidecar) = self.paths(key);
        write_private(&artefact, &bytes)?;
        write_private(&sidecar, sha256_hex(&bytes).as_bytes())
    }
}

/// Deserializes an artefact this host wrote and verified.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Component, String> {
    // SAFETY: `Component::deserialize` runs the native code in `bytes`. `Cache::load` only
    // calls this with bytes that (1) sit in the host's private cache directory, (2) are not
    // writable by group or others, and (3) hash to the checksum the host wrote next to them
    // when it serialized the component itself. wasmtime additionally checks that the
    // artefact was produced by a compatible engine.
    unsafe { Component::deserialize(engine, bytes) }.map_err(|e| e.to_string())
}

fn check_private(path: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.file_type().is_symlink() {
        return Err(format!("{} is a symlink; ignored", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o022 != 0 {
            return Err(format!(
                "{} is writable by group or others; ignored",
                path.display()
            ));
        }
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
