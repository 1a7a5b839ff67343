//! The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1):
//! the certificates, OCSP responses and CRLs a verifier needs to judge the
//! file's signatures and timestamps decades later, offline, appended as an
//! incremental update (PAdES B-LT).
//!
//! Each item is a stream in `/Certs`, `/OCSPs` or `/CRLs`; `/VRI` lists, per
//! signature, the streams about its certificates, keyed by the uppercase hex
//! SHA-1 of the signature's `/Contents` value as stored: the CMS and its
//! zero padding, as ETSI EN 319 142-1 (5.4.2.2) asks and Acrobat and pyHanko
//! compute it.
//! An existing store is kept whole: the update adds to its arrays and its
//! VRI, and an item it already holds is referred to, not written twice.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use ring::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};

use super::SealError;
use super::update::{self, Update, pdf_error, trailer};
use crate::revocation::Evidence;

/// What one signature or timestamp's VRI entry lists.
pub struct Validation<'a> {
    /// The signature's `/Contents` value as stored, zero padding included:
    /// the VRI key is its hash.
    pub contents: &'a [u8],
    pub evidence: &'a Evidence,
}

/// The VRI key of a signature whose `/Contents` value, padding included,
/// is `contents`.
pub fn vri_key(contents: &[u8]) -> String {
    crate::digest::hex(digest(&SHA1_FOR_LEGACY_USE_ONLY, contents).as_ref()).to_uppercase()
}

/// `pdf` with a DSS update holding every item of `validations`, each
/// signature's listed under its VRI key, and whatever the store already held.
pub fn append(pdf: &[u8], validations: &[Validation]) -> Result<Vec<u8>, SealError> {
    let document = Document::load_mem(pdf).map_err(pdf_error)?;
    let (catalog_id, catalog) = update::catalog(&document)?;
    let none = Dictionary::new();
    let (existing, dss_id) = match catalog.get(b"DSS") {
        Ok(Object::Reference(id)) => (document.get_dictionary(*id).map_err(pdf_error)?, Some(*id)),
        Ok(Object::Dictionary(dss)) => (dss, None),
        _ => (&none, None),
    };
    let mut store = Store::read(&document, existing, document.max_id);
    for validation in validations {
        store.add(validation);
    }

    let mut update = Update::after(pdf)?;
    for (id, bytes) in &store.new_streams {
        let stream = Stream::new(Dictionary::new(), bytes.clone());
        update.object(*id, &Object::Stream(stream))?;
    }
    let dss_id = match dss_id {
        Some(id) => id,
        None => {
            let id = store.next_id();
            let mut catalog = catalog.clone();
            catalog.set("DSS", Object::Reference(id));
            update.object(catalog_id, &catalog.into())?;
            id
        }
    };
    update.object(dss_id, &store.dictionary(existing).into())?;
    let last = store.last_id.max(dss_id.0);
    update.finish(trailer(&document, last))
}

/// The store as it will be: old and new items, by kind, and the VRI.
struct Store {
    certs: Kind,
    ocsps: Kind,
    crls: Kind,
    vri: Dictionary,
    /// Streams to write, with their new object numbers.
    new_streams: Vec<(ObjectId, Vec<u8>)>,
    last_id: u32,
}

/// One array of the store: each item's reference and bytes.
#[derive(Default)]
struct Kind {
    items: Vec<(Object, Option<Vec<u8>>)>,
}

impl Store {
    fn read(document: &Document, dss: &Dictionary, last_id: u32) -> Store {
        let kind = |key: &[u8]| Kind {
            items: dss
                .get_deref(key, document)
                .and_then(Object::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| (item.clone(), stream_bytes(document, item)))
                        .collect()
                })
                .unwrap_or_default(),
        };
        // Entries are often indirect (pyHanko writes them so): they are
        // rewritten direct, with what they listed.
        let vri = dss
            .get_deref(b"VRI", document)
            .and_then(Object::as_dict)
            .map(|vri| {
                vri.iter()
                    .filter_map(|(key, entry)| {
                        let (_, entry) = document.dereference(entry).ok()?;
                        Some((
                            key.clone(),
                            Object::Dictionary(entry.as_dict().ok()?.clone()),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Store {
            certs: kind(b"Certs"),
            ocsps: kind(b"OCSPs"),
            crls: kind(b"CRLs"),
            vri,
            new_streams: Vec::new(),
            last_id,
        }
    }

    fn next_id(&mut self) -> ObjectId {
        self.last_id += 1;
        (self.last_id, 0)
    }

    /// Adds `validation`'s items and its VRI entry, which keeps what an
    /// earlier entry under the same key listed.
    fn add(&mut self, validation: &Validation) {
        let evidence = validation.evidence;
        let certs = self.refer(Which::Certs, &evidence.certificates);
        let ocsps = self.refer(Which::Ocsps, &evidence.ocsp_responses);
        let crls = self.refer(Which::Crls, &evidence.crls);
        let key = vri_key(validation.contents);
        let mut entry = self
            .vri
            .get(key.as_bytes())
            .and_then(Object::as_dict)
            .cloned()
            .unwrap_or_else(|_| Dictionary::from_iter([("Type", Object::Name(b"VRI".to_vec()))]));
        for (name, refs) in [("Cert", certs), ("OCSP", ocsps), ("CRL", crls)] {
            let mut listed = entry
                .get(name.as_bytes())
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default();
            for reference in refs {
                if !listed.contains(&reference) {
                    listed.push(reference);
                }
            }
            if !listed.is_empty() {
                entry.set(name, Object::Array(listed));
            }
        }
        self.vri.set(key, Object::Dictionary(entry));
    }

    /// References to `items` in the array `which`, written anew only when
    /// the store does not hold the same bytes yet.
    fn refer(&mut self, which: Which, items: &[Vec<u8>]) -> Vec<Object> {
        let mut refs = Vec::new();
        for bytes in items {
            let known = self
                .kind(which)
                .items
                .iter()
                .find(|(_, held)| held.as_ref() == Some(bytes))
                .map(|(reference, _)| reference.clone());
            let reference = match known {
                Some(reference) => reference,
                None => {
                    let id = self.next_id();
                    self.new_streams.push((id, bytes.clone()));
                    let reference = Object::Reference(id);
                    self.kind(which)
                        .items
                        .push((reference.clone(), Some(bytes.clone())));
                    reference
                }
            };
            if !refs.contains(&reference) {
                refs.push(reference);
            }
        }
        refs
    }

    fn kind(&mut self, which: Which) -> &mut Kind {
        match which {
            Which::Certs => &mut self.certs,
            Which::Ocsps => &mut self.ocsps,
            Which::Crls => &mut self.crls,
        }
    }

    /// The new DSS dictionary: `old`'s other entries, the three arrays, the VRI.
    fn dictionary(&self, old: &Dictionary) -> Dictionary {
        let mut dss = old.clone();
        for (name, kind) in [
            ("Certs", &self.certs),
            ("OCSPs", &self.ocsps),
            ("CRLs", &self.crls),
        ] {
            if !kind.items.is_empty() {
                let items = kind.items.iter().map(|(r, _)| r.clone()).collect();
                dss.set(name, Object::Array(items));
            }
        }
        if !self.vri.is_empty() {
            dss.set("VRI", Object::Dictionary(self.vri.clone()));
        }
        dss
    }
}

#[derive(Clone, Copy)]
enum Which {
    Certs,
    Ocsps,
    Crls,
}

/// The decoded bytes of the stream `item` refers to, to recognise an item
/// the store already holds.
fn stream_bytes(document: &Document, item: &Object) -> Option<Vec<u8>> {
    let (_, object) = document.dereference(item).ok()?;
    object.as_stream().ok()?.get_plain_content().ok()
}

/// A signature value as a PDF stores it in a `/Contents` of `reserve`
/// bytes: the value, then zeros.
pub fn stored_contents(value: &[u8], reserve: usize) -> Vec<u8> {
    let mut stored = value.to_vec();
    stored.resize(reserve.max(value.len()), 0);
    stored
}
