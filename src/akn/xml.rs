//! The XML writer the Akoma Ntoso files are made with: quick-xml's escaping
//! for every text and attribute, a line break between structural elements
//! (never inside mixed content, where it would change the text), and the
//! `eId` prefix that keeps identifiers unique once a document is nested in
//! the edition or an attachment in a document.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The Akoma Ntoso 3.0 namespace.
pub const NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

pub struct Xml {
    writer: Writer<Vec<u8>>,
    /// Put before every `eId` written, and before the `#` references to them.
    prefix: String,
}

impl Xml {
    /// A file: the XML declaration and nothing else yet.
    pub fn new() -> Self {
        let mut xml = Self {
            writer: Writer::new(Vec::new()),
            prefix: String::new(),
        };
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml.newline();
        xml
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.newline();
        self.writer.into_inner()
    }

    fn event(&mut self, event: Event) {
        if let Err(error) = self.writer.write_event(event) {
            unreachable!("writing XML to memory cannot fail: {error}");
        }
    }

    fn newline(&mut self) {
        self.event(Event::Text(BytesText::from_escaped("\n")));
    }

    /// `eId` with the current prefix.
    pub fn id(&self, local: &str) -> String {
        format!("{}{local}", self.prefix)
    }

    /// A reference (`#…`) to the element whose `eId` is `local` here.
    pub fn to(&self, local: &str) -> String {
        format!("#{}{local}", self.prefix)
    }

    /// Runs `body` with `eId`s prefixed by `local__` (the AKN convention for
    /// nested documents), then restores the prefix.
    pub fn nested(&mut self, local: &str, body: impl FnOnce(&mut Self)) {
        let outer = self.prefix.clone();
        self.prefix = format!("{outer}{local}__");
        body(self);
        self.prefix = outer;
    }

    /// Opens a structural element: its content is elements only, one a line.
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start(name, attributes);
        self.newline();
    }

    pub fn close(&mut self, name: &str) {
        self.end(name);
        self.newline();
    }

    /// Opens an element of mixed content: nothing is added inside it.
    pub fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.event(Event::Start(start));
    }

    pub fn end(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// An empty element on a line of its own.
    pub fn leaf(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.marker(name, attributes);
        self.newline();
    }

    /// An empty element inside mixed content, such as `<br/>`.
    pub fn marker(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let empty = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.event(Event::Empty(empty));
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) {
        self.event(Event::Text(BytesText::new(text)));
    }

    /// `<name>text</name>` on a line of its own.
    pub fn line(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.start(name, attributes);
        self.text(text);
        self.close(name);
    }
}
