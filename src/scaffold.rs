//! `gazette new`: the files of a new issue, ready to build. Either a first issue
//! with placeholder gazette details, or the issue after a previous one: its
//! [gazette], [fonts] and [seal] taken over, the next number, and the seal's
//! paths rewritten for the new folder.
//!
//! Nothing here writes: [`scaffold`] returns the files and the command line puts
//! them in place. Every value written into TOML goes through the `toml` crate's
//! own escaping; the comments, in Chinese like the sample issue's, never carry
//! the editor's text unescaped.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::manifest;
use crate::model::{Date, Edition, Fonts, Gazette, Issue, Language, SEAL_PURPOSE, Templates};
use crate::seal::Level;

/// The manifest's name inside the new issue folder.
pub const MANIFEST: &str = crate::manifest::FILE_NAME;
/// The example document, `/`-separated, relative to the issue folder.
pub const EXAMPLE: &str = "documents/example.md";

/// A file of the new issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// `/`-separated, relative to the issue folder.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The new issue, to be written into its folder.
#[derive(Debug, Clone)]
pub struct Scaffold {
    pub files: Vec<NewFile>,
    /// `<gazette id>-<year>-<NN>`, the edition `gazette build` will make.
    pub edition_id: String,
    /// Things the editor should know, such as a seal path that is now absolute.
    pub notes: Vec<String>,
}

/// Makes the files of the issue that will live in the folder `issue`, published
/// on `date`, following the issue at `previous` (a folder or its issue.toml)
/// when given. Refuses a folder that exists and is not empty, a previous issue
/// that does not load, and a date before the previous issue's.
pub fn scaffold(
    issue: &Path,
    date: Date,
    previous: Option<&Path>,
) -> Result<Scaffold, Diagnostics> {
    check_vacant(issue)?;
    if date.year < 1900 {
        return Err(vec![
            Diagnostic::new(format!("the date {} is before 1900", date.iso()))
                .help("give the publication date with --date YYYY-MM-DD"),
        ]);
    }
    let mut notes = Vec::new();
    let plan = match previous {
        None => Plan::first(date),
        Some(previous) => Plan::after(previous, issue, date, &mut notes)?,
    };
    let mut files = vec![
        NewFile {
            path: MANIFEST.into(),
            bytes: plan.manifest().into_bytes(),
        },
        NewFile {
            path: EXAMPLE.into(),
            bytes: plan.example_document().into_bytes(),
        },
    ];
    // The previous issue's own templates come along, so that the new issue
    // looks like it without depending on its folder.
    files.extend(plan.templates.iter().flat_map(|templates| {
        templates.files.iter().map(|file| NewFile {
            path: format!("{}/{}", templates.folder, file.path),
            bytes: file.bytes.clone(),
        })
    }));
    Ok(Scaffold {
        files,
        edition_id: format!(
            "{}-{}-{:02}",
            plan.gazette.id, plan.issue.year, plan.issue.number
        ),
        notes,
    })
}

/// Reads a `--date` such as `2025-09-01`; impossible dates are refused.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let refused = || format!("\"{text}\" is not a date: write it as YYYY-MM-DD, e.g. 2025-09-01");
    let datetime: toml::value::Datetime = text.trim().parse().map_err(|_| refused())?;
    match (datetime.date, datetime.time, datetime.offset) {
        (Some(date), None, None) => Ok(Date {
            year: date.year,
            month: date.month,
            day: date.day,
        }),
        _ => Err(refused()),
    }
}

/// The calendar date `days` days after 1970-01-01 (the proleptic Gregorian
/// calendar, as the system clock counts), e.g. today's date in UTC.
pub fn date_from_unix_days(days: u64) -> Date {
    // Howard Hinnant's civil_from_days, for days since the epoch that are not negative.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    Date {
        year: u16::try_from(year).unwrap_or(u16::MAX),
        month: u8::try_from(month).unwrap_or(12),
        day: u8::try_from(day).unwrap_or(31),
    }
}

/// Only a new or empty folder becomes an issue: an existing issue is never
/// overwritten, nor a link followed to somewhere else.
fn check_vacant(issue: &Path) -> Result<(), Diagnostics> {
    crate::output::vacant(issue).map_err(|reason| {
        vec![Diagnostic::in_file(issue, reason.to_string()).help(
            "choose a new folder for the issue; gazette new never writes into an existing one",
        )]
    })
}

/// Everything the new issue's files say.
struct Plan {
    gazette: Gazette,
    issue: Issue,
    fonts: Fonts,
    seal: Option<SealLines>,
    /// The previous issue's own templates, copied into the new issue.
    templates: Option<Templates>,
    section: String,
    /// The previous issue as the editor named it, when there is one.
    previous: Option<PathBuf>,
}

/// The [seal] table as the new issue writes it: paths already made to work
/// from the new folder.
struct SealLines {
    key: String,
    certificates: Option<String>,
    organisation: String,
    purpose: String,
    /// The time-stamp authority's URL and the level, carried unchanged.
    timestamp: Option<String>,
    level: Option<Level>,
}

impl Plan {
    /// A first issue: placeholder gazette details that pass every check.
    fn first(date: Date) -> Self {
        let families = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        Self {
            gazette: Gazette {
                id: "my-gazette".into(),
                title: "示例市人民政府公报".into(),
                title_en: None,
                uri: None,
                verify_url: None,
                publisher: "示例市人民政府办公厅".into(),
                issn: None,
                cn: None,
                language: Language::zh_hans(),
            },
            issue: Issue {
                year: date.year,
                number: 1,
                running: None,
                date,
            },
            fonts: Fonts {
                song: families(&["方正小标宋简体", "Noto Serif CJK SC"]),
                fangsong: families(&["仿宋_GB2312", "仿宋", "Noto Serif CJK SC"]),
                hei: families(&["黑体", "Noto Sans CJK SC"]),
                kai: families(&["楷体_GB2312", "楷体", "LXGW WenKai"]),
            },
            seal: None,
            templates: None,
            section: "市政府文件".into(),
            previous: None,
        }
    }

    /// The issue after `previous`, to be written into `issue`.
    fn after(
        previous: &Path,
        issue: &Path,
        date: Date,
        notes: &mut Vec<String>,
    ) -> Result<Self, Diagnostics> {
        let edition = manifest::load(previous)?;
        let seal = match &edition.seal {
            Some(seal) => {
                let root = manifest::root_of(previous);
                let carry = |path: &Path, what: &str, notes: &mut Vec<String>| {
                    carried_path(&root, path, issue, notes).ok_or_else(|| {
                        vec![Diagnostic::in_file(
                            path,
                            format!("cannot write the path of the seal's {what} into issue.toml: it is not UTF-8 text"),
                        )
                        .help("move the seal's files to a folder with a UTF-8 name, or give them with --seal-key/--seal-cert")]
                    })
                };
                let key = if seal.key.starts_with("pkcs11:") {
                    seal.key.clone()
                } else {
                    carry(Path::new(&seal.key), "key", notes)?
                };
                let certificates = match &seal.certificates {
                    Some(path) => Some(carry(path, "certificates", notes)?),
                    None => None,
                };
                let text = edition.seal_text();
                Some(SealLines {
                    key,
                    certificates,
                    organisation: text.organisation,
                    purpose: text.purpose,
                    timestamp: seal.timestamp.clone(),
                    level: seal.level,
                })
            }
            None => None,
        };
        let issue = next_issue(&edition.issue, date)?;
        let section = edition
            .sections
            .first()
            .map_or_else(|| "市政府文件".to_string(), |s| s.title.clone());
        let Edition {
            gazette,
            fonts,
            templates,
            ..
        } = edition;
        Ok(Self {
            gazette,
            issue,
            fonts,
            seal,
            templates,
            section,
            previous: Some(previous.to_path_buf()),
        })
    }
}

/// The issue after `previous`, published on `date`: the next number in the
/// same year, number 1 in a later year; the running number goes on.
fn next_issue(previous: &Issue, date: Date) -> Result<Issue, Diagnostics> {
    if date < previous.date {
        return Err(vec![
            Diagnostic::new(format!(
                "the new issue's date {} is before the previous issue's date {}",
                date.iso(),
                previous.date.iso()
            ))
            .help("issues follow one another: give a later --date, or start from another previous issue"),
        ]);
    }
    let number = if date.year > previous.year {
        1
    } else {
        previous.number + 1
    };
    if number > 999 {
        return Err(vec![
            Diagnostic::new(format!(
                "the previous issue is number {} of {}, the last an issue.toml allows",
                previous.number, previous.year
            ))
            .help("a new year starts again at number 1: give a --date in the next year"),
        ]);
    }
    let running = previous.running.map(|r| r + 1);
    if running.is_some_and(|r| r > 999_999) {
        return Err(vec![
            Diagnostic::new("the running number would pass 999999, the most an issue.toml allows")
                .help("remove `running` from the new issue.toml's [issue] table"),
        ]);
    }
    Ok(Issue {
        year: date.year,
        number,
        running,
        date,
    })
}

/// The path to write in the new issue for a seal file that the previous
/// issue, whose folder is `root`, named as `loaded` (its path joined to
/// `root`). A relative path is rewritten to lead from `new_root` to the same
/// file; an absolute one is kept. When the rewritten path is not checked to
/// reach the same file (links on the way), the absolute path is written and a
/// note says so. `None` when the path cannot be written as UTF-8 text.
fn carried_path(
    root: &Path,
    loaded: &Path,
    new_root: &Path,
    notes: &mut Vec<String>,
) -> Option<String> {
    let written = loaded.strip_prefix(root).unwrap_or(loaded);
    if written.is_absolute() {
        return written.to_str().map(str::to_string);
    }
    let relative = relative_path(loaded, new_root);
    if !loaded.exists() {
        notes.push(format!(
            "the seal file {} does not exist; its path was rewritten for the new folder on names alone: check it before sealing",
            loaded.display()
        ));
        if let Some(relative) = relative {
            return to_toml_path(&relative);
        }
    }
    if let Some(relative) = relative.filter(|r| reaches_same_file(new_root, r, loaded)) {
        return to_toml_path(&relative);
    }
    let absolute = std::path::absolute(loaded).ok()?;
    notes.push(format!(
        "no relative path from the new folder to {} was found (links on the way?): issue.toml names it by its absolute path {}",
        loaded.display(),
        absolute.display()
    ));
    to_toml_path(&absolute)
}

/// A `/`-separated path, as issue.toml writes paths.
fn to_toml_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .components()
        .map(|c| match c {
            Component::RootDir => Some(""),
            other => other.as_os_str().to_str(),
        })
        .collect();
    let parts = parts?;
    Some(match parts.as_slice() {
        [""] => "/".to_string(),
        _ => parts.join("/"),
    })
}

/// The path from the folder `from` to `target`, computed on the names alone
/// (`..` taken to undo the name before it). Links can make this wrong, which
/// [`reaches_same_file`] checks. `None` when the two share no root.
fn relative_path(target: &Path, from: &Path) -> Option<PathBuf> {
    let (target, from) = (
        std::path::absolute(target).ok()?,
        std::path::absolute(from).ok()?,
    );
    let (target, from) = (lexical(&target), lexical(&from));
    if target.first() != from.first() {
        return None;
    }
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &target[common..] {
        relative.push(part);
    }
    Some(relative)
}

/// An absolute path's components with `.` dropped and each `..` undoing the
/// name before it.
fn lexical(path: &Path) -> Vec<Component<'_>> {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                }
            }
            other => parts.push(other),
        }
    }
    parts
}

/// Whether `relative`, read from the folder `new_root` once it exists, names
/// the same file as `target`. The folders still to be made are real folders, so
/// a `..` out of them is taken on the names; the rest is asked of the system.
fn reaches_same_file(new_root: &Path, relative: &Path, target: &Path) -> bool {
    let mut base = new_root.to_path_buf();
    let mut rest = relative.components().peekable();
    while std::fs::symlink_metadata(&base).is_err()
        && matches!(base.components().next_back(), Some(Component::Normal(_)))
        && rest.peek() == Some(&Component::ParentDir)
    {
        base.pop();
        rest.next();
    }
    if base.as_os_str().is_empty() {
        base.push(".");
    }
    let reached = rest.fold(base, |path, part| path.join(part));
    match (reached.canonicalize(), target.canonicalize()) {
        (Ok(reached), Ok(target)) => reached == target,
        _ => false,
    }
}

/// A TOML value, escaped by the `toml` crate.
fn value(value: impl Into<toml::Value>) -> String {
    value.into().to_string()
}

fn date_value(date: Date) -> String {
    value(toml::value::Datetime {
        date: Some(toml::value::Date {
            year: date.year,
            month: date.month,
            day: date.day,
        }),
        time: None,
        offset: None,
    })
}

fn strings_value(items: &[String]) -> String {
    value(toml::Value::Array(
        items.iter().cloned().map(toml::Value::String).collect(),
    ))
}

/// `key = value`, keys padded to `width` as the sample aligns them.
fn entry(key: &str, width: usize, value: &str) -> String {
    format!("{key:<width$} = {value}")
}

/// An optional key: written when present, else shown commented out with an
/// example value.
fn optional(key: &str, width: usize, present: Option<&str>, example: &str) -> String {
    match present {
        Some(text) => entry(key, width, &value(text)),
        None => format!("# {}", entry(key, width, example)),
    }
}

const RULE: &str = "# ---------------------------------------------------------------------------";

impl Plan {
    fn manifest(&self) -> String {
        let mut lines = self.header();
        lines.extend(self.gazette_table());
        lines.extend(self.issue_table());
        lines.extend(self.fonts_table());
        lines.extend(self.seal_table());
        lines.extend(self.templates_table());
        lines.extend(self.sections_table());
        lines.join("\n") + "\n"
    }

    fn header(&self) -> Vec<String> {
        let issue = &self.issue;
        let running = issue
            .running
            .map_or_else(String::new, |r| format!("（总第{r}期）"));
        let mut lines = vec![
            format!("# {}年第{}期{running}期刊清单，由 gazette new 生成。", issue.year, issue.number),
            "#".into(),
            "# 本文件是 gazette 工具的输入：一期公报 = 本文件夹 + issue.toml。".into(),
            "# 文件中的所有路径都相对于本文件夹；文档内的附件、政策解读路径则相对于该文档所在文件夹。".into(),
            "# 格式说明见 docs/manifest.md（清单格式规范 v1）。未知的键一律报错。".into(),
            "# 文字写在英文双引号内；日期不加引号，如 2025-08-15；“#”之后是注释。".into(),
        ];
        match &self.previous {
            Some(previous) => lines.push(format!(
                "# [gazette]、[fonts]、[seal] 三表取自上一期 {}。",
                value(previous.to_string_lossy().as_ref())
            )),
            None => lines.push(
                "# [gazette] 中的刊名、主办单位和刊物标识是占位文字，请改为本刊的真实信息。".into(),
            ),
        }
        lines.push("# 改好后生成本期版本：gazette build 本文件夹".into());
        lines
    }

    fn gazette_table(&self) -> Vec<String> {
        let g = &self.gazette;
        let w = 9;
        vec![
            String::new(),
            RULE.into(),
            "# [gazette]：刊物本身的信息，每期都相同。".into(),
            RULE.into(),
            "[gazette]".into(),
            format!(
                "# 刊物标识：小写 ASCII 字母、数字和连字符，至多 64 个字符。本期的版本标识由它生成：{}-{}-{:02}。",
                g.id, self.issue.year, self.issue.number
            ),
            entry("id", w, &value(g.id.as_str())),
            "# 报头名称，印在封面和每页页眉，也是 PDF 的标题。".into(),
            entry("title", w, &value(g.title.as_str())),
            "# 可选：英文名，小字印在报头下方。".into(),
            optional("title_en", w, g.title_en.as_deref(), "\"Example Municipal People's Government Gazette\""),
            "# 可选：标识符的基址（http/https URL，末尾不加斜杠）。不写时本期标识为 urn:gazette:刊物标识:年:期，".into(),
            "# 写了则为 基址/年/期，第 N 篇文档为 基址/年/期/N。说明见 docs/manifest.md。".into(),
            optional("uri", w, g.uri.as_deref(), "\"https://gazette.example.gov.cn/eli/cn-xx/gazette\""),
            "# 可选：每页二维码所指的核验网址，{code} 处填入该页的核验码，须恰好出现一次。不写时为 基址/verify?code=核验码，".into(),
            "# 没有基址时二维码给出文档标识加核验码。说明见 docs/manifest.md。".into(),
            optional("verify-url", w, g.verify_url.as_deref(), "\"https://gazette.example.gov.cn/verify?code={code}\""),
            "# 编辑出版单位，封面印作“主办：……”，也记为 PDF 的作者。".into(),
            entry("publisher", w, &value(g.publisher.as_str())),
            "# 可选：国际标准连续出版物号，格式 NNNN-NNNC，C 为按模 11（权 8…2）计算的校验位；照 ISSN 登记抄录。".into(),
            optional("issn", w, g.issn.as_deref(), "\"1234-5679\""),
            "# 可选：国内统一连续出版物号，格式 NN-NNNN/X。".into(),
            optional("cn", w, g.cn.as_deref(), "\"31-1234/D\""),
            "# 刊物默认语种（BCP 47）：zh-Hans 简体，zh-Hant 繁体，zh-Hant-HK 香港繁体等。".into(),
            "# 单篇文档可在其前置元数据中用 language 覆盖。".into(),
            entry("language", w, &value(g.language.tag.as_str())),
        ]
    }

    fn issue_table(&self) -> Vec<String> {
        let i = &self.issue;
        let w = 7;
        let column = |text: String| format!("{text:<24}");
        let running = match i.running {
            Some(r) => format!(
                "{}# 总第{r}期（可选）",
                column(entry("running", w, &value(i64::from(r))))
            ),
            None => format!(
                "{}# 可选：总期数，印作“总第N期”",
                column(format!("# {}", entry("running", w, "1")))
            ),
        };
        vec![
            String::new(),
            RULE.into(),
            "# [issue]：本期的期号和出版日期。期号在同一年内逐期加一，新的一年从 1 开始。".into(),
            RULE.into(),
            "[issue]".into(),
            format!(
                "{}# 年份",
                column(entry("year", w, &value(i64::from(i.year))))
            ),
            format!(
                "{}# 第{}期",
                column(entry("number", w, &value(i64::from(i.number)))),
                i.number
            ),
            running,
            format!(
                "{}# 出版日期（不加引号，须在 year 年内）；文档的成文日期不得晚于此日",
                column(entry("date", w, &date_value(i.date)))
            ),
        ]
    }

    fn fonts_table(&self) -> Vec<String> {
        let f = &self.fonts;
        let w = 8;
        vec![
            String::new(),
            RULE.into(),
            "# [fonts]（可选）：各字体角色的候选字体族，按顺序取第一个可用的；".into(),
            "# 程序自带的字体总是作为最后的后备，所以这里列出的字体不存在也能排版（构建时会提示）。".into(),
            "# 本机没有的字体可用 gazette build --font-path 文件夹 提供。".into(),
            RULE.into(),
            "[fonts]".into(),
            "# 标题（小标宋）、页眉和页码".into(),
            entry("song", w, &strings_value(&f.song)),
            "# 正文（仿宋）、三级和四级标题".into(),
            entry("fangsong", w, &strings_value(&f.fangsong)),
            "# 一级标题“一、”、加粗文字、表头、“附件”标注、栏目名".into(),
            entry("hei", w, &strings_value(&f.hei)),
            "# 二级标题“（一）”、强调文字".into(),
            entry("kai", w, &strings_value(&f.kai)),
        ]
    }

    fn seal_table(&self) -> Vec<String> {
        let mut lines = vec![
            String::new(),
            RULE.into(),
            "# [seal]（可选）：电子印章。写了本表，构建时即用该身份对 PDF 加盖印章（PAdES 签名），"
                .into(),
            "# 并在封面落款处显示红色圆形印章。路径相对于本文件夹，可以指向文件夹之外：".into(),
            "# 密钥不属于公报内容，不会进入任何输出。密码或 PIN 通过环境变量".into(),
            "# GAZETTE_KEY_PASSWORD / GAZETTE_PIN 或终端提示输入，绝不写在本文件或命令行里。"
                .into(),
            "# 不盖章构建：gazette build --no-seal。说明见 docs/sealing.md。".into(),
        ];
        let w = 12;
        match &self.seal {
            Some(seal) => {
                lines.extend([
                    RULE.into(),
                    "[seal]".into(),
                    "# 证书链（PEM），印章证书在前；私钥为 PKCS#12 文件时可省略".into(),
                    optional(
                        "certificates",
                        w,
                        seal.certificates.as_deref(),
                        "\"seal-chain.pem\"",
                    ),
                    "# 私钥：PKCS#8 / PKCS#12 文件，或 pkcs11: URI".into(),
                    entry("key", w, &value(seal.key.as_str())),
                    "# 印章上弧的单位名称（默认取 publisher）".into(),
                    entry("organisation", w, &value(seal.organisation.as_str())),
                    "# 五角星下方的印章用途".into(),
                    entry("purpose", w, &value(seal.purpose.as_str())),
                ]);
                if let Some(url) = &seal.timestamp {
                    lines.extend([
                        "# 时间戳服务（RFC 3161）地址；level 为长期验证级别 B-T / B-LT / B-LTA（默认）".into(),
                        entry("timestamp", w, &value(url.as_str())),
                    ]);
                    if let Some(level) = seal.level {
                        lines.push(entry("level", w, &value(level.to_string().as_str())));
                    }
                }
            }
            None => {
                lines.extend([
                    "# 试用时可先运行 gazette certs example 生成测试证书（仅供测试，切勿用于正式发布），".into(),
                    "# 再去掉下面各行开头的“# ”。".into(),
                    RULE.into(),
                    "# [seal]".into(),
                    format!("# {}", entry("certificates", w, "\"../certs-example/seal-chain.pem\"")),
                    format!("# {}", entry("key", w, "\"../certs-example/seal.key.pem\"")),
                    format!("# {}", entry("organisation", w, &value(self.gazette.publisher.as_str()))),
                    format!("# {}", entry("purpose", w, &value(SEAL_PURPOSE))),
                ]);
            }
        }
        lines
    }

    fn templates_table(&self) -> Vec<String> {
        let mut lines = vec![
            String::new(),
            RULE.into(),
            "# [templates]（可选）：本期自己的 typst 版式模板所在的文件夹（在本文件夹内）。".into(),
            "# 其中与 gazette 自带模板同名的文件取而代之，其余文件（如图片）可被模板引用。".into(),
            "# gazette templates DIR 写出自带模板作为起点。说明见 docs/manifest.md。".into(),
            RULE.into(),
        ];
        match &self.templates {
            Some(templates) => lines.extend([
                "[templates]".into(),
                entry("folder", 6, &value(templates.folder.as_str())),
            ]),
            None => lines.extend([
                "# [templates]".into(),
                format!("# {}", entry("folder", 6, "\"templates\"")),
            ]),
        }
        lines
    }

    fn sections_table(&self) -> Vec<String> {
        vec![
            String::new(),
            RULE.into(),
            "# [[sections]]：栏目，按印刷顺序排列；每个栏目至少列一篇文档，文档按列出的顺序印刷。"
                .into(),
            "# 再加一个栏目，就再写一段 [[sections]]。".into(),
            RULE.into(),
            "[[sections]]".into(),
            entry("title", 5, &value(self.section.as_str())),
            "documents = [".into(),
            format!(
                "    {},   # 示例文件，演示文件的写法：正式出版前请删除或改写",
                value(EXAMPLE)
            ),
            "]".into(),
        ]
    }

    /// A short document with each kind of block an editor meets first; dated
    /// on the issue's date, so that it is never after it.
    fn example_document(&self) -> String {
        let date = self.issue.date;
        let number = format!("示例办发〔{}〕1号", date.year);
        let front = [
            "+++".to_string(),
            "# 前置元数据（TOML）：文件的标题、发文字号等。说明见 docs/manifest.md 第3节。".into(),
            "# 标题".into(),
            entry("title", 10, &value("关于做好政府公报编辑出版工作的通知")),
            "# 发文字号：机关代字〔年份〕序号号。〔〕是六角括号，年份须与成文日期的年份一致，序号不加虚位".into(),
            entry("number", 10, &value(number.as_str())),
            "# 发文机关署名，印在成文日期之上".into(),
            entry("issuer", 10, &value(self.gazette.publisher.as_str())),
            "# 主送机关（可选），印时自动加冒号".into(),
            entry("addressees", 10, &value("各区人民政府，市政府各委、办、局")),
            "# 成文日期：不加引号，不得晚于本期的出版日期".into(),
            entry("date", 10, &date_value(date)),
            "# 公开属性：只有“主动公开”的文件可以刊登".into(),
            entry("disclosure", 10, &value("主动公开")),
            "+++".into(),
        ];
        let body = [
            "为做好本期公报的编辑出版工作，现将有关事项通知如下：",
            "",
            "# 一、编辑要求",
            "",
            "**（一）核对文件信息。**",
            "逐项核对标题、发文字号、成文日期和公开属性，确保与正式文本一致。只有标注主动公开的文件可以刊登。",
            "",
            "**（二）按时报送稿件。**",
            "各报送单位按下表时限报送稿件。",
            "",
            "| 序号 | 工作事项 | 完成时限 |",
            "|:---:|---|:---:|",
            "| 1 | 报送文件正式文本 | 出版前5个工作日 |",
            "| 2 | 校对排版清样 | 出版前2个工作日 |",
            "",
            "# 二、其他事项",
            "",
            "本文件是示例，演示一级标题、段首标题、段落和表格的写法。编辑时请删除本文件，或改写为正式文件，并在 issue.toml 中更新文件清单。",
        ];
        let mut lines: Vec<String> = front.into();
        lines.extend(body.iter().map(|line| line.to_string()));
        lines.join("\n") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shanghai-gazette-2025-08")
    }

    fn date(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    /// Writes the scaffold's files into `issue`, as the command line does.
    fn write(issue: &Path, scaffold: &Scaffold) {
        for file in &scaffold.files {
            let path = issue.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.bytes).unwrap();
        }
    }

    fn made(issue: &Path, on: &str, previous: Option<&Path>) -> (Scaffold, Edition) {
        let scaffold = scaffold(issue, date(on), previous).unwrap();
        write(issue, &scaffold);
        let edition = manifest::load(issue).unwrap_or_else(|diags| {
            let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
            panic!("the new issue does not load:\n{}", shown.join("\n"))
        });
        (scaffold, edition)
    }

    #[test]
    fn a_first_issue_loads_as_number_one_of_its_date() {
        let dir = tempfile::tempdir().unwrap();
        let issue = dir.path().join("new");
        let (scaffold, edition) = made(&issue, "2026-03-09", None);
        assert_eq!(edition.id, "my-gazette-2026-01");
        assert_eq!(scaffold.edition_id, edition.id);
        assert_eq!((edition.issue.year, edition.issue.number), (2026, 1));
        assert_eq!(edition.issue.running, None);
        assert_eq!(edition.issue.date, date("2026-03-09"));
        assert!(edition.seal.is_none());
        let document = &edition.sections[0].documents[0];
        assert_eq!(document.source, EXAMPLE);
        assert_eq!(document.number.as_deref(), Some("示例办发〔2026〕1号"));
        assert_eq!(document.date, edition.issue.date);
        assert_eq!(document.issuer, edition.gazette.publisher);
        let blocks = serde_json::to_string(&document.body).unwrap();
        for kind in ["\"heading\"", "\"paragraph\"", "\"table\""] {
            assert!(blocks.contains(kind), "no {kind} in {blocks}");
        }
        assert!(blocks.contains("（一）核对文件信息。"), "{blocks}");
        assert!(scaffold.notes.is_empty());
    }

    #[test]
    fn after_the_sample_comes_number_nine_with_its_gazette_and_seal() {
        let dir = tempfile::tempdir().unwrap();
        // Resolved, so that no link on the way (a /tmp that is one) forces an absolute path.
        let issue = dir
            .path()
            .canonicalize()
            .unwrap()
            .join("shanghai-gazette-2025-09");
        let (scaffold, edition) = made(&issue, "2025-09-15", Some(&sample()));
        let previous = manifest::load(&sample()).unwrap();
        assert_eq!(edition.id, "shanghai-gazette-2025-09");
        assert_eq!(edition.issue.number, 9);
        assert_eq!(edition.issue.running, Some(513));
        assert_eq!(
            serde_json::to_value(&edition.gazette).unwrap(),
            serde_json::to_value(&previous.gazette).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&edition.fonts).unwrap(),
            serde_json::to_value(&previous.fonts).unwrap()
        );
        let (seal, was) = (edition.seal.unwrap(), previous.seal.unwrap());
        let same = |a: &Path, b: &Path| a.canonicalize().unwrap() == b.canonicalize().unwrap();
        assert!(
            same(Path::new(&seal.key), Path::new(&was.key)),
            "{}",
            seal.key
        );
        assert!(same(
            seal.certificates.as_deref().unwrap(),
            was.certificates.as_deref().unwrap()
        ));
        assert_eq!(
            (seal.organisation, seal.purpose),
            (was.organisation, was.purpose)
        );
        let text = String::from_utf8_lossy(&scaffold.files[0].bytes);
        assert!(
            !text.contains("key          = \"/"),
            "not relative:\n{text}"
        );
        assert!(scaffold.notes.is_empty(), "{:?}", scaffold.notes);
    }

    #[test]
    fn a_later_year_starts_again_at_number_one_and_running_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (_, edition) = made(&dir.path().join("n"), "2026-01-05", Some(&sample()));
        assert_eq!((edition.issue.year, edition.issue.number), (2026, 1));
        assert_eq!(edition.issue.running, Some(513));
    }

    #[test]
    fn the_same_day_is_allowed_an_earlier_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (_, edition) = made(&dir.path().join("same"), "2025-08-15", Some(&sample()));
        assert_eq!(edition.issue.number, 9);
        let diags = scaffold(
            &dir.path().join("early"),
            date("2025-08-14"),
            Some(&sample()),
        )
        .unwrap_err();
        assert!(
            diags[0]
                .message
                .contains("before the previous issue's date 2025-08-15")
        );
        assert!(!dir.path().join("early").exists());
    }

    #[test]
    fn the_last_number_of_a_year_has_no_successor_in_that_year() {
        let last = Issue {
            year: 2025,
            number: 999,
            running: Some(999_999),
            date: date("2025-12-30"),
        };
        assert!(next_issue(&last, date("2025-12-31")).is_err());
        let diags = next_issue(
            &Issue {
                running: None,
                ..last
            },
            date("2025-12-31"),
        )
        .unwrap_err();
        assert!(diags[0].message.contains("number 999 of 2025"));
        assert_eq!(
            next_issue(
                &Issue {
                    running: None,
                    ..last
                },
                date("2026-01-02")
            )
            .unwrap()
            .number,
            1
        );
    }

    #[test]
    fn quotes_and_backslashes_in_the_previous_gazette_survive() {
        let dir = tempfile::tempdir().unwrap();
        let previous = dir.path().join("prev");
        let first = dir.path().join("first");
        write(&first, &scaffold(&first, date("2025-01-10"), None).unwrap());
        std::fs::create_dir_all(previous.join("documents")).unwrap();
        let manifest = std::fs::read_to_string(first.join(MANIFEST)).unwrap();
        let strange = r#"Gazette "Quoted" \ back\slash 'single' """"#;
        let manifest = manifest.replace(
            "# title_en  = \"Example Municipal People's Government Gazette\"",
            &format!("title_en = {}", toml::Value::String(strange.into())),
        );
        assert!(manifest.contains("title_en = "), "{manifest}");
        std::fs::write(previous.join(MANIFEST), manifest).unwrap();
        std::fs::copy(first.join(EXAMPLE), previous.join(EXAMPLE)).unwrap();
        assert_eq!(
            manifest::load(&previous)
                .unwrap()
                .gazette
                .title_en
                .as_deref(),
            Some(strange)
        );
        let (_, edition) = made(&dir.path().join("next"), "2025-02-10", Some(&previous));
        assert_eq!(edition.gazette.title_en.as_deref(), Some(strange));
        assert_eq!(edition.issue.number, 2);
    }

    #[test]
    fn the_time_stamp_authority_and_level_are_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let previous = dir.path().join("prev");
        write(
            &previous,
            &scaffold(&previous, date("2025-01-10"), None).unwrap(),
        );
        let manifest = std::fs::read_to_string(previous.join(MANIFEST)).unwrap();
        let start = manifest
            .lines()
            .position(|line| line == "# [seal]")
            .unwrap();
        let mut lines: Vec<String> = manifest.lines().map(str::to_string).collect();
        assert!(lines[start + 4].starts_with("# purpose"), "{manifest}");
        for line in &mut lines[start..start + 5] {
            *line = line[2..].to_string();
        }
        lines.insert(
            start + 1,
            "timestamp = \"http://tsa.example.org/tsa\"".into(),
        );
        lines.insert(start + 2, "level = \"B-LT\"".into());
        let sealed = lines.join("\n");
        std::fs::write(previous.join(MANIFEST), sealed).unwrap();
        let was = manifest::load(&previous).unwrap().seal.unwrap();
        assert_eq!(was.level, Some(Level::Lt));
        let (_, edition) = made(&dir.path().join("next"), "2025-02-10", Some(&previous));
        let seal = edition.seal.unwrap();
        assert_eq!(
            seal.timestamp.as_deref(),
            Some("http://tsa.example.org/tsa")
        );
        assert_eq!(seal.level, Some(Level::Lt));
    }

    #[test]
    fn a_previous_issue_that_does_not_load_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let diags =
            scaffold(&dir.path().join("n"), date("2025-09-01"), Some(dir.path())).unwrap_err();
        assert_eq!(diags[0].message, "no issue manifest here");
    }

    #[test]
    fn an_occupied_folder_is_refused_an_empty_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep").unwrap();
        let diags = scaffold(dir.path(), date("2025-09-01"), None).unwrap_err();
        assert!(diags[0].message.contains("not empty"), "{}", diags[0]);
        let file = dir.path().join("notes.txt");
        let diags = scaffold(&file, date("2025-09-01"), None).unwrap_err();
        assert!(diags[0].message.contains("not a folder"), "{}", diags[0]);
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(scaffold(&empty, date("2025-09-01"), None).is_ok());
    }

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(date("2024-02-29").chinese(), "2024年2月29日");
        for bad in ["2025-02-30", "2025-9-1", "2025-09-01T10:00:00", "today", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        assert!(scaffold(&dir.path().join("n"), date("1899-12-31"), None).is_err());
    }

    #[test]
    fn unix_days_become_calendar_dates() {
        assert_eq!(date_from_unix_days(0), date("1970-01-01"));
        assert_eq!(date_from_unix_days(11_016), date("2000-02-29"));
        assert_eq!(date_from_unix_days(20_332), date("2025-09-01"));
        assert_eq!(date_from_unix_days(20_453), date("2025-12-31"));
        assert_eq!(date_from_unix_days(20_454), date("2026-01-01"));
    }

    #[test]
    fn relative_paths_are_computed_on_names() {
        let from = Path::new("/a/b/new");
        assert_eq!(
            relative_path(Path::new("/a/b/old/../../keys/k.pem"), from).unwrap(),
            Path::new("../../keys/k.pem")
        );
        assert_eq!(
            relative_path(Path::new("/a/b/new/x"), from).unwrap(),
            Path::new("x")
        );
        assert_eq!(to_toml_path(Path::new("/a/b")).unwrap(), "/a/b");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_way_makes_the_path_absolute_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("vault/keys");
        std::fs::create_dir_all(&keys).unwrap();
        std::fs::write(keys.join("seal.pem"), "x").unwrap();
        // issues/ is a link into the vault: ../keys from inside it is the vault's.
        std::os::unix::fs::symlink(dir.path().join("vault/issues"), dir.path().join("issues"))
            .unwrap();
        std::fs::create_dir_all(dir.path().join("vault/issues/prev")).unwrap();
        let root = dir.path().join("issues/prev");
        let loaded = root.join("../../keys/seal.pem");
        assert!(loaded.exists());
        let mut notes = Vec::new();
        let new_root = dir.path().join("next");
        let written = carried_path(&root, &loaded, &new_root, &mut notes).unwrap();
        assert!(Path::new(&written).is_absolute(), "{written}");
        assert_eq!(
            Path::new(&written).canonicalize().unwrap(),
            loaded.canonicalize().unwrap()
        );
        assert!(notes[0].contains("absolute path"), "{notes:?}");
    }
}
