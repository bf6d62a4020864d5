//! `elpc compile -o OUT`: the output file is replaced all at once, and only when it is safe to.

use std::fs::{Metadata, Permissions};
use std::io::Write;
use std::path::Path;

/// Environment variable that makes [`write_output`] wait this many milliseconds with its
/// temporary file written but not yet renamed (for the test that interrupts it; never set it
/// otherwise).
pub const PAUSE_ENV: &str = "ELPC_TEST_OUTPUT_PAUSE_MS";

/// Why `path` may not be written as an output for these `inputs`, if it may not: it exists and
/// is not a regular file (a symbolic link — `/dev/stdout` is one —, a FIFO, a device, a
/// directory), or it is one of the inputs.
pub fn refuse_output(path: &Path, inputs: &[&Path]) -> Option<String> {
    let shown = path.display();
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return Some(format!(
            "{shown} is a symbolic link; -o replaces only regular files (name the file it points to, or leave out -o to print)"
        ));
    }
    if let Some(kind) = super::kind_of(&meta) {
        return Some(format!(
            "{shown} is {kind}; -o replaces only regular files (leave out -o to print to standard output)"
        ));
    }
    for input in inputs {
        if same_file(input, path, &meta) {
            return Some(format!(
                "-o {shown} names the input {}; elpc does not write over its input",
                input.display()
            ));
        }
    }
    None
}

/// Writes what `write` writes to `path` all at once: to a temporary file beside it, then renamed over it,
/// so readers see the old file or the whole new one. Refuses what [`refuse_output`] refuses,
/// keeps the permissions of the file it replaces (a new file gets the default of the umask),
/// and removes the temporary file if SIGINT, SIGTERM or SIGHUP arrives meanwhile.
pub fn write_output(
    path: &Path,
    inputs: &[&Path],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    if let Some(why) = refuse_output(path, inputs) {
        return Err(why);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => Some(existing.permissions()),
        Err(_) => default_permissions(),
    };
    // A signal between the file's creation and the handler knowing its path would leave the
    // file behind: they are held back until the handler is armed, then delivered.
    let held = cleanup::hold();
    let mut tmp = tempfile::Builder::new()
        .prefix(".elpc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    let _cleanup = cleanup::on_signal_remove(tmp.path());
    drop(held);
    write(&mut tmp).map_err(fail)?;
    tmp.flush().map_err(fail)?;
    if let Some(permissions) = permissions {
        tmp.as_file().set_permissions(permissions).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    if let Some(ms) = std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// True when `input` is the file `output` (whose metadata is `out`), through any path.
#[cfg(unix)]
fn same_file(input: &Path, _output: &Path, out: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(input).is_ok_and(|m| m.dev() == out.dev() && m.ino() == out.ino())
}

#[cfg(not(unix))]
fn same_file(input: &Path, output: &Path, _out: &Metadata) -> bool {
    matches!(
        (std::fs::canonicalize(input), std::fs::canonicalize(output)),
        (Ok(a), Ok(b)) if a == b
    )
}

/// What a new file gets: read and write for everyone, minus the umask (the temporary file's
/// own 0600 otherwise).
#[cfg(unix)]
fn default_permissions() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    // umask can only be read by setting it; set it straight back.
    // SAFETY: umask has no memory effects.
    let mask = unsafe {
        let mask = libc::umask(0o022);
        libc::umask(mask);
        mask
    };
    Some(Permissions::from_mode(0o666 & !(mask as u32)))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<Permissions> {
    None
}

/// Removing the temporary file when the process is told to stop while writing it.
#[cfg(unix)]
mod cleanup {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Once;

    /// The temporary file being written, as a C string the handler can unlink.
    static PENDING: AtomicPtr<libc::c_char> = AtomicPtr::new(null_mut());
    static INSTALL: Once = Once::new();
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// Unlinks the pending file, then dies of the same signal (its default action).
    extern "C" fn on_signal(signal: libc::c_int) {
        let path = PENDING.swap(null_mut(), Ordering::SeqCst);
        // SAFETY: unlink, signal and raise are async-signal-safe; `path` is a valid C string
        // that nobody frees once it has been taken out of PENDING.
        unsafe {
            if !path.is_null() {
                libc::unlink(path);
            }
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }

    /// While alive, SIGINT, SIGTERM and SIGHUP wait (this thread's mask); the mask before is
    /// restored on drop, which delivers any that arrived.
    pub struct Held(libc::sigset_t);

    /// Holds the signals back until the returned guard drops.
    pub fn hold() -> Held {
        // SAFETY: plain signal-mask calls on sets this function owns.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut before: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in SIGNALS {
                libc::sigaddset(&mut set, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut before);
            Held(before)
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            // SAFETY: restores the mask `hold` saved.
            unsafe {
                libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, null_mut());
            }
        }
    }

    /// While alive, SIGINT, SIGTERM and SIGHUP remove `path` before ending the process.
    pub struct Guard(*mut libc::c_char);

    /// Arms the handler for `path`.
    pub fn on_signal_remove(path: &Path) -> Guard {
        INSTALL.call_once(|| {
            for signal in SIGNALS {
                let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                // SAFETY: installing a handler that only calls async-signal-safe functions;
                // a signal the parent set to be ignored stays ignored.
                unsafe {
                    if libc::signal(signal, handler) == libc::SIG_IGN {
                        libc::signal(signal, libc::SIG_IGN);
                    }
                }
            }
        });
        let raw = CString::new(path.as_os_str().as_bytes()).map_or(null_mut(), CString::into_raw);
        PENDING.store(raw, Ordering::SeqCst);
        Guard(raw)
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            // Freed only if the handler did not take it (it is about to end the process then).
            let taken_back = PENDING
                .compare_exchange(self.0, null_mut(), Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if taken_back && !self.0.is_null() {
                // SAFETY: made by CString::into_raw above and no longer reachable by the handler.
                drop(unsafe { CString::from_raw(self.0) });
            }
        }
    }
}

#[cfg(not(unix))]
mod cleanup {
    /// No signal handling outside unix (the temporary file is removed on every error path).
    pub fn on_signal_remove(_: &std::path::Path) {}

    /// Nothing to hold back outside unix.
    pub struct Held;

    /// Nothing to hold back outside unix.
    pub fn hold() -> Held {
        Held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_mode_and_refuses_links_and_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        let input = dir.path().join("p.policy");
        std::fs::write(&input, "{}").unwrap();
        write_output(&out, &[&input], |w| w.write_all(b"1")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&out, Permissions::from_mode(0o640)).unwrap();
            write_output(&out, &[&input], |w| w.write_all(b"2")).unwrap();
            let mode = std::fs::metadata(&out).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&out, &link).unwrap();
            assert!(write_output(&link, &[], |w| w.write_all(b"3"))
                .unwrap_err()
                .contains("symbolic link"));
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
        }
        assert_eq!(std::fs::read(&out).unwrap(), b"2");
        assert!(write_output(&input, &[&input], |w| w.write_all(b"x"))
            .unwrap_err()
            .contains("names the input"));
        assert_eq!(std::fs::read(&input).unwrap(), b"{}");
        assert!(write_output(dir.path(), &[], |w| w.write_all(b"x"))
            .unwrap_err()
            .contains("a directory"));
        // Nothing else is left in the directory.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), if cfg!(unix) { 3 } else { 2 }, "{names:?}");
    }
}
