//! The minijinja templates of templates/epub, compiled in, with XML escaping
//! on for every XML file they make. Templates receive the edition only as data.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};

use super::EpubError;

const TEMPLATES: [(&str, &str); 6] = [
    (
        "layout.xhtml",
        include_str!("../../templates/epub/layout.xhtml"),
    ),
    ("blocks.xhtml", BLOCKS),
    (
        "part.xhtml",
        include_str!("../../templates/epub/part.xhtml"),
    ),
    (
        "cover.xhtml",
        include_str!("../../templates/epub/cover.xhtml"),
    ),
    ("nav.xhtml", include_str!("../../templates/epub/nav.xhtml")),
    (
        "package.opf",
        include_str!("../../templates/epub/package.opf"),
    ),
];

/// Every template and fixed file the EPUB is made from, named as in
/// `templates/`, for the build record of the verification manifest.
pub fn sources() -> Vec<(String, &'static [u8])> {
    TEMPLATES
        .iter()
        .map(|(name, text)| (*name, *text))
        .chain([
            ("container.xml", CONTAINER_XML),
            ("gazette.css", STYLESHEET),
        ])
        .map(|(name, text)| (format!("epub/{name}"), text.as_bytes()))
        .collect()
}

/// The blocks of a document part, shared with the web edition's pages.
pub const BLOCKS: &str = include_str!("../../templates/epub/blocks.xhtml");

/// The OCF container file; it names the package document and nothing else.
pub(super) const CONTAINER_XML: &str = include_str!("../../templates/epub/container.xml");
pub(super) const STYLESHEET: &str = include_str!("../../templates/epub/gazette.css");

/// The template engine, set up once for the EPUB and the web edition alike:
/// values escaped as XML (which is what HTML needs too), undefined fields an
/// error, blocks trimmed.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub(super) fn new() -> Result<Self, EpubError> {
        Self::with(&TEMPLATES)
    }

    /// The engine with other `templates`, by name and source.
    pub fn with(templates: &[(&'static str, &'static str)]) -> Result<Self, EpubError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(escaping_for);
        env.set_formatter(write_value);
        // A misspelt field must fail the build, not print nothing.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .map_err(template_failed)?,
        );
        for (name, source) in templates {
            env.add_template(name, source).map_err(template_failed)?;
        }
        Ok(Self { env })
    }

    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<Vec<u8>, EpubError> {
        let template = self.env.get_template(name).map_err(template_failed)?;
        let text = template
            .render(to_value(context))
            .map_err(template_failed)?;
        Ok(text.into_bytes())
    }
}

/// The escaping of XML files: see [`write_value`].
const XML: AutoEscape = AutoEscape::Custom(Cow::Borrowed("xml"));

/// Every template makes an XML or HTML file; a template of any other kind
/// would print values as they are.
fn escaping_for(name: &str) -> AutoEscape {
    if [".xhtml", ".opf", ".xml", ".html"]
        .iter()
        .any(|extension| name.ends_with(extension))
    {
        XML
    } else {
        AutoEscape::None
    }
}

/// Prints a value into an XML file: `< > & " '` become references, which is
/// all XML needs in text and attributes. (minijinja's HTML escaping would
/// also turn every `/` of a path into `&#x2f;`.) Values the templates made
/// themselves, such as macro output, are marked safe and printed as they are.
fn write_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    if *state.auto_escape() != XML || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    for c in text.chars() {
        match c {
            '<' => out.write_str("&lt;"),
            '>' => out.write_str("&gt;"),
            '&' => out.write_str("&amp;"),
            '"' => out.write_str("&quot;"),
            '\'' => out.write_str("&#39;"),
            c => out.write_char(c),
        }?;
    }
    Ok(())
}

fn template_failed(error: minijinja::Error) -> EpubError {
    EpubError::Template(error.to_string())
}

/// The view as minijinja data. minijinja is built without its serde feature,
/// so the JSON view is converted here, once.
fn to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Value::from(u),
            (None, Some(i)) => Value::from(i),
            (None, None) => Value::from(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => items.iter().map(to_value).collect(),
        serde_json::Value::Object(fields) => Value::from(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), to_value(value)))
                .collect::<BTreeMap<String, Value>>(),
        ),
    }
}
