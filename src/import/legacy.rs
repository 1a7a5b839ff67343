//! The formats Word and WPS wrote before .docx (.doc, .wps) and
//! OpenDocument (.odt), turned into .docx by LibreOffice when it is
//! installed: gazette reads one format and leaves the others to the tool
//! that knows them.

use std::path::Path;
use std::process::Command;

use crate::diagnostic::Diagnostic;

/// A file larger than this is no office document.
const MAX_FILE: u64 = 256 << 20;

/// Extensions LibreOffice converts; .docx is read as it is.
const CONVERTED: [&str; 4] = ["doc", "wps", "odt", "rtf"];

/// The bytes of `source` as a .docx, converted first if it is another format.
pub fn docx_bytes(source: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let extension = source
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension == "docx" {
        return read(source);
    }
    if !CONVERTED.contains(&extension.as_str()) {
        return Err(Box::new(
            Diagnostic::in_file(source, "cannot import this kind of file")
                .help("gazette imports Word files (.docx), and .doc, .wps, .odt and .rtf through LibreOffice; for another format, save the document as .docx"),
        ));
    }
    let converted = tempfile::tempdir().map_err(|error| {
        Box::new(Diagnostic::in_file(
            source,
            format!("cannot make a folder to convert it in: {error}"),
        ))
    })?;
    let status = Command::new("soffice")
        .arg("--headless")
        .arg("--convert-to")
        .arg("docx")
        .arg("--outdir")
        .arg(converted.path())
        .arg(source)
        .output();
    let output = match status {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Box::new(
                Diagnostic::in_file(
                    source,
                    format!("a .{extension} file needs LibreOffice to be read, and it is not installed"),
                )
                .help("install it (Debian: apt install libreoffice-writer-nogui) and run the import again, or open the file in Word or WPS and save it as .docx"),
            ));
        }
        Err(error) => {
            return Err(Box::new(Diagnostic::in_file(
                source,
                format!("cannot run LibreOffice (soffice): {error}"),
            )));
        }
    };
    let stem = source.file_stem().unwrap_or_default();
    let docx = converted.path().join(stem).with_extension("docx");
    if !output.status.success() || !docx.is_file() {
        return Err(Box::new(
            Diagnostic::in_file(
                source,
                format!(
                    "LibreOffice could not convert it to .docx: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            )
            .help("open it in Word or WPS and save it as .docx"),
        ));
    }
    read(&docx)
}

fn read(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    let cannot = |message: String| Box::new(Diagnostic::in_file(path, message));
    let size = std::fs::metadata(path)
        .map_err(|error| cannot(format!("cannot read: {error}")))?
        .len();
    if size > MAX_FILE {
        return Err(cannot(format!(
            "it is {size} bytes, larger than any office document ({MAX_FILE})"
        )));
    }
    std::fs::read(path).map_err(|error| cannot(format!("cannot read: {error}")))
}
