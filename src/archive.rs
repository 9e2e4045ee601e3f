//! `.zip` inputs: an admin often zips a folder of CLI outputs (or several accounts' bundles)
//! before mailing it. Each member becomes an input of its own, named `archive.zip/member`, so
//! verdicts and evidence say which file inside the archive they are about.

use crate::decode::MAX_DECOMPRESSED;
use crate::Input;
use std::io::{Cursor, Read};

/// A zip file starts with a local file header (or, when empty, the end-of-directory record).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The members of a zip archive that can hold exports: regular files, not folders, not macOS
/// resource forks (`__MACOSX/`, `._name`) and not hidden files. The total expanded size is
/// capped like a gzip stream's, so a zip bomb is an error rather than an exhausted tab.
pub fn expand(name: &str, bytes: &[u8]) -> Result<Vec<Input>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("the file looks like a zip archive but cannot be read: {e}"))?;
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut member = archive
            .by_index(i)
            .map_err(|e| format!("member {} of the zip archive cannot be read: {e}", i + 1))?;
        if member.is_dir() {
            continue;
        }
        let path = member.name().to_string();
        let base = path.rsplit('/').next().unwrap_or(&path);
        if path.starts_with("__MACOSX/") || base.starts_with('.') || base.is_empty() {
            continue;
        }
        let mut data = Vec::new();
        (&mut member)
            .take(MAX_DECOMPRESSED + 1 - total)
            .read_to_end(&mut data)
            .map_err(|e| format!("{path} in the zip archive cannot be decompressed: {e}"))?;
        total += data.len() as u64;
        if total > MAX_DECOMPRESSED {
            return Err(format!(
                "the zip archive expands past {} MiB",
                MAX_DECOMPRESSED >> 20
            ));
        }
        out.push(Input::new(format!("{name}/{path}"), data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, SimpleFileOptions::default())
                .expect("start");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn members_become_named_inputs() {
        let z = zip_of(&[
            ("exports/sg.json", b"{}"),
            ("__MACOSX/exports/._sg.json", b"junk"),
            ("exports/.DS_Store", b"junk"),
        ]);
        assert!(is_zip(&z));
        let inputs = expand("acct.zip", &z).expect("reads");
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].name, "acct.zip/exports/sg.json");
        assert_eq!(inputs[0].bytes, b"{}");
    }

    #[test]
    fn damaged_archives_are_errors() {
        let mut z = zip_of(&[("a.json", b"{\"x\": 1}")]);
        z.truncate(z.len() - 10);
        assert!(expand("a.zip", &z).is_err());
    }
}
