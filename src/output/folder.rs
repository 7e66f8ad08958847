//! The run folder on disk: the marker that says omvang made it, the lock on the output folder,
//! the crash-safe swap that replaces a run, and recovery of a swap a crash left behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{io_err, OutputError};
use crate::run_data::Artifact;

/// The marker file in every folder omvang writes (run, comparison, temporary and set-aside
/// folders): omvang deletes or replaces only folders that carry it.
pub const MARKER: &str = ".omvang-run";
/// The lock file in `--out` that one writer at a time holds.
pub const LOCK: &str = ".omvang.lock";

/// Steps of replacing `out/<name>/`, in order. A kill after any of them leaves the old or the new
/// run complete (after [`recover`], which every writer runs first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// The temporary sibling `.<name>.tmp-<pid>` exists with its marker, files not yet written.
    TempStarted,
    /// Every file is in the temporary sibling.
    TempWritten,
    /// The old folder is renamed aside to `.<name>.old-<pid>`.
    OldSetAside,
    /// The new folder is renamed into place; the old one is about to be deleted.
    NewInPlace,
}

/// Temporary folders of this process that Ctrl-C must remove. Renames into place hold the mutex,
/// so the handler never deletes a folder that has just become the run.
static UNFINISHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove this process's unfinished temporary folders (for an interrupt handler).
pub fn remove_unfinished() {
    for dir in unfinished().drain(..) {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Exclusive hold on an output folder, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct OutLock {
    _file: fs::File,
}

/// Take `out/.omvang.lock`, waiting while another omvang run holds it; `on_wait` is called once
/// before waiting so the caller can say why nothing happens.
///
/// # Errors
/// When the lock file cannot be created or locked.
pub fn lock_out(out: &Path, on_wait: &dyn Fn(&Path)) -> Result<OutLock, OutputError> {
    let path = out.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    if !lock_file(&file, false).map_err(io_err(&path))? {
        on_wait(&path);
        lock_file(&file, true).map_err(io_err(&path))?;
    }
    Ok(OutLock { _file: file })
}

/// An exclusive advisory lock (`flock`), released by the OS when the process dies, so a killed
/// run never leaves the folder locked. False when `wait` is off and another process holds it.
/// (std's `File::lock` needs Rust 1.89; this crate supports 1.85.)
#[cfg(unix)]
fn lock_file(file: &fs::File, wait: bool) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let op = libc::LOCK_EX | if wait { 0 } else { libc::LOCK_NB };
    loop {
        // SAFETY: flock only reads the descriptor, which `file` keeps open during the call.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) if !wait => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

/// Without flock, concurrent runs into one folder are not serialised (documented).
#[cfg(not(unix))]
fn lock_file(_file: &fs::File, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
}

/// Whether omvang made `dir`: a real folder (not a link) with the marker, or a run or comparison
/// folder of a version before the marker (its manifest names the omvang version).
pub fn is_ours(dir: &Path) -> bool {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return true;
    }
    ["manifest.json", "comparison.json"].iter().any(|f| {
        fs::read(dir.join(f))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|v| v.get("omvang_version").is_some())
    })
}

/// Delete omvang's own folder `dir` with its marker last, so that a kill part-way leaves either
/// a marked folder or an empty one, and [`recover`] can finish either.
fn remove_ours(dir: &Path) -> Result<(), OutputError> {
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        if path.file_name().is_some_and(|n| n == MARKER) {
            continue;
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&path).map_err(io_err(&path))?;
        } else {
            fs::remove_file(&path).map_err(io_err(&path))?;
        }
    }
    let marker = dir.join(MARKER);
    if fs::symlink_metadata(&marker).is_ok() {
        fs::remove_file(&marker).map_err(io_err(&marker))?;
    }
    fs::remove_dir(dir).map_err(io_err(dir))
}

/// An empty real folder: what a kill leaves between [`remove_ours`]' marker and the folder.
fn is_empty_dir(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Check early that `out` can hold a run (creating it if needed), before a long simulation.
///
/// # Errors
/// When the folder cannot be created or written.
pub fn check_writable(out: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(out).map_err(io_err(out))?;
    let probe = out.join(format!(".omvang-probe-{}", std::process::id()));
    fs::write(&probe, b"").map_err(io_err(out))?;
    fs::remove_file(&probe).map_err(io_err(&probe))
}

/// Check before any work that `out/<name>/` may be written: a safe name, and no folder there
/// that omvang did not make.
///
/// # Errors
/// [`OutputError::BadName`] or [`OutputError::NotOurs`].
pub fn check_target(out: &Path, name: &str) -> Result<PathBuf, OutputError> {
    crate::scenario::check_name(name).map_err(|message| OutputError::BadName {
        out: out.to_path_buf(),
        name: name.to_string(),
        message,
    })?;
    let target = out.join(name);
    if fs::symlink_metadata(&target).is_ok() && !is_ours(&target) {
        return Err(OutputError::NotOurs { path: target });
    }
    Ok(target)
}

fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // Our own leftover: the caller holds the lock, so no swap of ours is under way.
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc the lock is the guarantee: no other omvang writes here while we hold it.
        false
    }
}

/// `.<name>.<kind>-<pid>` → (name, kind, pid).
fn parse_sibling(file_name: &str) -> Option<(&str, &str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let (name, tail) = rest.rsplit_once('.')?;
    let (kind, pid) = tail.split_once('-')?;
    matches!(kind, "tmp" | "old").then_some(())?;
    Some((name, kind, pid.parse().ok()?))
}

/// Finish what killed runs left in `out` (call with the lock held): a set-aside old folder is
/// restored when its run folder is missing and deleted when the run folder is complete; marked
/// temporary folders of dead processes are deleted, and so are empty ones (a deletion killed
/// after its marker, see [`remove_ours`]). Anything else without the marker is left alone.
///
/// # Errors
/// I/O errors while renaming or deleting omvang's own folders.
pub fn recover(out: &Path) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(out) else {
        return Ok(());
    };
    let mut siblings: Vec<(PathBuf, String, String)> = entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let file_name = path.file_name()?.to_str()?.to_string();
            let (name, kind, pid) = parse_sibling(&file_name)?;
            ((is_ours(&path) || is_empty_dir(&path)) && !pid_alive(pid))
                .then(|| (path.clone(), name.into(), kind.into()))
        })
        .collect();
    siblings.sort();
    for (path, name, kind) in siblings {
        let target = out.join(&name);
        if kind == "tmp" || is_empty_dir(&path) {
            remove_ours(&path)?;
        } else if fs::symlink_metadata(&target).is_err() {
            fs::rename(&path, &target).map_err(io_err(&target))?;
        } else if is_ours(&target) {
            remove_ours(&path)?;
        }
    }
    Ok(())
}

/// Make the new folder `dir` with its marker, first, so that even a half-written folder is known
/// to be omvang's.
fn create_marked(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir(dir).map_err(io_err(dir))?;
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        format!(
            "Made by omvang {}; omvang may replace or delete this folder.\n",
            env!("CARGO_PKG_VERSION")
        ),
    )
    .map_err(io_err(&marker))
}

/// Write `artifacts` into `dir` (names may contain subfolders).
fn write_artifacts(dir: &Path, artifacts: &[Artifact]) -> Result<(), OutputError> {
    for a in artifacts {
        let path = dir.join(&a.name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let mut f = fs::File::create(&path).map_err(io_err(&path))?;
        f.write_all(&a.bytes).map_err(io_err(&path))?;
    }
    Ok(())
}

/// Replace `out/<name>/` by a folder that `fill` writes, crash-safely: fill a marked temporary
/// sibling, rename the old folder aside, rename the new one in, delete the old. `step` is called
/// after each step; returning false stops there without cleaning up, as a kill would (tests).
///
/// # Errors
/// A bad name, a folder omvang did not make, I/O errors, or [`OutputError::Stopped`].
pub fn swap_in(
    out: &Path,
    name: &str,
    on_wait: &dyn Fn(&Path),
    step: &mut dyn FnMut(SwapStep) -> bool,
    fill: &dyn Fn(&Path) -> Result<(), OutputError>,
) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(out).map_err(io_err(out))?;
    let _lock = lock_out(out, on_wait)?;
    recover(out)?;
    let target = check_target(out, name)?;
    let pid = std::process::id();
    let tmp = out.join(format!(".{name}.tmp-{pid}"));
    let aside = out.join(format!(".{name}.old-{pid}"));
    unfinished().push(tmp.clone());
    let mut stopped = None;
    let mut at = |s: SwapStep| {
        if step(s) {
            Ok(())
        } else {
            stopped = Some(s);
            Err(OutputError::Stopped(s))
        }
    };
    let result = (|| {
        create_marked(&tmp)?;
        at(SwapStep::TempStarted)?;
        fill(&tmp)?;
        at(SwapStep::TempWritten)?;
        let had_old = fs::symlink_metadata(&target).is_ok();
        if had_old {
            fs::rename(&target, &aside).map_err(io_err(&target))?;
            at(SwapStep::OldSetAside)?;
        }
        {
            let mut list = unfinished();
            fs::rename(&tmp, &target).map_err(io_err(&target))?;
            list.retain(|p| p != &tmp);
        }
        at(SwapStep::NewInPlace)?;
        if had_old {
            remove_ours(&aside)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        if stopped.is_none() {
            // A real failure (not a simulated kill): put everything back as it was.
            let _ = fs::remove_dir_all(&tmp);
            if fs::symlink_metadata(&target).is_err() && aside.exists() {
                let _ = fs::rename(&aside, &target);
            }
            unfinished().retain(|p| p != &tmp);
        }
        return Err(e);
    }
    Ok(target)
}

/// Write `artifacts` into `out/<name>/`, replacing an earlier run of omvang there crash-safely
/// (see [`swap_in`]); another omvang run writing into `out` is waited for.
///
/// # Errors
/// A bad name, a folder omvang did not make there, or I/O errors.
pub fn write_run(
    out: &Path,
    name: &str,
    artifacts: &[Artifact],
    on_wait: &dyn Fn(&Path),
) -> Result<PathBuf, OutputError> {
    swap_in(out, name, on_wait, &mut |_| true, &|tmp| {
        write_artifacts(tmp, artifacts)
    })
}

/// Copy a folder's files and subfolders into `to`, except the marker and the files whose path
/// inside the folder (`/`-separated, e.g. `charts/fan.png`) `skip` accepts. `prefix` is the
/// path of `from` inside the folder being copied (empty at the top).
fn copy_tree(
    from: &Path,
    to: &Path,
    prefix: &str,
    skip: &dyn Fn(&str) -> bool,
) -> Result<(), OutputError> {
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let name = entry.file_name();
        let rel = format!("{prefix}{}", name.to_string_lossy());
        if prefix.is_empty() && name == MARKER {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(io_err(&src))?;
        if kind.is_dir() {
            fs::create_dir_all(&dst).map_err(io_err(&dst))?;
            copy_tree(&src, &dst, &format!("{rel}/"), skip)?;
        } else if kind.is_file() && !skip(&rel) {
            fs::copy(&src, &dst).map_err(io_err(&dst))?;
        }
    }
    Ok(())
}

/// Replace the report files of one language (those `replaced` accepts, by their path inside the
/// folder, e.g. `report.md` and `charts/fan.png`) of a run folder omvang made with `files`, with
/// the same care as [`write_run`]: the whole folder is rebuilt as a temporary sibling (its other
/// files copied) and swapped in, so a kill leaves the old or the new report complete.
///
/// # Errors
/// A folder omvang did not make, or I/O errors.
pub fn replace_report(
    dir: &Path,
    files: &[Artifact],
    replaced: &dyn Fn(&str) -> bool,
    on_wait: &dyn Fn(&Path),
) -> Result<(), OutputError> {
    let full = fs::canonicalize(dir).map_err(io_err(dir))?;
    if !is_ours(&full) {
        return Err(OutputError::NotOurs { path: dir.into() });
    }
    let (Some(out), Some(name)) = (full.parent(), full.file_name().and_then(|n| n.to_str())) else {
        return Err(OutputError::NotOurs { path: dir.into() });
    };
    swap_in(out, name, on_wait, &mut |_| true, &|tmp| {
        copy_tree(&full, tmp, "", &|rel| {
            replaced(rel) || files.iter().any(|f| f.name == rel)
        })?;
        write_artifacts(tmp, files)
    })
    .map(|_| ())
}
