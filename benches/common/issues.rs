//! Issues generated from the sample's real work plan, sealed with the
//! example identity, for the benches to build. Shared through `mod common;`,
//! or alone (`#[path]`) by a bench that needs no typst.

use std::path::Path;

/// Writes generated issues: the sample's work plan as every document's body.
pub struct Generator {
    body: String,
    seal_key: String,
    seal_chain: String,
}

impl Generator {
    pub fn new() -> Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let body = std::fs::read_to_string(repo.join(
            "samples/shanghai-gazette-2025-08/documents/attachments/hufubanzi-2025-5-yaodian.md",
        ))
        .expect("the sample's work plan");
        let absolute = |file: &str| {
            let path = repo.join("certs-example").join(file);
            assert!(path.is_file(), "{} is missing", path.display());
            toml::Value::String(path.display().to_string()).to_string()
        };
        Generator {
            body,
            seal_key: absolute("seal.key.pem"),
            seal_chain: absolute("seal-chain.pem"),
        }
    }

    /// Issue `number` of 2025 with `documents` documents, published on
    /// `month`-`day`, its documents dated earlier that month.
    pub fn issue(&self, dir: &Path, number: u32, (month, day): (u32, u32), documents: usize) {
        std::fs::create_dir_all(dir).expect("an issue folder");
        let sections = ["市政府文件", "市政府办公厅文件", "部门文件"];
        let mut manifest = format!(
            "[gazette]\nid = \"bench\"\ntitle = \"上海市人民政府公报\"\npublisher = \"上海市人民政府办公厅\"\nlanguage = \"zh-Hans\"\n\n\
             [issue]\nyear = 2025\nnumber = {number}\ndate = 2025-{month:02}-{day:02}\n\n\
             [seal]\ncertificates = {}\nkey = {}\n",
            self.seal_chain, self.seal_key
        );
        for (s, section) in sections.iter().enumerate() {
            let files: Vec<String> = (0..documents)
                .filter(|d| d % sections.len() == s)
                .map(|d| format!("\"d{d}.md\""))
                .collect();
            manifest += &format!(
                "\n[[sections]]\ntitle = \"{section}\"\ndocuments = [{}]\n",
                files.join(", ")
            );
        }
        std::fs::write(dir.join("issue.toml"), manifest).expect("write issue.toml");
        for d in 0..documents {
            let document = format!(
                "+++\ntitle = \"上海市人民政府关于印发第{n}项工作要点的通知\"\nnumber = \"沪府〔2025〕{n}号\"\n\
                 issuer = \"上海市人民政府\"\naddressees = \"各区人民政府，市政府各委、办、局\"\ndate = 2025-{month:02}-{doc_day:02}\n\
                 disclosure = \"主动公开\"\n+++\n{body}",
                n = (number as usize - 1) * documents + d + 1,
                doc_day = d as u32 % day + 1,
                body = self.body,
            );
            std::fs::write(dir.join(format!("d{d}.md")), document).expect("write a document");
        }
    }
}
