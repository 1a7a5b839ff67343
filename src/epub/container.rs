//! The OCF container: a zip whose first entry is the uncompressed `mimetype`,
//! written so that the same files and date always give the same bytes.

use super::{EpubError, EpubFile};
use crate::model::Date;
use crate::relative_path::{self, DistinctPaths};
use crate::zipped;

/// The container's first file (OCF 3.3 §4.3)...
pub const MIMETYPE_PATH: &str = "mimetype";
/// ...and the one content it may hold.
pub const MIMETYPE: &[u8] = b"application/epub+zip";
/// Where every EPUB names its package document (OCF 3.3 §4.2.6.3.1).
pub const CONTAINER_PATH: &str = "META-INF/container.xml";

/// Zips `files` in the order given. `mimetype` must come first with its fixed
/// content; it is stored, every other entry deflated. Each entry is stamped
/// with `date` at 00:00 and the permissions `rw-r--r--`, so the result does
/// not depend on when or where it is built.
pub fn package(files: &[EpubFile], date: Date) -> Result<Vec<u8>, EpubError> {
    check_files(files)?;
    let entries = files.iter().enumerate().map(|(index, file)| zipped::Entry {
        name: &file.path,
        bytes: &file.bytes,
        stored: index == 0,
    });
    zipped::write(entries, date)
        .map_err(|why| EpubError::Package(format!("cannot write the EPUB's zip: {why}")))
}

/// The file list must make a valid OCF container: `mimetype` first, then
/// distinct relative paths that cannot escape the container.
fn check_files(files: &[EpubFile]) -> Result<(), EpubError> {
    match files.first() {
        Some(first) if first.path == MIMETYPE_PATH && first.bytes == MIMETYPE => {}
        _ => {
            return Err(EpubError::Package(
                "the first file of an EPUB must be \"mimetype\" holding exactly \
                 \"application/epub+zip\""
                    .into(),
            ));
        }
    }
    let mut distinct = DistinctPaths::new();
    for file in files {
        let path = file.path.as_str();
        if let Err(why) = relative_path::check(path) {
            return Err(EpubError::Package(format!(
                "\"{path}\" is not a valid path inside an EPUB container: it {why}"
            )));
        }
        if let Err(why) = distinct.insert(path) {
            return Err(EpubError::Package(format!(
                "the EPUB would hold \"{path}\" {why}"
            )));
        }
    }
    Ok(())
}
