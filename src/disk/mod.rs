//! How the front ends (the CLI, the language server, `elpc.toml` discovery) read and write
//! files: reading takes regular files only, checked for type and size before a byte is read,
//! and never more than a limit; writing ([`write_output`]) is all or nothing and never replaces
//! anything but a regular file.
//!
//! [`read_bounded`] is the one reader to use for anything elpc reads from disk — policies, env
//! files, `elpc.toml`, `.al` scripts, chart templates, values files. A FIFO, a socket, a device
//! (`/dev/zero`, `/dev/stdin`) or a directory is refused without being opened for reading (a
//! FIFO would block, `/dev/zero` never ends, `/dev/stdin` is the language server's own protocol
//! stream); a file larger than the limit is refused from its size, and reading stops at the limit
//! in case it grows meanwhile. The library core reads no files: a refusal is handed to
//! [`crate::compile::compile_files`], which reports it as a finding (EL004).

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use crate::compile::{Input, Unreadable, UnreadableReason};

#[cfg(feature = "cli")]
mod output;
#[cfg(feature = "cli")]
pub use output::{refuse_output, write_output, PAUSE_ENV};

/// The real file system as the library's [`LocalFiles`](crate::LocalFiles): what a `process`
/// line or `--scripts` finds on this machine, each script read through [`read_bounded`] up to
/// [`MAX_SCRIPT_BYTES`](crate::MAX_SCRIPT_BYTES). The CLI and the language server share it.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFiles;

impl crate::LocalFiles for DiskFiles {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        read_bounded(path, crate::MAX_SCRIPT_BYTES).ok()
    }
}

/// Largest `elpc.toml` the front ends read (real ones are a few hundred bytes).
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Reads the regular file at `path` (symbolic links followed) if it holds at most `max_bytes`.
pub fn read_bounded(path: &Path, max_bytes: usize) -> Result<Vec<u8>, Unreadable> {
    let refuse = |reason| Unreadable {
        name: path.display().to_string(),
        reason,
    };
    let io = |e: std::io::Error| refuse(UnreadableReason::Io(e.kind(), e.to_string()));
    let limit = max_bytes as u64;
    // Decided from the path first, so a FIFO is never opened (opening one blocks until a writer
    // comes), then again from the opened file, in case the path changed in between.
    let check = |meta: &Metadata| match kind_of(meta) {
        Some(kind) => Err(refuse(UnreadableReason::NotRegular(kind))),
        None if meta.len() > limit => Err(refuse(UnreadableReason::TooLarge {
            size: Some(meta.len()),
            limit,
        })),
        None => Ok(meta.len()),
    };
    check(&std::fs::metadata(path).map_err(io)?)?;
    let file = open_without_blocking(path).map_err(io)?;
    let size = check(&file.metadata().map_err(io)?)?;
    let mut bytes = Vec::with_capacity(size.min(limit) as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > max_bytes {
        return Err(refuse(UnreadableReason::TooLarge { size: None, limit }));
    }
    Ok(bytes)
}

/// [`read_bounded`] as a compiler [`Input`] named after the path.
pub fn read_input(path: &Path, max_bytes: usize) -> Result<Input, Unreadable> {
    read_bounded(path, max_bytes).map(|bytes| Input {
        name: path.display().to_string(),
        bytes,
    })
}

/// [`read_bounded`] as UTF-8 text (for `elpc.toml`); what went wrong, in words, otherwise.
pub fn read_text(path: &Path, max_bytes: usize) -> Result<String, String> {
    let bytes = read_bounded(path, max_bytes).map_err(|e| describe(&e))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// A refusal in one line, for front ends that report it themselves.
pub fn describe(refused: &Unreadable) -> String {
    let name = &refused.name;
    match &refused.reason {
        UnreadableReason::NotRegular(kind) => format!("{name} is {kind}, not a regular file"),
        UnreadableReason::TooLarge { limit, .. } => {
            format!("{name} is larger than {} MiB", limit >> 20)
        }
        UnreadableReason::Io(_, why) => format!("cannot read {name}: {why}"),
    }
}

/// What a file that is not regular is, in words; `None` for a regular file.
pub(crate) fn kind_of(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    Some("a special file")
}

/// Opens for reading without waiting: a FIFO that appeared after the type check does not block.
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;

    fn reason(r: Result<Vec<u8>, Unreadable>) -> UnreadableReason {
        r.expect_err("refused").reason
    }

    #[test]
    fn regular_files_up_to_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.env");
        std::fs::write(&path, "A=1\n").unwrap();
        assert_eq!(read_bounded(&path, 4).unwrap(), b"A=1\n");
        assert_eq!(
            reason(read_bounded(&path, 3)),
            UnreadableReason::TooLarge {
                size: Some(4),
                limit: 3
            }
        );
    }

    #[test]
    fn directories_and_devices_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            reason(read_bounded(dir.path(), 10)),
            UnreadableReason::NotRegular("a directory")
        );
        #[cfg(unix)]
        {
            assert_eq!(
                reason(read_bounded(Path::new("/dev/zero"), 10)),
                UnreadableReason::NotRegular("a character device")
            );
            let fifo = dir.path().join("fifo.env");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            // Would block forever if it were opened for reading.
            assert_eq!(
                reason(read_bounded(&fifo, 10)),
                UnreadableReason::NotRegular("a FIFO (named pipe)")
            );
        }
    }

    #[test]
    fn missing_files_keep_their_error_kind() {
        let r = reason(read_bounded(Path::new("/nonexistent/elpc/x.env"), 10));
        assert!(matches!(
            r,
            UnreadableReason::Io(std::io::ErrorKind::NotFound, _)
        ));
    }
}
