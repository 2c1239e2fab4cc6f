//! A zip package of XML parts — an .xlsx or an .ods — read whole and written again with chosen
//! parts replaced, every other part byte for byte as it was.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use quick_xml::XmlVersion;
use quick_xml::events::BytesStart;

pub(crate) type Result<T> = std::result::Result<T, String>;

/// Every part of the package, decompressed, in archive order.
#[derive(Debug)]
pub(crate) struct Package {
    pub parts: Vec<(String, Vec<u8>)>,
}

impl Package {
    /// Reads a package after checking it is no spreadsheet bomb; `kind` names it in errors.
    pub fn read(bytes: &[u8], kind: &str) -> Result<Self> {
        crate::limits::check_workbook(bytes)?;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not an {kind} workbook: {e}"))?;
        let mut parts = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let mut entry = archive
                .by_index(i)
                .map_err(|e| format!("part {i} is unreadable: {e}"))?;
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            let mut data = Vec::new();
            entry
                .read_to_end(&mut data)
                .map_err(|e| format!("part {name} is unreadable: {e}"))?;
            parts.push((name, data));
        }
        Ok(Self { parts })
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.parts.iter().position(|(n, _)| n == name)
    }

    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.index(name).map(|i| self.parts[i].1.as_slice())
    }

    /// The package again in the same order, the parts in `replaced` (by index) with their new
    /// bytes. An OpenDocument `mimetype` part stays uncompressed, as the format requires of it.
    pub fn write(&self, replaced: &HashMap<usize, Vec<u8>>) -> Result<Vec<u8>> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (i, (name, data)) in self.parts.iter().enumerate() {
            let data = replaced.get(&i).unwrap_or(data);
            let options = if name == "mimetype" { stored } else { deflated };
            out.start_file(name.as_str(), options)
                .and_then(|()| out.write_all(data).map_err(Into::into))
                .map_err(|e| format!("cannot write part {name}: {e}"))?;
        }
        Ok(out
            .finish()
            .map_err(|e| format!("cannot finish the workbook: {e}"))?
            .into_inner())
    }
}

/// An attribute's value by its local name (`r:id` answers to `id`, `style:name` to `name`).
pub(crate) fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

pub(crate) fn xml_error(part: &str, e: impl std::fmt::Display) -> String {
    format!("part {part} is not well-formed XML: {e}")
}

/// Appends an entity or character reference to `s` as the character it stands for.
pub(crate) fn push_reference(s: &mut String, r: &quick_xml::events::BytesRef) {
    match r.resolve_char_ref() {
        Ok(Some(c)) => s.push(c),
        _ => match &**r {
            "amp" => s.push('&'),
            "lt" => s.push('<'),
            "gt" => s.push('>'),
            "quot" => s.push('"'),
            "apos" => s.push('\''),
            other => {
                s.push('&');
                s.push_str(other);
                s.push(';');
            }
        },
    }
}
